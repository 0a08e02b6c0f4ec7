import ArgumentParser
import Catalog
import Logging
import Remote
import Router
import ServiceLifecycle
import UnixSignals

/// `promfleet router`: one Prometheus query endpoint in front of groups of replicas, with health
/// checks, failover and gap-free replica merge (docs/router.md).
struct RouterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "router",
        abstract: "Serve the Prometheus query API in front of replica groups: health checks, failover, replica merge."
    )

    @Option(name: [.customLong("config.file"), .customLong("config")], help: "router.yml (groups of member URLs; docs/router.md).")
    var configFile: String?
    @Option(help: "Read the groups from this catalog instead, following its changes.")
    var catalog: String?
    @Option(help: "Fleet name in the catalog (default: the catalog's only fleet).")
    var fleet: String?
    @Option(name: .customLong("web.listen-address"), help: "Address to listen on (overrides router.yml's listen_address).")
    var listenAddress: String?
    @Option(name: .customLong("router.mode"), help: "failover or merge (overrides router.yml's mode).")
    var mode: String?
    @Option(name: .customLong("router.replica-label"), help: "Label that tells replicas apart (dropped by merge mode).")
    var replicaLabel: String?
    @Option(name: .customLong("catalog.refresh-interval"), help: "How often to re-read the catalog.")
    var catalogRefresh = "5s"
    @Option(name: .customLong("log.level"), help: "debug, info, warn, error.")
    var logLevel = "info"

    func validate() throws {
        if let mode, RouterMode(rawValue: mode) == nil { throw ValidationError("--router.mode: failover or merge, not \(mode)") }
    }

    func run() async throws {
        var logger = Logger(label: "promfleet.router")
        logger.logLevel = Logger.Level(rawValue: logLevel == "warn" ? "warning" : logLevel) ?? .info
        var base: RouterConfig
        var load: (@Sendable () throws -> RouterConfig)? = nil
        if let configFile {
            base = try RouterConfig.load(file: configFile)
        } else if let catalog {
            let cat = try Catalog.openExisting(path: catalog)
            let names = try cat.fleetNames()
            guard let name = fleet ?? (names.count == 1 ? names[0] : nil) else {
                throw ValidationError("catalog \(catalog) records fleets \(names.joined(separator: ", ")): pass --fleet")
            }
            base = RouterConfig(fleet: name, groups: [])
            apply(&base)
            let b = base
            let loader: @Sendable () throws -> RouterConfig = { RouterConfig.from(snapshot: try cat.snapshot(fleet: name), base: b) }
            base = try loader()
            load = loader
        } else {
            throw ValidationError("pass --config.file router.yml or --catalog FILE [--fleet NAME]")
        }
        apply(&base)
        guard let refresh = RouterConfig.parseDuration(catalogRefresh) else { throw ValidationError("bad --catalog.refresh-interval") }
        let client = PeerClient()
        let (_, services) = try RouterServer.services(config: base, logger: logger, client: client, catalogLoad: load,
                                                      catalogIntervalMs: refresh)
        logger.info("router listening", metadata: ["address": "\(base.listenAddress)", "mode": "\(base.mode)",
                                                   "groups": "\(base.groups.map(\.name))"])
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) },
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do { try await group.run() } catch { logger.error("router stopped", metadata: ["error": "\(error)"]) }
        try await client.shutdown()
    }

    func apply(_ c: inout RouterConfig) {
        if let listenAddress { c.listenAddress = listenAddress }
        if let mode, let m = RouterMode(rawValue: mode) { c.mode = m }  // validated in validate()
        if let replicaLabel { c.replicaLabel = replicaLabel }
    }
}
