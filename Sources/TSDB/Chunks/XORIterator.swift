import MetricModel

/// Decodes an `XORChunk` byte stream sample by sample (Prometheus `xorIterator`). A value type
/// holding one reference to the bytes: no allocation per sample. A corrupt or short stream ends
/// the iteration early and sets `isCorrupt` instead of trapping.
public struct XORIterator: SampleIterator, Sendable {
    @usableFromInline var r: BitReader
    /// Sample count from the header.
    public let total: Int
    @usableFromInline var read = 0
    @usableFromInline var t: Int64 = 0
    @usableFromInline var vBits: UInt64 = 0
    @usableFromInline var tDelta: UInt64 = 0
    @usableFromInline var leading: UInt8 = 0xff  // no window yet, as the appender
    @usableFromInline var trailing: UInt8 = 0
    @usableFromInline var started = false
    @usableFromInline var done = false

    /// Iterates the chunk encoded in `bytes` (the 2-byte header + bit stream).
    public init(bytes: [UInt8]) {
        if bytes.count >= 2 {
            total = Int(bytes[0]) << 8 | Int(bytes[1])
        } else {
            total = 0
        }
        r = BitReader(bytes: bytes, offset: min(2, bytes.count))
        if bytes.count < 2 { r.overrun = true }
    }

    /// True when the stream ended before the header's sample count (or had a malformed varint).
    public var isCorrupt: Bool { r.overrun }

    @inlinable
    public var at: Sample { Sample(t: t, v: Double(bitPattern: vBits)) }

    @inlinable
    public mutating func next() -> Bool {
        if read >= total || r.overrun {
            done = true
            return false
        }
        switch read {
        case 0:
            t = r.readVarint()
            vBits = r.readBits(64)
        case 1:
            tDelta = r.readUvarint()
            t = t &+ Int64(bitPattern: tDelta)
            readValue()
        default:
            var prefix = 0
            var size = 0
            for _ in 0..<4 {
                prefix <<= 1
                if !r.readBit() { break }
                prefix |= 1
            }
            switch prefix {
            case 0b0: size = 0
            case 0b10: size = 14
            case 0b110: size = 17
            case 0b1110: size = 20
            default: size = 64
            }
            var dod: Int64 = 0
            if size != 0 {
                var bits = r.readBits(size)
                if size != 64 && bits > (1 << UInt64(size - 1)) {
                    bits = bits &- (1 << UInt64(size))  // negative values wrap
                }
                dod = Int64(bitPattern: bits)
            }
            tDelta = tDelta &+ UInt64(bitPattern: dod)
            t = t &+ Int64(bitPattern: tDelta)
            readValue()
        }
        if r.overrun {
            done = true
            return false
        }
        read += 1
        started = true
        return true
    }

    @inlinable
    mutating func readValue() {
        if !r.readBit() { return }  // same value
        if r.readBit() {
            leading = UInt8(r.readBits(5))
            var sig = UInt8(r.readBits(6))
            if sig == 0 { sig = 64 }
            trailing = 64 &- leading &- sig
        }
        let sig = 64 - Int(leading) - Int(trailing)
        guard sig > 0 && sig <= 64 else { r.overrun = true; return }
        let bits = r.readBits(sig)
        vBits ^= bits << UInt64(trailing)
    }

    @inlinable
    public mutating func seek(_ target: Timestamp) -> Bool {
        if done { return false }
        if started && t >= target { return true }
        while next() {
            if t >= target { return true }
        }
        return false
    }
}
