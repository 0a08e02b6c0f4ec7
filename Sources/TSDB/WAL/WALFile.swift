#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// I/O errors from the WAL, with the path and errno text.
public struct WALError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ what: String, _ path: String, errno e: Int32 = errno) {
        description = "\(what) \(path): \(String(cString: strerror(e)))"
    }
    init(message: String) { description = message }
}

/// Framing of one record in a segment (docs/formats/wal.md):
///
///     [length: u32 BE][crc32c(payload): u32 BE][payload: length bytes]
///
/// Encode a record straight into a buffer: `let s = WALFrame.begin(&buf)`, append the payload,
/// `WALFrame.end(&buf, s)`.
public enum WALFrame {
    public static let headerSize = 8

    @inlinable
    public static func begin(_ buf: inout [UInt8]) -> Int {
        let start = buf.count
        buf.append(contentsOf: [0, 0, 0, 0, 0, 0, 0, 0] as [UInt8])
        return start
    }

    public static func end(_ buf: inout [UInt8], _ start: Int) {
        let n = buf.count - start - headerSize
        let crc = buf.withUnsafeBytes { WALChecksum.checksum(UnsafeRawBufferPointer(rebasing: $0[(start + headerSize)...])) }
        for k in 0..<4 {
            buf[start + k] = UInt8(truncatingIfNeeded: UInt32(n) >> UInt32(24 - 8 * k))
            buf[start + 4 + k] = UInt8(truncatingIfNeeded: crc >> UInt32(24 - 8 * k))
        }
    }
}

/// Small POSIX helpers (cold path except `writeAll`).
enum PosixFile {
    static func openForAppend(_ path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if fd < 0 { throw WALError("open", path) }
        return fd
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var off = 0
        while off < bytes.count {
            let n = write(fd, bytes.baseAddress! + off, bytes.count - off)
            if n < 0 {
                if errno == EINTR { continue }
                throw WALError("write", path)
            }
            off += n
        }
    }

    static func closeFD(_ fd: Int32) { _ = close(fd) }

    static func fsyncDir(_ path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }

    /// Segment indices (8-digit names) in `dir`, sorted.
    static func segmentIndices(_ dir: String) -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.compactMap { $0.count == 8 && $0.allSatisfy(\.isNumber) ? Int($0) : nil }.sorted()
    }

    static func segmentName(_ i: Int) -> String {
        let s = String(i)
        return String(repeating: "0", count: max(0, 8 - s.count)) + s
    }

    static func size(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }
}

/// Reads the frames of one segment file sequentially through a buffer (no whole-file read).
struct SegmentReader {
    enum Next {
        case record(ArraySlice<UInt8>)
        case end
        /// A torn or corrupt frame starting at `offset`; everything before it is good.
        case corrupt(offset: Int, reason: String)
    }

    let path: String
    let fd: Int32
    var buf: [UInt8] = []
    var pos = 0
    /// File offset of buf[0].
    var base = 0
    var eof = false
    var scratch = [UInt8](repeating: 0, count: 1 << 20)

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw WALError("open", path) }
    }

    func closeFile() { _ = close(fd) }

    /// Offset of the next frame.
    var offset: Int { base + pos }

    /// Makes at least `n` unread bytes available if the file has them.
    mutating func fill(_ n: Int) -> Bool {
        while buf.count - pos < n && !eof {
            if pos > 0 {
                buf.removeFirst(pos)
                base += pos
                pos = 0
            }
            let got = scratch.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if got < 0 && errno == EINTR { continue }
            if got <= 0 {
                eof = true
            } else {
                buf.append(contentsOf: scratch[0..<got])
            }
        }
        return buf.count - pos >= n
    }

    mutating func next() -> Next {
        if !fill(1) { return .end }
        let start = offset
        guard fill(WALFrame.headerSize) else { return .corrupt(offset: start, reason: "short frame header") }
        var len = 0
        var crc: UInt32 = 0
        for k in 0..<4 {
            len = len << 8 | Int(buf[pos + k])
            crc = crc << 8 | UInt32(buf[pos + 4 + k])
        }
        if len == 0 { return .corrupt(offset: start, reason: "zero-length frame") }
        guard fill(WALFrame.headerSize + len) else { return .corrupt(offset: start, reason: "short record (\(len) bytes announced)") }
        let payload = buf[(pos + WALFrame.headerSize)..<(pos + WALFrame.headerSize + len)]
        if WALChecksum.checksum(payload) != crc { return .corrupt(offset: start, reason: "checksum mismatch") }
        pos += WALFrame.headerSize + len
        return .record(payload)
    }
}
