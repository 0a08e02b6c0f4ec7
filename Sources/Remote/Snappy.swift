/// Snappy block format (not the framed/stream format), as remote write's `Content-Encoding:
/// snappy` requires (github.com/google/snappy format_description.txt):
///
///     varint(uncompressed length) element*
///     element tag, low 2 bits:
///       00 literal  — len-1 in the high 6 bits when < 60; 60/61/62/63 = len-1 in the next 1/2/3/4 bytes (LE)
///       01 copy     — len 4…11 in bits 2-4, offset bits 8-10 in bits 5-7, then 1 byte of offset
///       10 copy     — len-1 (1…64) in the high 6 bits, then 2 bytes of offset (LE)
///       11 copy     — as 10 with 4 bytes of offset
///
/// The compressor is an LZ77 matcher over 64 KiB blocks with a 16 K-entry hash table of 4-byte
/// sequences; when it finds no matches for a while it looks less often (skips ahead), so
/// incompressible input costs little. Output is valid for any snappy decoder.
public enum Snappy {
    static let blockSize = 1 << 16
    static let tableBits = 14
    /// Keep this many bytes at a block's end out of the matcher so 4- and 8-byte loads stay in bounds.
    static let inputMargin = 15

    /// The worst-case compressed size of `n` bytes.
    public static func maxEncodedLength(_ n: Int) -> Int { 32 + n + n / 6 }

    public static func compress(_ src: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        compress(src, into: &out)
        return out
    }

    /// Appends the compressed form of `src` to `out`.
    public static func compress(_ src: [UInt8], into out: inout [UInt8]) {
        out.reserveCapacity(out.count + maxEncodedLength(src.count))
        putVarint(UInt64(src.count), &out)
        src.withUnsafeBufferPointer { p in
            var table = [UInt16](repeating: 0, count: 1 << tableBits)
            var start = 0
            while start < p.count {
                let end = min(start + blockSize, p.count)
                if end - start < inputMargin + 2 {
                    emitLiteral(p, start, end, &out)
                } else {
                    for i in table.indices { table[i] = 0 }
                    compressBlock(p, start, end, &table, &out)
                }
                start = end
            }
        }
    }

    @inline(__always)
    static func load32(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt32 {
        UInt32(p[i]) | UInt32(p[i + 1]) << 8 | UInt32(p[i + 2]) << 16 | UInt32(p[i + 3]) << 24
    }

    @inline(__always)
    static func hash(_ v: UInt32) -> Int { Int((v &* 0x1e35_a7bd) >> (32 - UInt32(tableBits))) }

    /// One block [start, end): table entries are offsets from `start` (fit in 16 bits).
    static func compressBlock(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                              _ table: inout [UInt16], _ out: inout [UInt8]) {
        let limit = end - inputMargin
        var emitted = start
        var s = start + 1
        while true {
            // Find a 4-byte match, looking less often the longer nothing matched.
            var skip = 32
            var candidate = 0
            var found = false
            while true {
                let step = skip >> 5
                skip += step
                if s + step > limit { break }
                let cur = load32(p, s)
                let h = hash(cur)
                candidate = start + Int(table[h])
                table[h] = UInt16(s - start)
                if candidate < s && load32(p, candidate) == cur { found = true; break }
                s += step
            }
            if !found { break }
            emitLiteral(p, emitted, s, &out)
            // Emit copies while the next position matches too.
            while true {
                let base = s
                var m = s + 4
                var c = candidate + 4
                while m < end && p[m] == p[c] { m += 1; c += 1 }
                emitCopy(offset: base - candidate, length: m - base, &out)
                s = m
                emitted = s
                if s >= limit { return emitLiteral(p, emitted, end, &out) }
                table[hash(load32(p, s - 1))] = UInt16(s - 1 - start)
                let cur = load32(p, s)
                let h = hash(cur)
                candidate = start + Int(table[h])
                table[h] = UInt16(s - start)
                if !(candidate < s && load32(p, candidate) == cur) { s += 1; break }
            }
        }
        emitLiteral(p, emitted, end, &out)
    }

    static func emitLiteral(_ p: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ out: inout [UInt8]) {
        let n = to - from
        guard n > 0 else { return }
        let l = n - 1
        if l < 60 {
            out.append(UInt8(l << 2))
        } else if l < 1 << 8 {
            out.append(60 << 2); out.append(UInt8(l))
        } else if l < 1 << 16 {
            out.append(61 << 2); out.append(UInt8(l & 0xff)); out.append(UInt8(l >> 8))
        } else if l < 1 << 24 {
            out.append(62 << 2); out.append(UInt8(l & 0xff)); out.append(UInt8((l >> 8) & 0xff)); out.append(UInt8(l >> 16))
        } else {
            out.append(63 << 2)
            for i in 0..<4 { out.append(UInt8((l >> (8 * i)) & 0xff)) }
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: p[from..<to]))
    }

    static func emitCopy(offset: Int, length: Int, _ out: inout [UInt8]) {
        var len = length
        // Long matches: 64-byte copies, keeping at least 4 for the last one.
        while len >= 68 {
            emitCopy2(offset, 64, &out)
            len -= 64
        }
        if len > 64 {
            emitCopy2(offset, 60, &out)
            len -= 60
        }
        if len >= 12 || offset >= 2048 {
            emitCopy2(offset, len, &out)
        } else {
            out.append(UInt8(0x01 | ((len - 4) << 2) | ((offset >> 8) << 5)))
            out.append(UInt8(offset & 0xff))
        }
    }

    @inline(__always)
    static func emitCopy2(_ offset: Int, _ len: Int, _ out: inout [UInt8]) {
        out.append(UInt8(0x02 | ((len - 1) << 2)))
        out.append(UInt8(offset & 0xff))
        out.append(UInt8(offset >> 8))
    }

    /// Decompresses a snappy block; throws `ProtoError` for corrupt input or when the declared
    /// length exceeds `limit`.
    public static func decompress(_ src: [UInt8], limit: Int = 64 << 20) throws(ProtoError) -> [UInt8] {
        var r = ProtoReader(bytes: src, pos: 0, end: src.count)
        let n64 = try r.varint()
        guard n64 <= UInt64(limit) else { throw ProtoError("snappy: decoded length \(n64) exceeds limit") }
        let n = Int(n64)
        var out: [UInt8] = []
        out.reserveCapacity(n)
        var i = r.pos
        func need(_ k: Int) throws(ProtoError) { if src.count - i < k { throw ProtoError("snappy: corrupt input") } }
        func copy(_ off: Int, _ len: Int) throws(ProtoError) {
            guard off > 0, off <= out.count, out.count + len <= n else { throw ProtoError("snappy: corrupt input") }
            let from = out.count - off
            for k in 0..<len { out.append(out[from + k]) }
        }
        while i < src.count {
            let tag = src[i]
            i += 1
            switch tag & 3 {
            case 0:
                var len = Int(tag >> 2)
                if len >= 60 {
                    let k = len - 59
                    try need(k)
                    len = 0
                    for j in 0..<k { len |= Int(src[i + j]) << (8 * j) }
                    i += k
                }
                len += 1
                try need(len)
                guard out.count + len <= n else { throw ProtoError("snappy: corrupt input") }
                out.append(contentsOf: src[i..<(i + len)])
                i += len
                continue
            case 1:
                try need(1)
                let len = 4 + Int((tag >> 2) & 7)
                let off = Int(tag >> 5) << 8 | Int(src[i])
                i += 1
                try copy(off, len)
            case 2:
                try need(2)
                let off = Int(src[i]) | Int(src[i + 1]) << 8
                i += 2
                try copy(off, Int(tag >> 2) + 1)
            default:
                try need(4)
                var off = 0
                for j in 0..<4 { off |= Int(src[i + j]) << (8 * j) }
                i += 4
                try copy(off, Int(tag >> 2) + 1)
            }
        }
        guard out.count == n else { throw ProtoError("snappy: decoded \(out.count) bytes, header says \(n)") }
        return out
    }
}
