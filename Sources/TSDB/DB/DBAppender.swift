import MetricModel

/// The DB's appender: the head's, plus Prometheus's `appendableMinValidTime` bound, fixed when
/// the appender is created: samples older than max(head minValidTime, head maxTime − blockRange/2)
/// fail with `outOfBounds`. That keeps appends out of the window head compaction is persisting
/// (race-free appends during compaction) and blocks from overlapping.
final class DBAppender: Appender {
    let inner: any Appender
    let minValid: Timestamp

    init(head: Head, blockRange: Int64) {
        inner = head.appender()
        let maxt = head.maxTime
        let window = maxt == .min ? Int64.min : maxt - blockRange / 2
        minValid = max(head.minValidTime, window)
    }

    @discardableResult
    func append(ref: SeriesRef?, labels: Labels, t: Timestamp, v: Double) throws -> SeriesRef {
        if t < minValid { throw AppendError.outOfBounds }
        return try inner.append(ref: ref, labels: labels, t: t, v: v)
    }

    func commit() throws { try inner.commit() }

    func rollback() { inner.rollback() }
}
