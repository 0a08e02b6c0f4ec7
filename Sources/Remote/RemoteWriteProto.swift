import MetricModel

/// One series of a remote-write request: its label set and samples in time order.
public struct WriteSeries: Equatable, Sendable {
    public var labels: Labels
    public var samples: [Sample]
    public init(labels: Labels, samples: [Sample]) {
        self.labels = labels
        self.samples = samples
    }
}

/// `prometheus.WriteRequest` (prompb/remote.proto, remote write 1.0), encoded and decoded by hand:
///
///     WriteRequest { repeated TimeSeries timeseries = 1; reserved 2; repeated MetricMetadata metadata = 3; }
///     TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; ... }
///     Label        { string name = 1; string value = 2; }
///     Sample       { double value = 1; int64 timestamp = 2; }
///
/// Wire bytes (see docs/remote-write.md): tag `0x0a` + varint length for each TimeSeries; inside,
/// `0x0a` len Label { `0x0a` len name, `0x12` len value } per label (sorted by name, as Labels
/// stores them), then `0x12` len Sample { `0x09` + 8 bytes little-endian double, `0x10` varint
/// timestamp }. Like gogo-protobuf's generated code, proto3 zero values are omitted (an empty
/// string, a value whose bits are 0, a timestamp of 0).
public enum WriteRequestCodec {
    /// Appends the encoded request to `out`.
    public static func encode(_ series: [WriteSeries], into out: inout [UInt8]) {
        var labelBuf: [UInt8] = []
        for s in series {
            labelBuf.removeAll(keepingCapacity: true)
            s.labels.forEachRaw { name, value in
                let inner = fieldSize(name.count) + fieldSize(value.count)
                labelBuf.append(0x0a)
                putVarint(UInt64(inner), &labelBuf)
                putBytes(tag: 0x0a, name, &labelBuf)
                putBytes(tag: 0x12, value, &labelBuf)
            }
            var size = labelBuf.count
            for smp in s.samples {
                let inner = sampleSize(smp)
                size += 1 + varintSize(UInt64(inner)) + inner
            }
            out.append(0x0a)
            putVarint(UInt64(size), &out)
            out.append(contentsOf: labelBuf)
            for smp in s.samples {
                out.append(0x12)
                putVarint(UInt64(sampleSize(smp)), &out)
                if smp.v.bitPattern != 0 {
                    out.append(0x09)
                    var bits = smp.v.bitPattern
                    for _ in 0..<8 { out.append(UInt8(truncatingIfNeeded: bits)); bits >>= 8 }
                }
                if smp.t != 0 {
                    out.append(0x10)
                    putVarint(UInt64(bitPattern: smp.t), &out)
                }
            }
        }
    }

    public static func encode(_ series: [WriteSeries]) -> [UInt8] {
        var out: [UInt8] = []
        encode(series, into: &out)
        return out
    }

    /// Decodes a request (float samples; other fields skipped). Throws `ProtoError` on malformed bytes.
    public static func decode(_ bytes: [UInt8]) throws(ProtoError) -> [WriteSeries] {
        var out: [WriteSeries] = []
        var r = ProtoReader(bytes: bytes, pos: 0, end: bytes.count)
        while let (field, wire) = try r.tag() {
            guard field == 1, wire == 2 else { try r.skip(wire); continue }
            var ts = try r.sub()
            var labels: [(String, String)] = []
            var samples: [Sample] = []
            while let (f, w) = try ts.tag() {
                switch (f, w) {
                case (1, 2):
                    var l = try ts.sub()
                    var name = "", value = ""
                    while let (lf, lw) = try l.tag() {
                        if lf == 1 && lw == 2 { name = try l.string() } else if lf == 2 && lw == 2 { value = try l.string() } else { try l.skip(lw) }
                    }
                    labels.append((name, value))
                case (2, 2):
                    var s = try ts.sub()
                    var smp = Sample(t: 0, v: 0)
                    while let (sf, sw) = try s.tag() {
                        if sf == 1 && sw == 1 { smp.v = Double(bitPattern: try s.fixed64()) }
                        else if sf == 2 && sw == 0 { smp.t = Int64(bitPattern: try s.varint()) }
                        else { try s.skip(sw) }
                    }
                    samples.append(smp)
                default:
                    try ts.skip(w)
                }
            }
            out.append(WriteSeries(labels: Labels(labels), samples: samples))
        }
        return out
    }

    static func sampleSize(_ s: Sample) -> Int {
        (s.v.bitPattern != 0 ? 9 : 0) + (s.t != 0 ? 1 + varintSize(UInt64(bitPattern: s.t)) : 0)
    }

    static func fieldSize(_ n: Int) -> Int { n == 0 ? 0 : 1 + varintSize(UInt64(n)) + n }

    static func putBytes(tag: UInt8, _ b: UnsafeBufferPointer<UInt8>, _ out: inout [UInt8]) {
        guard b.count > 0 else { return }
        out.append(tag)
        putVarint(UInt64(b.count), &out)
        out.append(contentsOf: b)
    }
}

@inline(__always)
func varintSize(_ v: UInt64) -> Int {
    var n = 1, x = v
    while x >= 0x80 { x >>= 7; n += 1 }
    return n
}

@inline(__always)
func putVarint(_ v: UInt64, _ out: inout [UInt8]) {
    var x = v
    while x >= 0x80 {
        out.append(UInt8(truncatingIfNeeded: x) | 0x80)
        x >>= 7
    }
    out.append(UInt8(x))
}

/// Malformed protobuf or snappy input.
public struct ProtoError: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}

/// A cursor over protobuf bytes [pos, end).
struct ProtoReader {
    let bytes: [UInt8]
    var pos: Int
    let end: Int

    mutating func varint() throws(ProtoError) -> UInt64 {
        var v: UInt64 = 0, shift: UInt64 = 0
        while true {
            guard pos < end, shift < 64 else { throw ProtoError("proto: bad varint") }
            let b = bytes[pos]
            pos += 1
            v |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return v }
            shift += 7
        }
    }

    /// The next field number and wire type, or nil at the end.
    mutating func tag() throws(ProtoError) -> (Int, Int)? {
        guard pos < end else { return nil }
        let t = try varint()
        return (Int(t >> 3), Int(t & 7))
    }

    mutating func fixed64() throws(ProtoError) -> UInt64 {
        guard end - pos >= 8 else { throw ProtoError("proto: truncated fixed64") }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[pos + i]) << (8 * UInt64(i)) }
        pos += 8
        return v
    }

    mutating func sub() throws(ProtoError) -> ProtoReader {
        let n = try varint()
        guard n <= UInt64(end - pos) else { throw ProtoError("proto: length \(n) past end") }
        let r = ProtoReader(bytes: bytes, pos: pos, end: pos + Int(n))
        pos += Int(n)
        return r
    }

    mutating func string() throws(ProtoError) -> String {
        let r = try sub()
        return String(decoding: bytes[r.pos..<r.end], as: UTF8.self)
    }

    mutating func skip(_ wire: Int) throws(ProtoError) {
        switch wire {
        case 0: _ = try varint()
        case 1: guard end - pos >= 8 else { throw ProtoError("proto: truncated") }; pos += 8
        case 2: _ = try sub()
        case 5: guard end - pos >= 4 else { throw ProtoError("proto: truncated") }; pos += 4
        default: throw ProtoError("proto: unsupported wire type \(wire)")
        }
    }
}
