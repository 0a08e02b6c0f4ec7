import Exposition
import MetricModel
import PromQL
import Synchronization
import TSDB

// The contracts the HTTP layer is built from. A role (replica, federator, router) hands an
// `APIServices` to `PrometheusAPI`, which registers Prometheus's endpoints on a Hummingbird
// router; the role may add routes of its own before serving it with `HTTPServer`.

/// One active scrape target as /api/v1/targets shows it.
public struct ActiveTargetInfo: Sendable {
    public var discoveredLabels: Labels
    public var labels: Labels
    public var scrapePool: String
    public var scrapeURL: String
    public var globalURL: String
    /// "" when the last scrape succeeded.
    public var lastError: String
    /// Start of the last scrape (ms), nil before the first one.
    public var lastScrape: Timestamp?
    /// Seconds the last scrape took.
    public var lastScrapeDuration: Double
    /// "up", "down" or "unknown".
    public var health: String
    /// Prometheus duration strings, e.g. "15s".
    public var scrapeInterval: String
    public var scrapeTimeout: String

    public init(discoveredLabels: Labels, labels: Labels, scrapePool: String, scrapeURL: String,
                globalURL: String, lastError: String, lastScrape: Timestamp?, lastScrapeDuration: Double,
                health: String, scrapeInterval: String, scrapeTimeout: String) {
        self.discoveredLabels = discoveredLabels
        self.labels = labels
        self.scrapePool = scrapePool
        self.scrapeURL = scrapeURL
        self.globalURL = globalURL
        self.lastError = lastError
        self.lastScrape = lastScrape
        self.lastScrapeDuration = lastScrapeDuration
        self.health = health
        self.scrapeInterval = scrapeInterval
        self.scrapeTimeout = scrapeTimeout
    }
}

/// Targets known to the scrape layer. Thread-safe; returns a snapshot.
public protocol TargetsSource: Sendable {
    func activeTargets() -> [ActiveTargetInfo]
    /// Discovered labels of targets dropped by relabeling.
    func droppedTargets() -> [Labels]
    /// Each active target's labels and the metric metadata its scrapes exposed
    /// (/api/v1/metadata, /api/v1/targets/metadata). Default: none.
    func targetMetadata() -> [(labels: Labels, metadata: [MetricMetadata])]
    /// The configured scrape pools (job names), in config order (/api/v1/scrape_pools).
    /// Default: the pools of the active targets.
    func scrapePools() -> [String]
}

extension TargetsSource {
    public func targetMetadata() -> [(labels: Labels, metadata: [MetricMetadata])] { [] }

    public func scrapePools() -> [String] {
        var seen = Set<String>()
        return activeTargets().map(\.scrapePool).filter { seen.insert($0).inserted }
    }
}

/// Build information (/api/v1/status/buildinfo and prometheus_build_info).
public struct BuildInfoData: Sendable {
    public var version: String
    public var revision: String
    public var branch: String
    public var buildUser: String
    public var buildDate: String
    public var goVersion: String

    public init(version: String, revision: String = "unknown", branch: String = "unknown",
                buildUser: String = "unknown", buildDate: String = "unknown", goVersion: String = "swift6") {
        self.version = version
        self.revision = revision
        self.branch = branch
        self.buildUser = buildUser
        self.buildDate = buildDate
        self.goVersion = goVersion
    }
}

/// Status of the running configuration (/api/v1/status/config, runtimeinfo, prometheus_config_*).
public struct ConfigStatus: Sendable {
    /// The loaded config as YAML (as Prometheus shows it).
    public var yaml: String
    public var lastReloadSuccessful: Bool
    /// Unix seconds of the last successful reload.
    public var lastReloadSuccessTime: Double

    public init(yaml: String, lastReloadSuccessful: Bool, lastReloadSuccessTime: Double) {
        self.yaml = yaml
        self.lastReloadSuccessful = lastReloadSuccessful
        self.lastReloadSuccessTime = lastReloadSuccessTime
    }
}

/// Process-wide facts for the status endpoints. Thread-safe.
public protocol StatusSource: Sendable {
    func configStatus() -> ConfigStatus
    /// Command-line flags, name (without dashes) → value, in a stable order.
    func flags() -> [(String, String)]
    var buildInfo: BuildInfoData { get }
    /// Storage retention as Prometheus prints it, e.g. "15d".
    var storageRetention: String { get }
}

/// Whether the server is ready (WAL replay done). /-/ready and the API answer 503 until then.
public final class Readiness: Sendable {
    private let ready: Atomic<Bool>
    public init(_ initial: Bool = false) { ready = Atomic(initial) }
    public var isReady: Bool { ready.load(ordering: .acquiring) }
    public func markReady() { ready.store(true, ordering: .releasing) }
}

/// Everything the Prometheus endpoints need.
public struct APIServices: Sendable {
    public var storage: any Queryable
    public var targets: (any TargetsSource)?
    public var status: any StatusSource
    public var metrics: MetricsRegistry
    public var readiness: Readiness
    /// Re-reads the configuration; throws with the reason when refused. nil when
    /// --web.enable-lifecycle is off (POST /-/reload then answers 403).
    public var reload: (@Sendable () async throws -> Void)?
    /// The global external_labels, added to /federate output.
    public var externalLabels: @Sendable () -> Labels
    /// --query.lookback-delta in ms.
    public var lookbackDelta: Int64
    /// Current time in ms (injectable for tests).
    public var now: @Sendable () -> Timestamp
    /// The PromQL engine behind /api/v1/query and query_range (not registered when nil).
    public var engine: Engine?
    /// Rules and alerts (/api/v1/rules, /api/v1/alerts); empty lists when nil.
    public var rules: (any RulesSource)?

    public init(storage: any Queryable, targets: (any TargetsSource)?, status: any StatusSource,
                metrics: MetricsRegistry, readiness: Readiness,
                reload: (@Sendable () async throws -> Void)?,
                externalLabels: @escaping @Sendable () -> Labels,
                lookbackDelta: Int64 = 300_000,
                now: @escaping @Sendable () -> Timestamp = { wallClockMillis() }) {
        self.storage = storage
        self.targets = targets
        self.status = status
        self.metrics = metrics
        self.readiness = readiness
        self.reload = reload
        self.externalLabels = externalLabels
        self.lookbackDelta = lookbackDelta
        self.now = now
    }
}

/// One alert as /api/v1/alerts and /api/v1/rules show it.
public struct AlertInfo: Sendable {
    public var labels: Labels
    /// Sorted by name; empty values kept.
    public var annotations: [Label]
    /// "pending" or "firing" (or "inactive" for resolved alerts still kept).
    public var state: String
    public var activeAt: Timestamp?
    public var keepFiringSince: Timestamp?
    public var value: Double

    public init(labels: Labels, annotations: [Label], state: String, activeAt: Timestamp?, keepFiringSince: Timestamp?, value: Double) {
        self.labels = labels
        self.annotations = annotations
        self.state = state
        self.activeAt = activeAt
        self.keepFiringSince = keepFiringSince
        self.value = value
    }
}

/// One rule as /api/v1/rules shows it.
public struct RuleInfo: Sendable {
    public var isAlerting: Bool
    public var name: String
    /// The expression as the PromQL printer formats it.
    public var query: String
    /// Alerting rules: `for` and `keep_firing_for` in seconds, state and alerts.
    public var duration: Double = 0
    public var keepFiringFor: Double = 0
    public var state = "inactive"
    public var alerts: [AlertInfo] = []
    public var labels: Labels
    public var annotations: [Label] = []
    /// "ok", "err" or "unknown".
    public var health: String
    public var lastError: String
    public var evaluationTime: Double
    public var lastEvaluation: Timestamp?

    public init(isAlerting: Bool, name: String, query: String, labels: Labels, health: String, lastError: String,
                evaluationTime: Double, lastEvaluation: Timestamp?) {
        self.isAlerting = isAlerting
        self.name = name
        self.query = query
        self.labels = labels
        self.health = health
        self.lastError = lastError
        self.evaluationTime = evaluationTime
        self.lastEvaluation = lastEvaluation
    }
}

/// One rule group as /api/v1/rules shows it.
public struct RuleGroupInfo: Sendable {
    public var name: String
    public var file: String
    public var rules: [RuleInfo]
    /// Seconds.
    public var interval: Double
    public var limit: Int
    public var evaluationTime: Double
    public var lastEvaluation: Timestamp?

    public init(name: String, file: String, rules: [RuleInfo], interval: Double, limit: Int, evaluationTime: Double, lastEvaluation: Timestamp?) {
        self.name = name
        self.file = file
        self.rules = rules
        self.interval = interval
        self.limit = limit
        self.evaluationTime = evaluationTime
        self.lastEvaluation = lastEvaluation
    }
}

/// The rule manager and notifier as the API sees them (/api/v1/rules, /api/v1/alerts,
/// /api/v1/alertmanagers). Thread-safe; every call returns a snapshot.
public protocol RulesSource: Sendable {
    func ruleGroups() -> [RuleGroupInfo]
    /// Alertmanager URLs alerts are sent to.
    func alertmanagers() -> [String]
}
