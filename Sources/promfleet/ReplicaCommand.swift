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
    @OptionGroup var server: ServerFlags
    @Option(name: .customLong("storage.tsdb.retention.size"), help: "Maximum number of bytes that can be stored for blocks.")
    var retentionSize = "0B"
    @Option(name: .customLong("web.external-url"), help: "The URL under which the server is externally reachable (default http://<hostname>:<port>/).")
    var externalURL: String?
    @Option(name: .customLong("query.max-samples"), help: "Maximum number of samples a single query can load into memory.")
    var maxSamples = 50_000_000
    @Option(name: .customLong("query.timeout"), help: "Maximum time a query may take before being aborted.")
    var queryTimeout = "2m"
    @Option(name: .customLong("query.max-concurrency"), help: "Maximum number of queries executed concurrently.")
    var maxConcurrency = 20

    func run() async throws {
        var o = ReplicaOptions()
        o.configFile = configFile
        o.tsdbPath = server.tsdbPath
        o.retentionTime = server.retentionTime
        o.retentionSize = retentionSize
        o.listenAddress = server.listenAddress
        o.enableLifecycle = server.enableLifecycle
        o.externalURL = externalURL
        o.logLevel = server.logLevel
        o.lookbackDeltaMs = try server.lookbackDeltaMs()
        guard let qt = parseDurationMs(queryTimeout) else { throw ValidationError("invalid --query.timeout \(queryTimeout)") }
        o.queryTimeoutMs = qt
        o.queryMaxSamples = maxSamples
        o.queryMaxConcurrency = maxConcurrency
        let logger = server.logger("promfleet.replica")
        try await server.serve(logger, build: { try Replica(options: o, version: BuildInfo.version, logger: logger) },
                               run: { try await $0.run() })
    }
}
