import ArgumentParser
import Exporter
import HTTPAPI
import Logging
import ServiceLifecycle

/// `promfleet exporter`: synthetic scrape targets for demos and benchmarks.
struct ExporterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exporter",
        abstract: "Serve synthetic scrape targets (counters, gauges, histograms) on consecutive ports."
    )

    @Option(name: .customLong("targets"), help: "Number of targets (one port each).")
    var targets = 1

    @Option(name: .customLong("series"), help: "Series per target.")
    var series = 1000

    @Option(name: .customLong("listen-address"), help: "host:port of the first target; target i listens on port+i.")
    var listenAddress = "127.0.0.1:9100"

    @Option(name: .customLong("log.level"), help: "debug, info, warn, error.")
    var logLevel = "info"

    func run() async throws {
        guard let (host, port) = HTTPServer.parseAddress(listenAddress) else {
            throw ValidationError("invalid --listen-address \(listenAddress)")
        }
        var logger = Logger(label: "promfleet.exporter")
        logger.logLevel = Logger.Level(prometheusName: logLevel)
        var quiet = logger
        quiet.logLevel = .warning
        let exp = ExporterServers(host: host, basePort: port, targets: targets, series: series)
        logger.info("serving synthetic targets", metadata: [
            "targets": "\(targets)", "series": "\(exp.targets.first?.seriesCount ?? 0)",
            "first": "http://\(host):\(port)/metrics", "last": "http://\(host):\(port + targets - 1)/metrics",
        ])
        let group = ServiceGroup(services: exp.servers(logger: quiet), gracefulShutdownSignals: [.sigterm, .sigint], logger: quiet)
        try await group.run()
    }
}

extension Logger.Level {
    /// Prometheus's --log.level names (debug, info, warn, error).
    init(prometheusName s: String) {
        switch s {
        case "debug": self = .debug
        case "warn": self = .warning
        case "error": self = .error
        default: self = .info
        }
    }
}
