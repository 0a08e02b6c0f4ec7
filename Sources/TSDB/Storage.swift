import MetricModel

// The storage protocols every layer above TSDB programs against (Prometheus
// `storage/interface.go`). Narrow on purpose: writing (`Appender`) is apart from reading
// (`Querier`), and label lookups (`LabelQuerier`) apart from series selection.

/// An opaque reference to a series in one storage instance; valid for that instance's lifetime.
/// Appenders return it so a caller (the scrape cache) can skip the label lookup next time.
public typealias SeriesRef = UInt64

/// Errors an `Appender` reports for one sample. They reject that sample only; the batch goes on.
/// Named after Prometheus's so parity is testable; each is counted in /metrics.
public enum AppendError: Error, Equatable, Sendable {
    /// A sample older than the newest one of the same series (storage.ErrOutOfOrderSample).
    case outOfOrderSample
    /// Same timestamp as the newest sample but a different value (ErrDuplicateSampleForTimestamp).
    case duplicateSampleForTimestamp
    /// Older than the head's lower bound, i.e. belongs to a block already persisted (ErrOutOfBounds).
    case outOfBounds
    /// Too old for the out-of-order window (ErrTooOldSample).
    case tooOldSample
    /// The label set is empty or has a duplicated name.
    case invalidLabels(String)

    public var message: String {
        switch self {
        case .outOfOrderSample: return "out of order sample"
        case .duplicateSampleForTimestamp: return "duplicate sample for timestamp"
        case .outOfBounds: return "out of bounds"
        case .tooOldSample: return "too old sample"
        case .invalidLabels(let why): return "invalid labels: \(why)"
        }
    }
}

/// A batch of samples to add. Contract:
/// - Not thread-safe: one appender per goroutine-equivalent (one per scrape, one per rule group).
/// - Nothing is visible to queriers until `commit()` returns; after `commit()` returns, every
///   accepted sample is durable in the WAL to the extent the WAL's fsync policy promises
///   (see docs/formats/wal.md) and survives SIGKILL of the process.
/// - `rollback()` discards the batch. After commit or rollback the appender must not be reused.
/// - `append` throws `AppendError` for a rejected sample; the rest of the batch is unaffected.
public protocol Appender: AnyObject {
    /// Adds a sample. Pass the ref returned earlier for the same labels (or nil); the returned ref
    /// may be cached by the caller. A stale marker is `StaleNaN.value`.
    @discardableResult
    func append(ref: SeriesRef?, labels: Labels, t: Timestamp, v: Double) throws -> SeriesRef
    func commit() throws
    func rollback()
}

/// Something that hands out appenders (the head; a fan-out in tests).
public protocol Appendable: Sendable {
    func appender() -> any Appender
}

/// Iterates the float samples of one series in timestamp order. Not thread-safe.
/// `at` is valid only after `next()` or `seek(_:)` returned true.
public protocol SampleIterator {
    /// Advances to the next sample; false at the end.
    mutating func next() -> Bool
    /// Advances to the first sample with timestamp ≥ `t`. If the current sample already
    /// satisfies it, stays. False when there is none.
    mutating func seek(_ t: Timestamp) -> Bool
    /// The current sample.
    var at: Sample { get }
}

/// A series as read back: its labels and a way to iterate its samples (fresh iterator per call).
/// Series values are immutable snapshots: safe to read from any thread.
public protocol Series: Sendable {
    var labels: Labels { get }
    func iterator() -> any SampleIterator
    /// Appends the samples with `mint ≤ t ≤ maxt` to `buf`, in time order, stale markers
    /// included. The bulk path the query engine reads through: one call per series and no
    /// per-sample dynamic dispatch (sources override the iterator-based default).
    func appendSamples(mint: Timestamp, maxt: Timestamp, to buf: inout [Sample])
}

extension Series {
    public func appendSamples(mint: Timestamp, maxt: Timestamp, to buf: inout [Sample]) {
        var it = iterator()
        guard it.seek(mint) else { return }
        repeat {
            let s = it.at
            if s.t > maxt { break }
            buf.append(s)
        } while it.next()
    }
}

extension XORIterator {
    /// Appends this chunk's samples with `mint ≤ t ≤ maxt` to `buf` (statically dispatched loop).
    @inlinable
    public mutating func appendAll(mint: Timestamp, maxt: Timestamp, to buf: inout [Sample]) {
        while next() {
            if t < mint { continue }
            if t > maxt { return }
            buf.append(Sample(t: t, v: Double(bitPattern: vBits)))
        }
    }
}

/// Hints a querier may use to read less (Prometheus `SelectHints`). Times in milliseconds.
public struct SelectHints: Sendable, Equatable {
    public var start: Timestamp
    public var end: Timestamp
    /// Query step in ms, 0 for instant queries.
    public var step: Int64
    /// Range of the range selector in ms, 0 for instant selectors.
    public var range: Int64
    /// The function wrapping the selector, if any (e.g. "rate").
    public var function: String?

    public init(start: Timestamp, end: Timestamp, step: Int64 = 0, range: Int64 = 0, function: String? = nil) {
        self.start = start
        self.end = end
        self.step = step
        self.range = range
        self.function = function
    }
}

/// Label lookups over a time range.
public protocol LabelQuerier: Sendable {
    /// Sorted unique values of `name` among series matching all `matchers` (all series if empty).
    func labelValues(_ name: String, matchers: [LabelMatcher]) throws -> [String]
    /// Sorted unique label names among series matching all `matchers` (all series if empty).
    func labelNames(matchers: [LabelMatcher]) throws -> [String]
}

/// Reads series over the time range it was opened for. Thread-safe for concurrent `select`s.
public protocol Querier: LabelQuerier {
    /// Series matching all matchers (at least one matcher must not match the empty string, as
    /// Prometheus requires; callers check). Samples are limited to the querier's [mint, maxt].
    /// With `sorted`, series come ordered by labels (`Labels.compare`).
    func select(sorted: Bool, hints: SelectHints?, matchers: [LabelMatcher]) throws -> [any Series]
}

/// Opens queriers over a time range [mint, maxt] (inclusive, ms).
public protocol Queryable: Sendable {
    func querier(mint: Timestamp, maxt: Timestamp) throws -> any Querier
}
