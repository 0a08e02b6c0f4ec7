import CZlib

/// Why a pull failed while its body streamed (the text /api/v1/targets shows as lastError).
public struct PullError: Error, Sendable, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Cuts a streamed text-format body into runs of complete lines, so that a parser that needs
/// whole lines (`PromParser`) can run over each network part as it arrives. Bytes after the last
/// newline of a part are carried (copied) to the next part; everything else is handed to `emit`
/// in place, without copying. Memory: the carry holds at most one line plus one part, whatever
/// the body's size. Counts decompressed bytes against `limit` (0: none).
///
/// `emit(lines, firstLine)` gets a buffer of whole lines (ending in `\n`, except possibly the
/// last run at `finish`) and the 1-based body line number its first line has.
struct LineAssembler {
    private(set) var carry: [UInt8] = []
    private(set) var bytes = 0
    private(set) var nextLine = 1
    /// Largest carry seen (for tests and the memory claim above).
    private(set) var peakCarry = 0
    let limit: Int

    init(limit: Int) { self.limit = limit }

    mutating func feed(_ part: UnsafeRawBufferPointer,
                       _ emit: (UnsafeRawBufferPointer, Int) throws -> Void) throws {
        if part.isEmpty { return }
        bytes += part.count
        if limit > 0 && bytes > limit { throw PullError("body size limit exceeded (\(limit) bytes)") }
        guard let lastNL = Self.lastNewline(part) else {
            carry.append(contentsOf: part)
            peakCarry = max(peakCarry, carry.count)
            return
        }
        var start = 0
        if !carry.isEmpty {
            // Finish the carried line with this part's first line, parse that one line.
            let firstNL = part.firstIndex(of: 0x0A)!
            carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: part[0...firstNL]))
            peakCarry = max(peakCarry, carry.count)
            try carry.withUnsafeBytes { try emitCounted($0, emit) }
            carry.removeAll(keepingCapacity: carry.capacity <= 1 << 20)
            start = firstNL + 1
        }
        if start <= lastNL {
            try emitCounted(UnsafeRawBufferPointer(rebasing: part[start...lastNL]), emit)
        }
        if lastNL + 1 < part.count {
            carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: part[(lastNL + 1)...]))
            peakCarry = max(peakCarry, carry.count)
        }
    }

    /// The end of the body: a last line without newline is parsed too.
    mutating func finish(_ emit: (UnsafeRawBufferPointer, Int) throws -> Void) throws {
        guard !carry.isEmpty else { return }
        try carry.withUnsafeBytes { try emitCounted($0, emit) }
        carry.removeAll()
    }

    private mutating func emitCounted(_ lines: UnsafeRawBufferPointer,
                                      _ emit: (UnsafeRawBufferPointer, Int) throws -> Void) throws {
        try emit(lines, nextLine)
        var n = 0
        for c in lines where c == 0x0A { n += 1 }
        nextLine += n
    }

    static func lastNewline(_ p: UnsafeRawBufferPointer) -> Int? {
        var i = p.count - 1
        while i >= 0 {
            if p[i] == 0x0A { return i }
            i -= 1
        }
        return nil
    }
}

/// Streaming gunzip: each compressed part is inflated into a fixed 64 KiB window handed to
/// `out` as it fills, so memory stays constant whatever the body's size.
final class StreamInflater {
    private var s = z_stream()
    private var window = [UInt8](repeating: 0, count: 64 * 1024)
    private(set) var ended = false

    init() { inflateInit2_(&s, 31, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) }
    deinit { inflateEnd(&s) }

    func inflate(_ part: UnsafeRawBufferPointer, _ out: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !ended, let base = part.baseAddress, !part.isEmpty else { return }
        s.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self))
        s.avail_in = UInt32(part.count)
        defer { s.next_in = nil; s.avail_in = 0 }
        while true {
            let (rc, n): (Int32, Int) = window.withUnsafeMutableBufferPointer { w in
                s.next_out = w.baseAddress
                s.avail_out = UInt32(w.count)
                let rc = CZlib.inflate(&s, Z_NO_FLUSH)
                return (rc, w.count - Int(s.avail_out))
            }
            if n > 0 { try window.withUnsafeBytes { try out(UnsafeRawBufferPointer(rebasing: $0[0..<n])) } }
            if rc == Z_STREAM_END { ended = true; return }
            if rc != Z_OK && rc != Z_BUF_ERROR { throw PullError("gzip: invalid compressed data") }
            if s.avail_in == 0 && s.avail_out != 0 { return }
            if rc == Z_BUF_ERROR && s.avail_in == 0 { return }
        }
    }
}
