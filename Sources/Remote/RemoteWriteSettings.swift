@_exported import HTTPClientSettings
import MetricModel

/// Everything one remote-write queue needs, in the Remote module's own terms (the replica builds
/// it from Config's `RemoteWriteConfig`).
public struct RemoteWriteSettings: Sendable {
    /// `remote_name` label of the queue's metrics (`name`, or a hash of the config).
    public var name: String
    public var url: String
    public var timeout: Duration = .seconds(30)
    /// Extra request headers (`headers`).
    public var headers: [(String, String)] = []
    public var auth: HTTPAuth = .none
    public var tls = TLSSettings()
    /// `proxy_url` (http:// proxies only).
    public var proxyURL: String?
    public var followRedirects = true
    public var userAgent = "Prometheus/promfleet"

    // queue_config
    /// Samples buffered per shard; the oldest are dropped (and counted) beyond it.
    public var capacity = 10_000
    /// The number of shards (concurrent senders). promfleet does not reshard dynamically: it runs
    /// `clamp(2, minShards, maxShards)` shards for the life of the queue.
    public var shards = 2
    public var maxSamplesPerSend = 2000
    public var batchSendDeadline: Duration = .seconds(5)
    public var minBackoff: Duration = .milliseconds(30)
    public var maxBackoff: Duration = .seconds(5)
    public var retryOnRateLimit = true
    /// Samples older than this when their batch is built are dropped (nil: no limit).
    public var sampleAgeLimit: Duration?
    /// How long a stopping queue keeps trying to deliver what it holds.
    public var flushDeadline: Duration = .seconds(5)

    /// Added to every series that lacks the label (the series' own labels win), before relabeling.
    public var externalLabels = Labels.empty
    /// `write_relabel_configs` as a function: nil drops the series.
    public var relabel: (@Sendable (Labels) -> Labels?)?
    /// Equal identities mean "the same queue": a reload keeps such a queue running.
    public var identity = ""

    public init(name: String, url: String) {
        self.name = name
        self.url = url
    }
}
