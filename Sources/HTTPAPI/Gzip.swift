import Foundation
import CZlib

/// Streaming gzip compression (zlib, windowBits 31). Feed chunks with `compress`, end with
/// `finish`; each returns the compressed bytes produced so far. Not thread-safe.
public final class GzipCompressor {
    private var stream = z_stream()
    private var out = [UInt8](repeating: 0, count: 64 * 1024)
    private var ended = false

    public init(level: Int32 = 6) {
        let rc = deflateInit2_(&stream, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY,
                               zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        precondition(rc == Z_OK, "deflateInit2 failed: \(rc)")
    }

    deinit { if !ended { deflateEnd(&stream) } }

    public func compress(_ input: [UInt8]) -> [UInt8] { run(input, flush: Z_NO_FLUSH) }

    /// Compresses `input`, appending what deflate produced so far to `out` (no intermediate
    /// arrays, the input not copied): the streaming path of /federate.
    public func compress(_ input: [UInt8], into out: inout [UInt8]) {
        input.withUnsafeBufferPointer { inp in
            stream.next_in = UnsafeMutablePointer(mutating: inp.baseAddress)
            stream.avail_in = UInt32(inp.count)
            repeat {
                let before = out.count
                let room = max(16 * 1024, inp.count / 4)
                out.reserveCapacity(before + room)
                out.append(contentsOf: repeatElement(0, count: room))
                let produced: Int = out.withUnsafeMutableBufferPointer { o in
                    stream.next_out = o.baseAddress! + before
                    stream.avail_out = UInt32(room)
                    deflate(&stream, Z_NO_FLUSH)
                    return room - Int(stream.avail_out)
                }
                out.removeLast(room - produced)
            } while stream.avail_out == 0 || stream.avail_in > 0
            stream.next_in = nil
        }
    }

    public func finish(_ input: [UInt8] = []) -> [UInt8] {
        let r = run(input, flush: Z_FINISH)
        deflateEnd(&stream)
        ended = true
        return r
    }

    private func run(_ input: [UInt8], flush: Int32) -> [UInt8] {
        var result: [UInt8] = []
        var input = input
        input.withUnsafeMutableBufferPointer { inp in
            stream.next_in = inp.baseAddress
            stream.avail_in = UInt32(inp.count)
            repeat {
                let produced: Int = out.withUnsafeMutableBufferPointer { o in
                    stream.next_out = o.baseAddress
                    stream.avail_out = UInt32(o.count)
                    deflate(&stream, flush)
                    return o.count - Int(stream.avail_out)
                }
                result.append(contentsOf: out[0..<produced])
            } while stream.avail_out == 0
            stream.next_in = nil
        }
        return result
    }

    /// One-shot gzip of a whole body.
    public static func gzip(_ input: [UInt8]) -> [UInt8] { GzipCompressor().finish(input) }
}

/// Gunzip for tests and small bodies. Returns nil on corrupt input.
public func gunzip(_ input: [UInt8]) -> [UInt8]? {
    var s = z_stream()
    guard inflateInit2_(&s, 31, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
    defer { inflateEnd(&s) }
    var input = input
    var result: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 64 * 1024)
    return input.withUnsafeMutableBufferPointer { inp -> [UInt8]? in
        s.next_in = inp.baseAddress
        s.avail_in = UInt32(inp.count)
        while true {
            let (rc, n): (Int32, Int) = buf.withUnsafeMutableBufferPointer { o in
                s.next_out = o.baseAddress
                s.avail_out = UInt32(o.count)
                let rc = inflate(&s, Z_NO_FLUSH)
                return (rc, o.count - Int(s.avail_out))
            }
            result.append(contentsOf: buf[0..<n])
            if rc == Z_STREAM_END { return result }
            if rc != Z_OK { return nil }
        }
    }
}

/// Whether an Accept-Encoding header value allows gzip (q > 0).
public func acceptsGzip(_ header: String?) -> Bool {
    guard let h = header else { return false }
    for part in h.split(separator: ",") {
        let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let coding = fields.first, coding == "gzip" || coding == "*" else { continue }
        if fields.dropFirst().contains(where: { $0 == "q=0" || $0 == "q=0.0" || $0 == "q=0.00" || $0 == "q=0.000" }) { return false }
        return true
    }
    return false
}
