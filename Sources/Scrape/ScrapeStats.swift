import Synchronization
import TSDB

/// Scrape-layer counters for /metrics (Prometheus's `prometheus_target_*` names). Thread-safe.
public final class ScrapeStats: Sendable {
    public final class Count: Sendable {
        private let v = Atomic<Int>(0)
        public init() {}
        public func add(_ n: Int = 1) { _ = v.wrappingAdd(n, ordering: .relaxed) }
        public var value: Int { v.load(ordering: .relaxed) }
    }

    public let exceededSampleLimit = Count()
    public let exceededLabelLimits = Count()
    public let exceededBodySizeLimit = Count()
    public let outOfOrder = Count()
    public let duplicates = Count()
    public let outOfBounds = Count()
    /// Samples committed by scrapes (incl. synthetic series): the ingest figure when the storage
    /// keeps no counter of its own.
    public let samplesAppended = Count()
    public let scrapes = Count()
    public let failedScrapes = Count()
    /// Observed intervals between scrapes (seconds) per configured interval ("15s" …).
    private let intervals = Mutex<[String: [Double]]>([:])

    public init() {}

    func count(_ e: AppendError) {
        switch e {
        case .outOfOrderSample: outOfOrder.add()
        case .duplicateSampleForTimestamp: duplicates.add()
        case .outOfBounds, .tooOldSample: outOfBounds.add()
        case .invalidLabels: break
        }
    }

    public func observeInterval(_ interval: String, seconds: Double) {
        intervals.withLock { d in
            var w = d[interval, default: []]
            if w.count >= 1024 { w.removeFirst(w.count - 1023) }
            w.append(seconds)
            d[interval] = w
        }
    }

    /// interval → recent observations (for the summary's quantiles).
    public func intervalObservations() -> [String: [Double]] { intervals.withLock { $0 } }
}
