import MetricModel

/// Errors decoding a chunk read back from disk.
public enum ChunkError: Error, Equatable, Sendable {
    /// Fewer bytes than the 2-byte header, or the bit stream ends before the header's sample count.
    case corrupt(String)
}

/// A Gorilla-compressed float chunk, encoded exactly as Prometheus's `tsdb/chunkenc/xor.go`
/// (byte layout: docs/formats/chunks.md):
///
///     [num samples: uint16 big-endian][bit stream]
///     sample 0: varint(t) (Go zig-zag), 64 raw value bits
///     sample 1: uvarint(t - t0), XOR value
///     sample n: delta-of-delta of t in buckets 0 | 10+14 | 110+17 | 1110+20 | 1111+64 bits,
///               XOR value (0 = same; 10 = reuse leading/trailing window; 11 + 5 bits leading
///               + 6 bits significant count + bits)
///
/// A value type: `append` mutates in place (amortized growth of one byte array, no allocation per
/// sample). Copies share the byte buffer until one of them appends (copy-on-write), so a query
/// snapshot of the head's open chunk is one retain. Not thread-safe for concurrent mutation.
///
/// API used by the block writer/reader (stable): `init()`, `append(t:v:)`, `bytes`,
/// `numSamples`, `minTime`, `maxTime`, `init(bytes:)`, `iterator()`, `XORIterator(bytes:)`.
public struct XORChunk: Sendable {
    /// Encoding byte Prometheus writes before each chunk in chunk files (`EncXOR`).
    public static let encoding: UInt8 = 1
    /// Samples per chunk at which the head cuts a new chunk (Prometheus's 120).
    public static let targetSamples = 120

    // Field order packs the small fields into the BitWriter's tail padding (56 bytes in all):
    // the head keeps one of these per series.
    @usableFromInline var w: BitWriter
    @usableFromInline var num: UInt16 = 0
    @usableFromInline var leading: UInt8 = 0xff
    @usableFromInline var trailing: UInt8 = 0
    /// Built from stored bytes without decoding (`init(sealed:…)`): the appender state is not
    /// restored until the first `append`.
    @usableFromInline var sealed = false
    /// Last appended timestamp and value bits.
    @usableFromInline var t: Int64 = 0
    @usableFromInline var vBits: UInt64 = 0
    @usableFromInline var tDelta: UInt64 = 0
    /// Timestamp of the first sample (Int64.max when empty).
    @usableFromInline var _minTime: Timestamp = .max
    @inlinable public var minTime: Timestamp { _minTime }

    /// An empty chunk ready for appending. `capacity` pre-sizes the byte buffer.
    public init(capacity: Int = 0) {
        // Zero padding up to `capacity` is room for appends (see `BitWriter`).
        w = BitWriter(bytes: [UInt8](repeating: 0, count: max(2, capacity)), free: 0)
        w.len = 2
    }

    /// Decodes a chunk (e.g. read from a block) and restores the appender state, so `maxTime`
    /// is known and appending can continue. Throws `ChunkError.corrupt` if the stream is shorter
    /// than its header says.
    public init(bytes: [UInt8]) throws(ChunkError) {
        guard bytes.count >= 2 else { throw .corrupt("chunk shorter than its 2-byte header") }
        var it = XORIterator(bytes: bytes)
        var n: UInt16 = 0
        var first: Timestamp = .max
        while it.next() {
            if n == 0 { first = it.at.t }
            n += 1
        }
        if it.isCorrupt { throw .corrupt("bit stream ends after \(n) of \(it.total) samples") }
        // Bits consumed so far end the stream; drop anything after and clear unused low bits.
        let consumed = it.r.pos * 8 - it.r.valid
        let used = (consumed + 7) / 8
        let free = used * 8 - consumed
        var trimmed = bytes
        if trimmed.count > used { trimmed.removeLast(trimmed.count - used) }
        if free > 0 { trimmed[used - 1] &= ~UInt8((1 << free) - 1) }
        w = BitWriter(bytes: trimmed, free: UInt8(free))
        num = n
        t = it.t
        vBits = it.vBits
        tDelta = it.tDelta
        leading = it.leading
        trailing = it.trailing
        _minTime = first
    }

    /// Wraps encoded bytes whose time range is known without decoding them (the head's stored
    /// chunks). Reading is as usual; the first `append` decodes to restore the appender state.
    init(sealed bytes: [UInt8], minTime: Timestamp, maxTime: Timestamp) {
        w = BitWriter(bytes: bytes, free: 0)
        num = bytes.count >= 2 ? UInt16(bytes[0]) << 8 | UInt16(bytes[1]) : 0
        t = maxTime
        _minTime = minTime
        sealed = true
    }

    @usableFromInline
    mutating func unseal() {
        self = (try? XORChunk(bytes: w.exact)) ?? XORChunk()
    }

    /// The encoded chunk: 2-byte header and bit stream (the last byte may be partly filled).
    /// A copy when the chunk is still being appended to (its buffer has spare room).
    @inlinable public var bytes: [UInt8] { w.exact }

    /// Calls `body` with the encoded bytes without copying them.
    func withEncodedBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        w.bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[0..<w.len])) }
    }

    @inlinable public var numSamples: Int { Int(num) }

    /// Timestamp of the last sample (Int64.min when empty).
    @inlinable public var maxTime: Timestamp { num == 0 ? .min : t }

    /// The last sample appended, if any.
    public var last: Sample? {
        if num == 0 { return nil }
        if sealed {
            var it = iterator()
            var s: Sample?
            while it.next() { s = it.at }
            return s
        }
        return Sample(t: t, v: Double(bitPattern: vBits))
    }

    /// A fresh iterator over a snapshot of the chunk.
    public func iterator() -> XORIterator { XORIterator(bytes: w.bytes) }

    /// Appends a sample. Timestamps should increase (the head enforces it); any Int64 delta
    /// round-trips. Value bits are preserved exactly (NaN payloads, the stale marker).
    /// Amortized: no allocation except when the byte buffer grows.
    @inlinable
    public mutating func append(t: Timestamp, v: Double) {
        if sealed { unseal() }
        let bits = v.bitPattern
        // Encoder state in locals: the cursor closure must not touch `self` while `w` is borrowed.
        let n = num, prevT = self.t, prevBits = vBits, prevDelta = tDelta
        var lead = leading, trail = trailing
        var newDelta = prevDelta
        w.withCursor(reserve: 24) { c in
            switch n {
            case 0:
                // Byte aligned after the header: Go varint of t, then the raw value.
                var u = UInt64(bitPattern: t) << 1
                if t < 0 { u = ~u }
                while u >= 0x80 {
                    c.writeByte(UInt8(truncatingIfNeeded: u) | 0x80)
                    u >>= 7
                }
                c.writeByte(UInt8(u))
                c.writeBits(bits, 64)
            case 1:
                newDelta = UInt64(bitPattern: t &- prevT)
                c.writeUvarint(newDelta)
                Self.writeValue(&c, bits ^ prevBits, &lead, &trail)
            default:
                newDelta = UInt64(bitPattern: t &- prevT)
                let dod = Int64(bitPattern: newDelta &- prevDelta)
                if dod == 0 {
                    c.writeBit(false)
                } else if Self.fits(dod, 14) {
                    c.writeBits(0b10 << 14 | UInt64(bitPattern: dod) & 0x3FFF, 16)
                } else if Self.fits(dod, 17) {
                    c.writeBits(0b110 << 17 | UInt64(bitPattern: dod) & 0x1FFFF, 20)
                } else if Self.fits(dod, 20) {
                    c.writeBits(0b1110 << 20 | UInt64(bitPattern: dod) & 0xFFFFF, 24)
                } else {
                    c.writeBits(0b1111, 4)
                    c.writeBits(UInt64(bitPattern: dod), 64)
                }
                Self.writeValue(&c, bits ^ prevBits, &lead, &trail)
            }
            let count = n &+ 1
            c.p![0] = UInt8(truncatingIfNeeded: count >> 8)
            c.p![1] = UInt8(truncatingIfNeeded: count)
        }
        if n == 0 { _minTime = t }
        tDelta = newDelta
        leading = lead
        trailing = trail
        self.t = t
        vBits = bits
        num = n &+ 1
    }

    /// Prometheus's `bitRange`: whether x fits the n-bit bucket, -(2^(n-1)-1) ... 2^(n-1).
    @inlinable
    static func fits(_ x: Int64, _ n: Int) -> Bool {
        let lim = Int64(1) << Int64(n - 1)
        return -(lim - 1) <= x && x <= lim
    }

    /// Prometheus's `xorWrite` of `delta` = new bits XOR previous bits.
    @inlinable
    static func writeValue(_ c: inout BitCursor, _ delta: UInt64, _ leading: inout UInt8, _ trailing: inout UInt8) {
        if delta == 0 {
            c.writeBit(false)
            return
        }
        var newLeading = UInt8(delta.leadingZeroBitCount)
        let newTrailing = UInt8(delta.trailingZeroBitCount)
        if newLeading >= 32 { newLeading = 31 }  // leading count has 5 bits
        if leading != 0xff && newLeading >= leading && newTrailing >= trailing {
            c.writeBits(0b10, 2)
            c.writeBits(delta >> UInt64(trailing), 64 - Int(leading) - Int(trailing))
            return
        }
        leading = newLeading
        trailing = newTrailing
        let sig = 64 - Int(newLeading) - Int(newTrailing)
        // 11, 5 bits leading, 6 bits significant count (64 written as 0): 13 bits in one go.
        c.writeBits(0b11 << 11 | UInt64(newLeading) << 6 | UInt64(sig & 0x3f), 13)
        c.writeBits(delta >> UInt64(newTrailing), sig)
    }
}
