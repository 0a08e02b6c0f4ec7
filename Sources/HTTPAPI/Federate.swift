#if canImport(Glibc)
import Glibc
#endif
import Exposition
import MetricModel
import TSDB

/// /federate (Prometheus web/federate.go): the latest sample of every series matching any
/// `match[]`, within the lookback window ending now, in text format 0.0.4 with
/// `# TYPE name untyped` per metric name, external labels appended to series that lack them
/// (`instance=""` when there is no instance label and no external one), stale series left out.
/// Output is produced in chunks (`chunkBytes`) handed to `emit`; the whole body never exists at once.
public struct Federation: Sendable {
    public var storage: any Queryable
    public var lookbackDelta: Int64
    public var chunkBytes = 64 * 1024
    /// zlib level for gzip'd responses (Go's gzip default, as Prometheus's /federate, is 6).
    public static let gzipLevel: Int32 = 6

    public init(storage: any Queryable, lookbackDelta: Int64) {
        self.storage = storage
        self.lookbackDelta = lookbackDelta
    }

    /// The samples to write: (labels, t, v) sorted by metric name then labels.
    ///
    /// No hashing and no per-series allocation beyond the result: the storage's queriers (the
    /// blocks and the head behind a `MergeQuerier`) are selected sorted and merged here by label
    /// order, keeping only what /federate needs — the latest sample of each series in the window
    /// (equal timestamps: the first querier's, as the merge querier's rule) — with each series'
    /// samples read in bulk into one reused buffer. When every label set starts with `__name__`
    /// (no label name sorts before it), label order *is* the output order (name, then labels).
    public func collect(matcherSets: [[LabelMatcher]], now: Timestamp) throws -> [(Labels, Sample)] {
        let mint = now - lookbackDelta, maxt = now
        let q = try storage.querier(mint: mint, maxt: maxt)
        let queriers: [any Querier] = (q as? MergeQuerier)?.queriers ?? [q]
        var out: [(Labels, Sample)] = []
        var buf: [Sample] = []
        var nameFirst = true
        let hints = SelectHints(start: mint, end: maxt, function: "series")
        for ms in matcherSets {
            var sets: [[any Series]] = []
            for part in queriers {
                var got = try part.select(sorted: true, hints: hints, matchers: ms)
                if got.isEmpty { continue }
                for i in got.indices.dropFirst() where Labels.compare(got[i - 1].labels, got[i].labels) > 0 {
                    got.sort { Labels.compare($0.labels, $1.labels) < 0 }
                    break
                }
                sets.append(got)
            }
            var pos = [Int](repeating: 0, count: sets.count)
            while true {
                var best = -1
                for k in sets.indices where pos[k] < sets[k].count {
                    if best < 0 || Labels.compare(sets[k][pos[k]].labels, sets[best][pos[best]].labels) < 0 { best = k }
                }
                if best < 0 { break }
                let labels = sets[best][pos[best]].labels
                var last: Sample?
                for k in best..<sets.count where pos[k] < sets[k].count && (k == best || sets[k][pos[k]].labels == labels) {
                    buf.removeAll(keepingCapacity: true)
                    sets[k][pos[k]].appendSamples(mint: mint, maxt: maxt, to: &buf)
                    if let l = buf.last, last == nil || l.t > last!.t { last = l }
                    pos[k] += 1
                }
                guard let l = last, !StaleNaN.isStale(l.v) else { continue }
                if nameFirst && !Self.startsWithName(labels) { nameFirst = false }
                out.append((labels, l))
            }
        }
        if matcherSets.count > 1 {
            var seen = Set<Labels>()
            out = out.filter { seen.insert($0.0).inserted }
            if nameFirst { out.sort { Labels.compare($0.0, $1.0) < 0 } }
        }
        if nameFirst { return out }
        var keyed = out.map { (name: Self.name($0.0), labels: $0.0, sample: $0.1) }
        keyed.sort { a, b in
            if a.name != b.name { return a.name.lexicographicallyPrecedes(b.name) }
            return a.labels.sortsBefore(b.labels)
        }
        return keyed.map { ($0.labels, $0.sample) }
    }

    static let namePrefix: [UInt8] = [8] + Array(LabelName.metricName.utf8)

    /// Whether the packed label set's first label is `__name__`.
    @inline(__always)
    static func startsWithName(_ l: Labels) -> Bool {
        l.bytes.withUnsafeBufferPointer { b in
            b.count >= 9 && namePrefix.withUnsafeBufferPointer { p in memcmp(b.baseAddress!, p.baseAddress!, 9) == 0 }
        }
    }

    static func name(_ l: Labels) -> [UInt8] {
        var name: [UInt8] = []
        let key = Array(LabelName.metricName.utf8)
        l.forEachRaw { n, v in if n.elementsEqual(key) { name = Array(v) } }
        return name
    }

    /// Writes `samples` as text, calling `emit` with each full chunk and the remainder. Straight
    /// into one reused byte buffer: names, escaped values, numbers, no per-series allocation.
    public func write(_ samples: [(Labels, Sample)], externalLabels: Labels,
                      emit: ([UInt8]) async throws -> Void) async throws {
        var ext = externalLabels.list
        if !ext.contains(where: { $0.name == LabelName.instance }) {
            ext.append(Label(LabelName.instance, ""))
            ext.sort()
        }
        let extNames = ext.map { Array($0.name.utf8) }
        let extValues = ext.map { Array(escapeLabelValue($0.value).utf8) }
        var buf: [UInt8] = []
        buf.reserveCapacity(chunkBytes + 4096)
        var lastName: [UInt8] = []
        var used = [Bool](repeating: false, count: ext.count)
        let nameKey = Array(LabelName.metricName.utf8)
        for (labels, s) in samples {
            labels.bytes.withUnsafeBufferPointer { lb in
                // The metric name: the first label in the common case.
                var name = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
                var i = 0
                while i < lb.count {
                    let nl = Varint.decode(lb, &i)
                    let isName = nl == 8 && memcmp(lb.baseAddress! + i, nameKey, 8) == 0
                    i += nl
                    let vl = Varint.decode(lb, &i)
                    if isName { name = UnsafeBufferPointer(rebasing: lb[i..<(i + vl)]); break }
                    i += vl
                }
                if name.isEmpty { return }
                if name.count != lastName.count || memcmp(name.baseAddress!, lastName, name.count) != 0 {
                    buf.append(contentsOf: "# TYPE ".utf8)
                    buf.append(contentsOf: name)
                    buf.append(contentsOf: " untyped\n".utf8)
                    lastName.removeAll(keepingCapacity: true)
                    lastName.append(contentsOf: name)
                }
                buf.append(contentsOf: name)
                buf.append(UInt8(ascii: "{"))
                for k in used.indices { used[k] = false }
                var first = true
                i = 0
                while i < lb.count {
                    let nl = Varint.decode(lb, &i)
                    let n = UnsafeBufferPointer(rebasing: lb[i..<(i + nl)])
                    i += nl
                    let vl = Varint.decode(lb, &i)
                    let v = UnsafeBufferPointer(rebasing: lb[i..<(i + vl)])
                    i += vl
                    if nl == 8 && memcmp(n.baseAddress!, nameKey, 8) == 0 { continue }
                    for k in extNames.indices where !used[k] && extNames[k].count == nl
                        && memcmp(n.baseAddress!, extNames[k], nl) == 0 { used[k] = true }
                    if !first { buf.append(UInt8(ascii: ",")) }
                    first = false
                    buf.append(contentsOf: n)
                    buf.append(0x3D)
                    buf.append(0x22)
                    appendEscaped(v, to: &buf)
                    buf.append(0x22)
                }
                for k in ext.indices where !used[k] {
                    if !first { buf.append(UInt8(ascii: ",")) }
                    first = false
                    buf.append(contentsOf: extNames[k])
                    buf.append(0x3D)
                    buf.append(0x22)
                    buf.append(contentsOf: extValues[k])
                    buf.append(0x22)
                }
                buf.append(UInt8(ascii: "}"))
                buf.append(0x20)
                TextNumbers.appendValue(s.v, to: &buf)
                buf.append(0x20)
                TextNumbers.appendInt(s.t, to: &buf)
                buf.append(0x0A)
            }
            if buf.count >= chunkBytes {
                try await emit(buf)
                buf.removeAll(keepingCapacity: true)
            }
        }
        if !buf.isEmpty { try await emit(buf) }
    }
}

@inline(__always)
func appendEscaped(_ v: UnsafeBufferPointer<UInt8>, to buf: inout [UInt8]) {
    // Fast path: nothing to escape (the common case) is one bulk append.
    var plain = true
    for c in v where c == 0x5C || c == 0x22 || c == 0x0A { plain = false; break }
    if plain { buf.append(contentsOf: v); return }
    for c in v {
        switch c {
        case 0x5C: buf.append(0x5C); buf.append(0x5C)
        case 0x22: buf.append(0x5C); buf.append(0x22)
        case 0x0A: buf.append(0x5C); buf.append(UInt8(ascii: "n"))
        default: buf.append(c)
        }
    }
}
