#if canImport(Glibc)
import Glibc
#endif
@_exported import HTTPClientSettings
import MetricModel
import TSDB

// The scrape layer's contracts. Discovery yields `TargetGroup`s; population (relabel_configs,
// Prometheus's PopulateLabels) turns them into `ScrapeTarget`s; the `ScrapeManager` keeps one
// `ScrapeLoop` per target, each appending one batch per scrape to an `Appendable`.

/// A group of targets as service discovery reports it (Prometheus `targetgroup.Group`).
public struct TargetGroup: Sendable, Equatable {
    /// Each target's own labels, at least `__address__`.
    public var targets: [[String: String]]
    /// Labels common to every target of the group.
    public var labels: [String: String]
    /// Where the group came from (file path and index, URL …); unique per provider.
    public var source: String

    public init(targets: [[String: String]], labels: [String: String] = [:], source: String) {
        self.targets = targets
        self.labels = labels
        self.source = source
    }
}

/// Rewrites a scraped series' labels (metric_relabel_configs); nil drops the series.
/// Called only on scrape-cache misses, so it may allocate.
public typealias MetricRelabeler = @Sendable (Labels) -> Labels?

/// Per-scrape settings of a pool (scrape_config), shared by its targets.
public struct ScrapeSettings: Sendable {
    public var jobName: String
    public var intervalMs: Int64
    public var timeoutMs: Int64
    public var honorLabels = false
    public var honorTimestamps = true
    public var sampleLimit = 0
    public var labelLimit = 0
    public var labelNameLengthLimit = 0
    public var labelValueLengthLimit = 0
    public var bodySizeLimit = 0
    /// More targets than this in the pool fails every scrape of the pool (0: no limit).
    public var targetLimit = 0
    /// Set by the manager when the pool is over `targetLimit`: scrapes fail with this reason.
    public var forcedError: String?
    public var auth: HTTPAuth = .none
    /// tls_config (https targets; client certificates).
    public var tls = TLSSettings()
    /// proxy_url: an HTTP proxy the scrapes go through.
    public var proxyURL: String?
    /// follow_redirects (default true, as Prometheus).
    public var followRedirects = true
    public var metricRelabel: MetricRelabeler?

    public init(jobName: String, intervalMs: Int64, timeoutMs: Int64) {
        self.jobName = jobName
        self.intervalMs = intervalMs
        self.timeoutMs = min(timeoutMs, intervalMs)
    }
}

/// A target ready to scrape: final labels (job, instance, …), the labels discovery gave it, and
/// its URL. Identity (`hash`) is the label set and URL, as Prometheus's `Target.hash`.
public struct ScrapeTarget: Sendable {
    public var labels: Labels
    public var discoveredLabels: Labels
    public var url: String
    public var settings: ScrapeSettings

    public init(labels: Labels, discoveredLabels: Labels, url: String, settings: ScrapeSettings) {
        self.labels = labels
        self.discoveredLabels = discoveredLabels
        self.url = url
        self.settings = settings
    }

    /// Stable across processes: replicas scraping the same target pick the same offset.
    public var hash: UInt64 { labels.stableHash ^ XXH64.hash(url) }
}

/// One scrape pool (a scrape_config) after discovery and relabeling.
public struct ScrapePool: Sendable {
    public var settings: ScrapeSettings
    public var targets: [ScrapeTarget]
    /// Discovered labels of targets that relabeling dropped (for /api/v1/targets).
    public var dropped: [Labels]

    public init(settings: ScrapeSettings, targets: [ScrapeTarget], dropped: [Labels] = []) {
        self.settings = settings
        self.targets = targets
        self.dropped = dropped
    }
}

/// What one HTTP scrape returned.
public struct ScrapeResponse: Sendable {
    public var body: [UInt8]
    public var contentType: String
    public init(body: [UInt8], contentType: String) {
        self.body = body
        self.contentType = contentType
    }
}

/// Fetches a target's body. Implementations enforce the timeout and body size limit and throw
/// `ScrapeError` with Prometheus's wording.
public protocol ScrapeFetcher: Sendable {
    func fetch(_ target: ScrapeTarget) async throws -> ScrapeResponse
}

/// Why a scrape failed, with the text /api/v1/targets shows as lastError.
public struct ScrapeError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Time for the scrape layer, injectable so tests control it.
public protocol ScrapeClock: Sendable {
    /// Now in ms since the Unix epoch.
    func now() -> Timestamp
    /// Sleeps until `t` (ms since epoch); throws on cancellation.
    func sleep(until t: Timestamp) async throws
}

/// The wall clock.
public struct SystemScrapeClock: ScrapeClock {
    public init() {}
    public func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
    public func sleep(until t: Timestamp) async throws {
        let d = t - now()
        if d > 0 { try await Task.sleep(for: .milliseconds(d)) }
    }
}
