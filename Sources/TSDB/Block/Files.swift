#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An I/O failure with the path and errno text (Prometheus wraps them the same way).
public struct IOError: Error, Sendable, CustomStringConvertible {
    public let op: String
    public let path: String
    public let errno: Int32

    public init(_ op: String, _ path: String, errno: Int32) {
        self.op = op
        self.path = path
        self.errno = errno
    }

    public var description: String { "\(op) \(path): \(String(cString: strerror(errno)))" }
}

/// A read-only memory-mapped file. The mapping lives as long as this object, so views handed out
/// by readers stay valid while a reader (and thus this object) is retained, even after the file
/// is unlinked (block deletion while a query runs).
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let bytes: UnsafeRawBufferPointer

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        if fd < 0 { throw IOError("open", path, errno: errno) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 { throw IOError("stat", path, errno: errno) }
        let size = Int(st.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0), p != MAP_FAILED else {
            throw IOError("mmap", path, errno: errno)
        }
        bytes = UnsafeRawBufferPointer(start: p, count: size)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}

/// A buffered, append-only file writer (O_CREAT|O_EXCL): `write`, then `sync()` and `close()`.
public final class FileWriter {
    public let path: String
    var fd: Int32
    var buffer: [UInt8] = []
    public private(set) var offset: Int = 0
    let bufferSize: Int

    public init(path: String, bufferSize: Int = 1 << 20) throws {
        self.path = path
        self.bufferSize = bufferSize
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if fd < 0 { throw IOError("create", path, errno: errno) }
        buffer.reserveCapacity(bufferSize)
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        offset += bytes.count
        if buffer.count + bytes.count > bufferSize { try flush() }
        if bytes.count >= bufferSize {
            try writeAll(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    public func flush() throws {
        if buffer.isEmpty { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ b: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < b.count {
            let n = Glibc.write(fd, b.baseAddress! + done, b.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw IOError("write", path, errno: errno)
            }
            done += n
        }
    }

    /// Flushes and fsyncs.
    public func sync() throws {
        try flush()
        if fsync(fd) != 0 { throw IOError("fsync", path, errno: errno) }
    }

    public func close() throws {
        try flush()
        if fd >= 0 {
            let r = Glibc.close(fd)
            fd = -1
            if r != 0 { throw IOError("close", path, errno: errno) }
        }
    }

    deinit { if fd >= 0 { _ = Glibc.close(fd) } }
}

/// Small filesystem helpers for block directories (no Foundation on these paths).
public enum FS {
    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    public static func mkdir(_ path: String) throws {
        if Glibc.mkdir(path, 0o755) != 0 && errno != EEXIST { throw IOError("mkdir", path, errno: errno) }
    }

    /// mkdir -p
    public static func mkdirAll(_ path: String) throws {
        if isDirectory(path) { return }
        var cur = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            cur += "/" + part
            try mkdir(cur)
        }
    }

    public static func list(_ path: String) throws -> [String] {
        guard let d = opendir(path) else { throw IOError("opendir", path, errno: errno) }
        defer { closedir(d) }
        var out: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { out.append(name) }
        }
        return out.sorted()
    }

    public static func fileSize(_ path: String) -> Int64 {
        var st = stat()
        return stat(path, &st) == 0 ? Int64(st.st_size) : 0
    }

    /// Total size of regular files below `path` (recursive).
    public static func treeSize(_ path: String) -> Int64 {
        guard isDirectory(path) else { return fileSize(path) }
        var total: Int64 = 0
        for name in (try? list(path)) ?? [] { total += treeSize(path + "/" + name) }
        return total
    }

    /// rm -rf
    public static func removeAll(_ path: String) throws {
        if isDirectory(path) {
            for name in try list(path) { try removeAll(path + "/" + name) }
            if rmdir(path) != 0 && errno != ENOENT { throw IOError("rmdir", path, errno: errno) }
        } else if unlink(path) != 0 && errno != ENOENT {
            throw IOError("unlink", path, errno: errno)
        }
    }

    public static func rename(_ from: String, _ to: String) throws {
        if Glibc.rename(from, to) != 0 { throw IOError("rename", from + " -> " + to, errno: errno) }
    }

    /// fsyncs a directory so a rename inside it is durable.
    public static func syncDir(_ path: String) throws {
        let fd = open(path, O_RDONLY)
        if fd < 0 { throw IOError("open", path, errno: errno) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw IOError("fsync", path, errno: errno) }
    }

    public static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        let w = try FileWriter(path: path, bufferSize: max(4096, bytes.count))
        try w.write(bytes)
        try w.sync()
        try w.close()
    }

    public static func readFile(_ path: String) throws -> [UInt8] {
        let m = try MappedFile(path: path)
        return Array(m.bytes)
    }
}
