import MetricModel

/// A series definition in the WAL: the ref the head uses for `labels` from here on.
public struct RefSeries: Sendable, Equatable {
    public var ref: SeriesRef
    public var labels: Labels
    public init(ref: SeriesRef, labels: Labels) {
        self.ref = ref
        self.labels = labels
    }
}

/// One sample of the series `ref` in the WAL.
public struct RefSample: Sendable, Equatable {
    public var ref: SeriesRef
    public var t: Timestamp
    public var v: Double
    public init(ref: SeriesRef, t: Timestamp, v: Double) {
        self.ref = ref
        self.t = t
        self.v = v
    }

    public static func == (a: RefSample, b: RefSample) -> Bool {
        a.ref == b.ref && a.t == b.t && a.v.bitPattern == b.v.bitPattern
    }
}

/// WAL record payload types (first payload byte), as Prometheus's `record.Type`.
public enum WALRecordType: UInt8, Sendable {
    case series = 1
    case samples = 2
}

/// Errors decoding a WAL record payload (the frame's CRC was fine, the content is not).
public enum WALRecordError: Error, Equatable, Sendable {
    case unknownType(UInt8)
    case truncated(String)
}

/// A decoded record.
public enum WALRecord: Sendable, Equatable {
    case series([RefSeries])
    case samples([RefSample])
}

/// Record payload encoding (docs/formats/wal.md), as Prometheus's `tsdb/record`:
/// series: type 1, then per series ref (u64 BE), uvarint(label count), label pairs as
/// uvarint-length-prefixed name and value; samples: type 2, base ref (u64 BE), base t (i64 BE),
/// then per sample varint(ref - base ref), varint(t - base t), value bits (u64 BE).
public enum WALRecordCodec {
    public static func appendSeries(_ series: [RefSeries], to out: inout [UInt8]) {
        out.append(WALRecordType.series.rawValue)
        for s in series {
            putBE64(s.ref, &out)
            GoVarint.putUvarint(UInt64(s.labels.count), &out)
            out.append(contentsOf: s.labels.bytes)  // packed labels are already uvarint-prefixed pairs
        }
    }

    public static func appendSamples(_ samples: [RefSample], to out: inout [UInt8]) {
        out.append(WALRecordType.samples.rawValue)
        guard let first = samples.first else { return }
        putBE64(first.ref, &out)
        putBE64(UInt64(bitPattern: first.t), &out)
        for s in samples {
            GoVarint.putVarint(Int64(bitPattern: s.ref &- first.ref), &out)
            GoVarint.putVarint(s.t &- first.t, &out)
            putBE64(s.v.bitPattern, &out)
        }
    }

    @inlinable
    static func putBE64(_ v: UInt64, _ out: inout [UInt8]) {
        var x = v.bigEndian
        withUnsafeBytes(of: &x) { out.append(contentsOf: $0) }
    }

    /// Decodes one record payload.
    public static func decode(_ payload: ArraySlice<UInt8>) throws(WALRecordError) -> WALRecord {
        var d = ByteDecoder(payload)
        guard let type = d.byte() else { throw .truncated("empty record") }
        switch WALRecordType(rawValue: type) {
        case .series:
            var out: [RefSeries] = []
            while !d.atEnd {
                guard let ref = d.be64(), let n = d.uvarint() else { throw .truncated("series record") }
                let start = d.i
                for _ in 0..<n {
                    guard let nl = d.uvarint(), d.skip(Int(nl)), let vl = d.uvarint(), d.skip(Int(vl)) else {
                        throw .truncated("series labels")
                    }
                }
                out.append(RefSeries(ref: ref, labels: Labels(packed: Array(payload[start..<d.i]))))
            }
            return .series(out)
        case .samples:
            var out: [RefSample] = []
            if d.atEnd { return .samples(out) }
            guard let baseRef = d.be64(), let baseT = d.be64() else { throw .truncated("samples header") }
            while !d.atEnd {
                guard let dr = d.varint(), let dt = d.varint(), let bits = d.be64() else { throw .truncated("sample") }
                out.append(RefSample(ref: baseRef &+ UInt64(bitPattern: dr), t: Int64(bitPattern: baseT) &+ dt,
                                     v: Double(bitPattern: bits)))
            }
            return .samples(out)
        case nil:
            throw .unknownType(type)
        }
    }
}

/// Bounds-checked reads over a byte slice; every read returns nil past the end.
struct ByteDecoder {
    let b: ArraySlice<UInt8>
    var i: Int

    init(_ b: ArraySlice<UInt8>) {
        self.b = b
        i = b.startIndex
    }

    var atEnd: Bool { i >= b.endIndex }

    mutating func byte() -> UInt8? {
        guard i < b.endIndex else { return nil }
        defer { i += 1 }
        return b[i]
    }

    mutating func skip(_ n: Int) -> Bool {
        guard n >= 0, b.endIndex - i >= n else { return false }
        i += n
        return true
    }

    mutating func be64() -> UInt64? {
        guard b.endIndex - i >= 8 else { return nil }
        var v: UInt64 = 0
        for k in 0..<8 { v = v << 8 | UInt64(b[i + k]) }
        i += 8
        return v
    }

    mutating func be32() -> UInt32? {
        guard b.endIndex - i >= 4 else { return nil }
        var v: UInt32 = 0
        for k in 0..<4 { v = v << 8 | UInt32(b[i + k]) }
        i += 4
        return v
    }

    mutating func uvarint() -> UInt64? {
        var x: UInt64 = 0
        var s: UInt64 = 0
        for _ in 0..<10 {
            guard let c = byte() else { return nil }
            if c < 0x80 { return x | UInt64(c) << s }
            x |= UInt64(c & 0x7f) << s
            s += 7
        }
        return nil
    }

    mutating func varint() -> Int64? {
        guard let ux = uvarint() else { return nil }
        var x = Int64(bitPattern: ux >> 1)
        if ux & 1 != 0 { x = ~x }
        return x
    }
}
