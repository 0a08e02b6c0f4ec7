import ArgumentParser
import Logging
import Scrape

/// The flags `promfleet replica` and `promfleet federator` share (Prometheus's names).
struct ServerFlags: ParsableArguments {
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
    @Option(name: .customLong("query.lookback-delta"), help: "The maximum lookback duration for retrieving metrics during expression evaluations and federation.")
    var lookbackDelta = "5m"

    /// --query.lookback-delta in ms.
    func lookbackDeltaMs() throws -> Int64 {
        guard let ms = parseDurationMs(lookbackDelta) else { throw ValidationError("invalid --query.lookback-delta \(lookbackDelta)") }
        return ms
    }

    func logger(_ label: String) -> Logger {
        var l = Logger(label: label)
        l.logLevel = Logger.Level(prometheusName: logLevel)
        return l
    }

    /// Builds the server (a bad config is logged as Prometheus logs it and exits 1), then runs it.
    func serve<S>(_ logger: Logger, build: () throws -> S, run: (S) async throws -> Void) async throws {
        let server: S
        do {
            server = try build()
        } catch {
            logger.error("Error loading config", metadata: ["err": "\(error)"])
            throw ExitCode(1)
        }
        logger.info("Server is ready to receive web requests.", metadata: ["address": "\(listenAddress)"])
        try await run(server)
    }
}
