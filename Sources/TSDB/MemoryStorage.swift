import MetricModel
import Synchronization

/// A simple, thread-safe in-memory storage implementing the storage protocols: the reference
/// implementation for tests (promqltest loads into it) and a fallback when no TSDB is wanted.
/// Samples are kept sorted; appends follow the head's rules (out-of-order and duplicate errors).
public final class MemoryStorage: Appendable, Queryable, Sendable {
    struct State {
        var series: [Labels: [Sample]] = [:]
    }
    let state = Mutex(State())

    public init() {}

    public func appender() -> any Appender { MemoryAppender(self) }

    public func querier(mint: Timestamp, maxt: Timestamp) throws -> any Querier {
        let snapshot = state.withLock { $0.series }
        return MemoryQuerier(series: snapshot, mint: mint, maxt: maxt)
    }

    /// Removes everything (promqltest `clear`).
    public func clear() { state.withLock { $0.series.removeAll() } }

    /// Adds samples directly, bypassing the appender rules (test loading).
    public func add(_ labels: Labels, _ samples: [Sample]) {
        state.withLock { st in
            var s = st.series[labels, default: []]
            s.append(contentsOf: samples)
            s.sort { $0.t < $1.t }
            st.series[labels] = s
        }
    }

    func commit(_ batch: [(Labels, Sample)]) {
        state.withLock { st in
            for (l, s) in batch { st.series[l, default: []].append(s) }
        }
    }

    func last(_ labels: Labels) -> Sample? { state.withLock { $0.series[labels]?.last } }
}

final class MemoryAppender: Appender {
    let storage: MemoryStorage
    var batch: [(Labels, Sample)] = []
    var pendingLast: [Labels: Sample] = [:]

    init(_ s: MemoryStorage) { storage = s }

    func append(ref: SeriesRef?, labels: Labels, t: Timestamp, v: Double) throws -> SeriesRef {
        if labels.isEmpty { throw AppendError.invalidLabels("empty label set") }
        if let last = pendingLast[labels] ?? storage.last(labels) {
            if t < last.t { throw AppendError.outOfOrderSample }
            if t == last.t {
                if last.v.bitPattern != v.bitPattern { throw AppendError.duplicateSampleForTimestamp }
                return labels.stableHash
            }
        }
        let s = Sample(t: t, v: v)
        pendingLast[labels] = s
        batch.append((labels, s))
        return labels.stableHash
    }

    func commit() throws {
        storage.commit(batch)
        batch.removeAll()
    }

    func rollback() { batch.removeAll() }
}

struct MemoryQuerier: Querier {
    let series: [Labels: [Sample]]
    let mint: Timestamp
    let maxt: Timestamp

    func select(sorted: Bool, hints: SelectHints?, matchers: [LabelMatcher]) throws -> [any Series] {
        var out: [MemorySeries] = []
        for (l, samples) in series where matchers.matches(l) {
            let lo = samples.firstIndex { $0.t >= mint } ?? samples.count
            let hi = samples.lastIndex { $0.t <= maxt }.map { $0 + 1 } ?? 0
            if lo < hi { out.append(MemorySeries(labels: l, samples: Array(samples[lo..<hi]))) }
        }
        if sorted { out.sort { Labels.compare($0.labels, $1.labels) < 0 } }
        return out
    }

    func labelValues(_ name: String, matchers: [LabelMatcher]) throws -> [String] {
        var set = Set<String>()
        for (l, s) in series where matchers.matches(l) && hasSamples(s) {
            let v = l.get(name)
            if !v.isEmpty { set.insert(v) }
        }
        return set.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    func labelNames(matchers: [LabelMatcher]) throws -> [String] {
        var set = Set<String>()
        for (l, s) in series where matchers.matches(l) && hasSamples(s) {
            for n in l.names { set.insert(n) }
        }
        return set.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    private func hasSamples(_ s: [Sample]) -> Bool { s.contains { $0.t >= mint && $0.t <= maxt } }
}
