import MetricModel
import Synchronization
import TSDB

/// Wraps a storage to count committed samples and distinct series (for /metrics while the
/// in-memory storage stands in for the TSDB head, which keeps these counters itself).
final class CountingStorage: Appendable, Queryable, Sendable {
    let base: any Appendable & Queryable
    struct Counts {
        var samples = 0
        var refs = Set<SeriesRef>()
    }
    let counts = Mutex(Counts())

    init(_ base: any Appendable & Queryable) { self.base = base }

    func appender() -> any Appender { CountingAppender(base.appender(), self) }
    func querier(mint: Timestamp, maxt: Timestamp) throws -> any Querier { try base.querier(mint: mint, maxt: maxt) }

    var stats: (series: Int, samplesAppended: Int) { counts.withLock { ($0.refs.count, $0.samples) } }
}

final class CountingAppender: Appender {
    let inner: any Appender
    let owner: CountingStorage
    var refs: [SeriesRef] = []

    init(_ inner: any Appender, _ owner: CountingStorage) {
        self.inner = inner
        self.owner = owner
    }

    func append(ref: SeriesRef?, labels: Labels, t: Timestamp, v: Double) throws -> SeriesRef {
        let r = try inner.append(ref: ref, labels: labels, t: t, v: v)
        refs.append(r)
        return r
    }

    func commit() throws {
        try inner.commit()
        let rs = refs
        owner.counts.withLock { c in
            c.samples += rs.count
            c.refs.formUnion(rs)
        }
        refs.removeAll()
    }

    func rollback() {
        inner.rollback()
        refs.removeAll()
    }
}
