/// A label: one name/value pair. Convenient for building and tests; hot paths use `Labels`'
/// byte-level accessors instead.
public struct Label: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    public init(name: String, value: String) {
        self.init(name, value)
    }

    public static func < (lhs: Label, rhs: Label) -> Bool {
        if lhs.name != rhs.name { return lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8) }
        return lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
    }

    public var description: String { "\(name)=\"\(value)\"" }
}

/// Well-known label names.
public enum LabelName {
    public static let metricName = "__name__"
    public static let instance = "instance"
    public static let job = "job"
    public static let address = "__address__"
    public static let scheme = "__scheme__"
    public static let metricsPath = "__metrics_path__"
    public static let scrapeInterval = "__scrape_interval__"
    public static let scrapeTimeout = "__scrape_timeout__"
    public static let paramPrefix = "__param_"
    public static let reservedPrefix = "__"
    public static let bucket = "le"
    public static let quantile = "quantile"
}

/// A label set: labels sorted by name (byte order), names unique, stored as **one packed
/// allocation** of length-prefixed bytes (Prometheus `labels_stringlabels.go`):
///
///     for each label: uvarint(len(name)) name uvarint(len(value)) value
///
/// Equality and ordering are byte-wise on the packed form; `stableHash` is xxHash64 over the
/// packed bytes and is identical across processes and runs (safe to persist, to shard by, and to
/// compare between replicas). Empty values are never stored (Prometheus drops labels with empty
/// values when building).
public struct Labels: Hashable, Sendable, Comparable {
    /// The packed bytes. Stable, documented layout (see type comment).
    public private(set) var bytes: [UInt8]

    public static let empty = Labels(packed: [])

    /// Wraps already-packed, sorted bytes (e.g. read back from WAL or index). Not validated.
    public init(packed: [UInt8]) { self.bytes = packed }

    /// Builds from pairs in any order. Duplicated names: the last one wins. Empty values dropped.
    public init(_ pairs: [(String, String)]) {
        var b = LabelsBuilder()
        for (n, v) in pairs { b.set(n, v) }
        self = b.labels()
    }

    public init(_ labels: [Label]) {
        self.init(labels.map { ($0.name, $0.value) })
    }

    public init(_ dict: [String: String]) {
        self.init(dict.map { ($0.key, $0.value) })
    }

    public var isEmpty: Bool { bytes.isEmpty }

    public var count: Int {
        var n = 0
        forEachRaw { _, _ in n += 1 }
        return n
    }

    /// Calls `body` with byte ranges of each name and value, in order, without allocating.
    @inlinable
    public func forEachRaw(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        try bytes.withUnsafeBufferPointer { buf in
            var i = 0
            let n = buf.count
            while i < n {
                let nl = Varint.decode(buf, &i)
                let name = UnsafeBufferPointer(rebasing: buf[i..<(i + nl)])
                i += nl
                let vl = Varint.decode(buf, &i)
                let value = UnsafeBufferPointer(rebasing: buf[i..<(i + vl)])
                i += vl
                try body(name, value)
            }
        }
    }

    /// Each label as `Label` (allocates strings; not for hot paths).
    public var list: [Label] {
        var out: [Label] = []
        forEachRaw { n, v in out.append(Label(String(decoding: n, as: UTF8.self), String(decoding: v, as: UTF8.self))) }
        return out
    }

    /// The value of `name`, or "" when absent (Prometheus's `Labels.Get`).
    public func get(_ name: String) -> String {
        var result = ""
        var key = name
        key.withUTF8 { k in
            forEachRaw { n, v in
                if n.elementsEqual(k) { result = String(decoding: v, as: UTF8.self) }
            }
        }
        return result
    }

    public func has(_ name: String) -> Bool {
        var found = false
        var key = name
        key.withUTF8 { k in
            forEachRaw { n, _ in if n.elementsEqual(k) { found = true } }
        }
        return found
    }

    public var metricName: String { self.get(LabelName.metricName) }

    /// Label names in order.
    public var names: [String] { list.map(\.name) }

    /// A copy without the named labels.
    public func dropping(_ names: Set<String>) -> Labels {
        var b = LabelsBuilder(self)
        for n in names { b.delete(n) }
        return b.labels()
    }

    /// A copy without `__name__`.
    public func droppingMetricName() -> Labels {
        has(LabelName.metricName) ? dropping([LabelName.metricName]) : self
    }

    /// Only the named labels (Prometheus `Labels.Keep`-like; used for `by`).
    public func keeping(_ names: Set<String>) -> Labels {
        Labels(list.filter { names.contains($0.name) }.map { ($0.name, $0.value) })
    }

    /// A copy with `name` set to `value` (removed when `value` is empty).
    public func setting(_ name: String, _ value: String) -> Labels {
        var b = LabelsBuilder(self)
        b.set(name, value)
        return b.labels()
    }

    /// xxHash64 (seed 0) of the packed bytes: stable across processes.
    public var stableHash: UInt64 { bytes.withUnsafeBufferPointer { XXH64.hash(UnsafeRawBufferPointer($0)) } }

    /// Hashes the packed bytes in one call (the synthesized conformance fed `Hasher` byte by
    /// byte, which dominated dictionary-keyed merges of large selects).
    @inlinable
    public func hash(into h: inout Hasher) {
        bytes.withUnsafeBytes { h.combine(bytes: $0) }
    }

    @inlinable
    public static func == (a: Labels, b: Labels) -> Bool {
        a.bytes.count == b.bytes.count && a.bytes.withUnsafeBytes { x in
            b.bytes.withUnsafeBytes { y in Labels.bytesEqual(x, y) }
        }
    }

    /// Equal-length byte ranges compared eight bytes at a time.
    @inlinable
    static func bytesEqual(_ x: UnsafeRawBufferPointer, _ y: UnsafeRawBufferPointer) -> Bool {
        let n = x.count
        var i = 0
        while i + 8 <= n {
            if x.loadUnaligned(fromByteOffset: i, as: UInt64.self) != y.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i += 8
        }
        while i < n {
            if x[i] != y[i] { return false }
            i += 1
        }
        return true
    }

    /// Hash over the listed names only (for `on(...)`/`by(...)` matching), stable.
    public func stableHash(forNames names: [String]) -> UInt64 {
        keeping(Set(names)).stableHash
    }

    /// Byte-wise comparison of label lists, as Prometheus's `labels.Compare`.
    public static func < (lhs: Labels, rhs: Labels) -> Bool {
        compare(lhs, rhs) < 0
    }

    /// Prometheus's `labels.Compare` on the packed bytes, without allocating: label by label,
    /// name then value (byte order), a prefix set sorts first. The one implementation every
    /// module uses for sorted output (index writing, sorted selects, API results, federation).
    @inlinable
    public static func compare(_ a: Labels, _ b: Labels) -> Int {
        a.bytes.withUnsafeBufferPointer { pa in
            b.bytes.withUnsafeBufferPointer { pb in
                var i = 0, j = 0
                while i < pa.count && j < pb.count {
                    for _ in 0..<2 {  // name, then value
                        let la = Varint.decode(pa, &i), lb = Varint.decode(pb, &j)
                        let n = min(la, lb)
                        var k = 0
                        while k < n {
                            let x = pa[i + k], y = pb[j + k]
                            if x != y { return x < y ? -1 : 1 }
                            k += 1
                        }
                        if la != lb { return la < lb ? -1 : 1 }
                        i += la
                        j += lb
                    }
                }
                if i < pa.count { return 1 }
                if j < pb.count { return -1 }
                return 0
            }
        }
    }

    /// `Labels.compare(self, other) < 0`.
    @inlinable
    public func sortsBefore(_ other: Labels) -> Bool { Labels.compare(self, other) < 0 }
}

extension Labels: CustomStringConvertible {
    /// `{a="1", b="2"}` as Prometheus prints label sets (values escaped).
    public var description: String {
        "{" + list.map { "\($0.name)=\"\(escapeLabelValue($0.value))\"" }.joined(separator: ", ") + "}"
    }
}

extension Labels: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }
}

/// Escapes a label value for text output: backslash, double quote and newline.
public func escapeLabelValue(_ s: String) -> String {
    if !s.utf8.contains(where: { $0 == 0x5C || $0 == 0x22 || $0 == 0x0A }) { return s }
    var out = ""
    out.reserveCapacity(s.utf8.count + 4)
    for ch in s.unicodeScalars {
        switch ch {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case "\n": out += "\\n"
        default: out.unicodeScalars.append(ch)
        }
    }
    return out
}

/// Builds a `Labels` by set/delete on top of a base, sorting once at the end.
public struct LabelsBuilder: Sendable {
    private var pairs: [(String, String)] = []

    public init() {}

    public init(_ base: Labels) {
        pairs = base.list.map { ($0.name, $0.value) }
    }

    public mutating func set(_ name: String, _ value: String) {
        if let i = pairs.firstIndex(where: { $0.0 == name }) {
            pairs[i].1 = value
        } else {
            pairs.append((name, value))
        }
    }

    public mutating func delete(_ name: String) {
        pairs.removeAll { $0.0 == name }
    }

    public func get(_ name: String) -> String {
        pairs.first(where: { $0.0 == name })?.1 ?? ""
    }

    public mutating func reset() { pairs.removeAll(keepingCapacity: true) }

    public func labels() -> Labels {
        let sorted = pairs.filter { !$0.1.isEmpty }.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(sorted.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count + 2 })
        for (n, v) in sorted {
            Varint.append(n.utf8.count, to: &bytes)
            bytes.append(contentsOf: n.utf8)
            Varint.append(v.utf8.count, to: &bytes)
            bytes.append(contentsOf: v.utf8)
        }
        return Labels(packed: bytes)
    }
}

/// Unsigned LEB128 varints, used by the packed label layout.
public enum Varint {
    @inlinable
    public static func append(_ value: Int, to out: inout [UInt8]) {
        var v = UInt64(value)
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    @inlinable
    public static func decode(_ buf: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Int {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = buf[i]
            i += 1
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { break }
            shift += 7
        }
        return Int(result)
    }
}
