import Config
import HTTPAPI
import Logging
import MetricModel
import PromQL
import Scrape
import ServiceLifecycle
import Synchronization
import TSDB
import UnixSignals

/// The federator's command-line settings (the replica's flag names).
public struct FederatorOptions: Sendable {
    public var configFile = "federator.yml"
    public var tsdbPath = "data/"
    public var retentionTime = "15d"
    public var listenAddress = "0.0.0.0:9090"
    public var enableLifecycle = false
    public var lookbackDeltaMs: Int64 = 300_000
    public var queryMaxSamples = 50_000_000
    public var queryTimeoutMs: Int64 = 120_000
    public init() {}

    var flagList: [(String, String)] {
        [("config.file", configFile), ("storage.tsdb.path", tsdbPath), ("storage.tsdb.retention.time", retentionTime),
         ("web.enable-lifecycle", String(enableLifecycle)), ("web.listen-address", listenAddress)]
    }
}

/// A replica-aware federator: the replica's TSDB, PromQL and HTTP API, whose only sources are
/// the shards of federator.yml — one pull loop per shard (`PullManager`, `ShardPuller`:
/// honor_labels, body timestamps, the replica label dropped), each pull streamed from one replica.
/// SIGHUP and POST /-/reload re-read federator.yml and apply it without a restart.
public final class Federator: Sendable {
    public let options: FederatorOptions
    private let current: ConfigBox
    private let reloadLock = Mutex(())
    let logger: Logger
    let storage = ServerStorage()
    let client: FederateClient
    public let pulls: PullManager
    public let server: HTTPServer
    let readiness = Readiness()
    let status: FederatorStatus
    let dbOptions: DBOptions

    public init(options: FederatorOptions, version: String, logger: Logger) throws {
        self.options = options
        self.logger = logger
        let config = try FederatorConfig.load(file: options.configFile)
        current = ConfigBox(config)
        var dbo = DBOptions()
        do { dbo.retentionTime = try PromDuration(parsing: options.retentionTime).milliseconds } catch {
            throw FederatorError("invalid retention flag: \(error)")
        }
        dbOptions = dbo
        client = FederateClient()
        pulls = PullManager(storage: storage, client: client, logger: logger)
        guard let (host, port) = HTTPServer.parseAddress(options.listenAddress) else {
            throw FederatorError("invalid --web.listen-address \(options.listenAddress)")
        }
        status = FederatorStatus(flags: options.flagList, version: version, retention: options.retentionTime)
        status.loaded(config)
        let metrics = MetricsRegistry()
        let box = ReloadHook()
        var api = APIServices(storage: storage, targets: ShardTargets(manager: pulls), status: status,
                              metrics: metrics, readiness: readiness, reload: nil,
                              externalLabels: { [current] in Self.externalLabels(current.value) },
                              lookbackDelta: options.lookbackDeltaMs)
        if options.enableLifecycle { api.reload = { try box.call() } }
        api.engine = Engine(options: EngineOptions(lookbackDelta: options.lookbackDeltaMs, maxSamples: options.queryMaxSamples,
                                                   timeout: options.queryTimeoutMs, defaultEvalInterval: config.scrapeIntervalMs))
        server = HTTPServer(host: host, port: port, router: PrometheusAPI(services: api, logger: logger).makeRouter(), logger: logger)
        metrics.register(FederatorMetrics(manager: pulls, storage: storage, readiness: readiness, status: status))
        metrics.register(ProcessMetrics())
        box.set { [weak self] in try self?.reload() }
    }

    public var config: FederatorConfig { current.value }

    static func externalLabels(_ c: FederatorConfig) -> Labels {
        Labels(Dictionary(uniqueKeysWithValues: [("fleet", c.fleet), ("replica", c.replica)].filter { !$0.1.isEmpty }))
    }

    /// Re-reads federator.yml and applies it to the running pulls (shards added, removed or
    /// changed; interval, timeout, match, limits). On error logs it, keeps the running config and
    /// throws (the message names file:line).
    public func reload() throws {
        try reloadLock.withLock { _ in
            do {
                let c = try FederatorConfig.load(file: options.configFile)
                current.value = c
                status.loaded(c)
                if readiness.isReady { pulls.apply(c) }
                logger.info("Completed loading of configuration file", metadata: ["filename": "\(options.configFile)"])
            } catch {
                status.failed()
                logger.error("Error reloading config", metadata: ["err": "\(error)"])
                throw error
            }
        }
    }

    public func services() -> [any Service] {
        let st = StorageService(
            storage: storage, dir: options.tsdbPath, options: dbOptions, readiness: readiness, logger: logger,
            onReady: { [pulls, current] in pulls.apply(current.value) },
            onStop: {})
        return [st, pulls, server, HangupReloadService { [weak self] in try self?.reload() }]
    }

    public func run() async throws {
        let group = ServiceGroup(configuration: .init(services: services().map { .init(service: $0) },
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// The running config, read by the API's external labels and replaced by reloads.
final class ConfigBox: Sendable {
    private let m: Mutex<FederatorConfig>
    init(_ c: FederatorConfig) { m = Mutex(c) }
    var value: FederatorConfig {
        get { m.withLock { $0 } }
        set { m.withLock { $0 = newValue } }
    }
}
