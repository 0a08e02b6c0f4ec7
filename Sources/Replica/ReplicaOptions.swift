import MetricModel

/// The replica's command-line settings (Prometheus's flag names).
public struct ReplicaOptions: Sendable {
    public var configFile = "prometheus.yml"
    public var tsdbPath = "data/"
    public var retentionTime = "15d"
    public var retentionSize = "0B"
    public var listenAddress = "0.0.0.0:9090"
    public var enableLifecycle = false
    /// --web.external-url; nil: http://<hostname>:<listen port>/.
    public var externalURL: String?
    public var logLevel = "info"
    public var lookbackDeltaMs: Int64 = 300_000
    public var queryMaxSamples = 50_000_000
    public var queryTimeoutMs: Int64 = 120_000
    public var queryMaxConcurrency = 20

    public init() {}

    /// The flags as /api/v1/status/flags shows them.
    public var flagList: [(String, String)] {
        [
            ("config.file", configFile),
            ("log.level", logLevel),
            ("query.lookback-delta", formatMs(lookbackDeltaMs)),
            ("query.max-concurrency", String(queryMaxConcurrency)),
            ("query.max-samples", String(queryMaxSamples)),
            ("query.timeout", formatMs(queryTimeoutMs)),
            ("storage.tsdb.path", tsdbPath),
            ("storage.tsdb.retention.size", retentionSize),
            ("storage.tsdb.retention.time", retentionTime),
            ("web.enable-lifecycle", String(enableLifecycle)),
            ("web.external-url", externalURL ?? ""),
            ("web.listen-address", listenAddress),
        ]
    }

    func formatMs(_ ms: Int64) -> String {
        ms % 60_000 == 0 ? "\(ms / 60_000)m" : (ms % 1000 == 0 ? "\(ms / 1000)s" : "\(ms)ms")
    }
}
