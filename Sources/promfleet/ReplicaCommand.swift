import ArgumentParser
import Logging
import Replica
import Scrape

/// `promfleet replica`: a Prometheus-compatible server (scrape, storage, HTTP API, /federate).
struct ReplicaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replica",
        abstract: "Run a Prometheus-compatible server: scrape targets from prometheus.yml, store, serve the HTTP API and /federate."
    )

    @Option(name: .customLong("config.file"), help: "Prometheus configuration file path.")
    var configFile = "prometheus.yml"
    @Option(name: .customLong("storage.tsdb.path"), help: "Base path for metrics storage.")
    var tsdbPath = "data/"
    @Option(name: .customLong("storage.tsdb.retention.time"), help: "How long to retain samples in storage.")
    var retentionTime = "15d"
    @Option(name: .customLong("storage.tsdb.retention.size"), help: "Maximum number of bytes that can be stored for blocks.")
    var retentionSize = "0B"
    @Option(name: .customLong("web.listen-address"), help: "Address to listen on for UI, API, and telemetry.")
    var listenAddress = "0.0.0.0:9090"
    @Flag(name: .customLong("web.enable-lifecycle"), help: "Enable shutdown and reload via HTTP request.")
    var enableLifecycle = false

    @Option(name: .customLong("web.external-url"), help: "The URL under which the server is externally reachable (default http://<hostname>:<port>/).")
    var externalURL: String?
    @Option(name: .customLong("log.level"), help: "Only log messages with the given severity or above: debug, info, warn, error.")
    var logLevel = "info"
    @Option(name: .customLong("query.lookback-delta"), help: "The maximum lookback duration for retrieving metrics during expression evaluations and federation.")
    var lookbackDelta = "5m"
    @Option(name: .customLong("query.max-samples"), help: "Maximum number of samples a single query can load into memory.")
    var maxSamples = 50_000_000
    @Option(name: .customLong("query.timeout"), help: "Maximum time a query may take before being aborted.")
    var queryTimeout = "2m"
    @Option(name: .customLong("query.max-concurrency"), help: "Maximum number of queries executed concurrently.")
    var maxConcurrency = 20

    func run() async throws {
        var o = ReplicaOptions()
        o.configFile = configFile
        o.tsdbPath = tsdbPath
        o.retentionTime = retentionTime
        o.retentionSize = retentionSize
        o.listenAddress = listenAddress
        o.enableLifecycle = enableLifecycle
        o.externalURL = externalURL
        o.logLevel = logLevel
        guard let lb = parseDurationMs(lookbackDelta), let qt = parseDurationMs(queryTimeout) else {
            throw ValidationError("invalid duration in --query.lookback-delta or --query.timeout")
        }
        o.lookbackDeltaMs = lb
        o.queryTimeoutMs = qt
        o.queryMaxSamples = maxSamples
        o.queryMaxConcurrency = maxConcurrency
        var logger = Logger(label: "promfleet.replica")
        logger.logLevel = Logger.Level(prometheusName: logLevel)
        let replica: Replica
        do {
            replica = try Replica(options: o, version: BuildInfo.version, logger: logger)
        } catch {
            logger.error("Error loading config", metadata: ["err": "\(error)"])
            throw ExitCode(1)
        }
        logger.info("Server is ready to receive web requests.", metadata: ["address": "\(listenAddress)"])
        try await replica.run()
    }
}
