import ArgumentParser
import Federator
import Logging
import Scrape

/// `promfleet federator`: pulls each shard of federator.yml from one healthy replica at a time.
struct FederatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "federator",
        abstract: "Run a replica-aware federator: pull /federate from one healthy replica per shard (federator.yml), store, serve the HTTP API."
    )

    @Option(name: .customLong("config.file"), help: "Federator configuration file path (docs/federator.md).")
    var configFile = "federator.yml"
    @Option(name: .customLong("storage.tsdb.path"), help: "Base path for metrics storage.")
    var tsdbPath = "data/"
    @Option(name: .customLong("storage.tsdb.retention.time"), help: "How long to retain samples in storage.")
    var retentionTime = "15d"
    @Option(name: .customLong("web.listen-address"), help: "Address to listen on for UI, API, and telemetry.")
    var listenAddress = "0.0.0.0:9090"
    @Flag(name: .customLong("web.enable-lifecycle"), help: "Enable shutdown and reload via HTTP request.")
    var enableLifecycle = false
    @Option(name: .customLong("log.level"), help: "Only log messages with the given severity or above: debug, info, warn, error.")
    var logLevel = "info"
    @Option(name: .customLong("query.lookback-delta"), help: "The maximum lookback duration for retrieving metrics during expression evaluations.")
    var lookbackDelta = "5m"

    func run() async throws {
        var o = FederatorOptions()
        o.configFile = configFile
        o.tsdbPath = tsdbPath
        o.retentionTime = retentionTime
        o.listenAddress = listenAddress
        o.enableLifecycle = enableLifecycle
        guard let lb = parseDurationMs(lookbackDelta) else { throw ValidationError("invalid --query.lookback-delta") }
        o.lookbackDeltaMs = lb
        var logger = Logger(label: "promfleet.federator")
        logger.logLevel = Logger.Level(prometheusName: logLevel)
        let federator: Federator
        do {
            federator = try Federator(options: o, version: BuildInfo.version, logger: logger)
        } catch {
            logger.error("Error loading config", metadata: ["err": "\(error)"])
            throw ExitCode(1)
        }
        logger.info("Server is ready to receive web requests.", metadata: ["address": "\(listenAddress)"])
        try await federator.run()
    }
}
