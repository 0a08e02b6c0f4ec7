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

    public init(storage: any Queryable, lookbackDelta: Int64) {
        self.storage = storage
        self.lookbackDelta = lookbackDelta
    }

    /// The samples to write: (labels, t, v) sorted by metric name then labels.
    public func collect(matcherSets: [[LabelMatcher]], now: Timestamp) throws -> [(Labels, Sample)] {
        let mint = now - lookbackDelta, maxt = now
        let q = try storage.querier(mint: mint, maxt: maxt)
        var seen = Set<Labels>()
        var out: [(name: [UInt8], labels: Labels, sample: Sample)] = []
        let hints = SelectHints(start: mint, end: maxt, function: "series")
        let nameKey = Array(LabelName.metricName.utf8)
        for ms in matcherSets {
            for s in try q.select(sorted: false, hints: hints, matchers: ms) {
                if matcherSets.count > 1 && !seen.insert(s.labels).inserted { continue }
                var it = s.iterator()
                var last: Sample?
                while it.next() {
                    let smp = it.at
                    if smp.t > maxt { break }
                    last = smp
                }
                guard let l = last, !StaleNaN.isStale(l.v) else { continue }
                var name: [UInt8] = []
                s.labels.forEachRaw { n, v in if n.elementsEqual(nameKey) { name = Array(v) } }
                out.append((name, s.labels, l))
            }
        }
        out.sort { a, b in
            if a.name != b.name { return a.name.lexicographicallyPrecedes(b.name) }
            return a.labels.sortsBefore(b.labels)
        }
        return out.map { ($0.labels, $0.sample) }
    }

    /// Writes `samples` as text, calling `emit` with each full chunk and the remainder.
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
            var name: [UInt8] = []
            labels.forEachRaw { n, v in if n.elementsEqual(nameKey) { name = Array(v) } }
            if name.isEmpty { continue }
            if name != lastName {
                buf.append(contentsOf: "# TYPE ".utf8)
                buf.append(contentsOf: name)
                buf.append(contentsOf: " untyped\n".utf8)
                lastName = name
            }
            buf.append(contentsOf: name)
            buf.append(UInt8(ascii: "{"))
            for i in used.indices { used[i] = false }
            var first = true
            labels.forEachRaw { n, v in
                if n.elementsEqual(nameKey) { return }
                if let i = extNames.firstIndex(where: { $0.elementsEqual(n) }) { used[i] = true }
                if !first { buf.append(UInt8(ascii: ",")) }
                first = false
                buf.append(contentsOf: n)
                buf.append(contentsOf: "=\"".utf8)
                appendEscaped(v, to: &buf)
                buf.append(UInt8(ascii: "\""))
            }
            for i in ext.indices where !used[i] {
                if !first { buf.append(UInt8(ascii: ",")) }
                first = false
                buf.append(contentsOf: extNames[i])
                buf.append(contentsOf: "=\"".utf8)
                buf.append(contentsOf: extValues[i])
                buf.append(UInt8(ascii: "\""))
            }
            buf.append(contentsOf: "} ".utf8)
            buf.append(contentsOf: PromFloat.formatG(s.v).utf8)
            buf.append(0x20)
            buf.append(contentsOf: String(s.t).utf8)
            buf.append(0x0A)
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
    for c in v {
        switch c {
        case 0x5C: buf.append(0x5C); buf.append(0x5C)
        case 0x22: buf.append(0x5C); buf.append(0x22)
        case 0x0A: buf.append(0x5C); buf.append(UInt8(ascii: "n"))
        default: buf.append(c)
        }
    }
}
