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
    @OptionGroup var server: ServerFlags

    func run() async throws {
        var o = FederatorOptions()
        o.configFile = configFile
        o.tsdbPath = server.tsdbPath
        o.retentionTime = server.retentionTime
        o.listenAddress = server.listenAddress
        o.enableLifecycle = server.enableLifecycle
        o.lookbackDeltaMs = try server.lookbackDeltaMs()
        let logger = server.logger("promfleet.federator")
        try await server.serve(logger, build: { try Federator(options: o, version: BuildInfo.version, logger: logger) },
                               run: { try await $0.run() })
    }
}
