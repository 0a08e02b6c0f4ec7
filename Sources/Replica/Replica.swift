import Config
import HTTPAPI
import Logging
import MetricModel
import PromQL
import Remote
import Scrape
import ServiceLifecycle
import Synchronization
import TSDB
import UnixSignals

/// A Prometheus-compatible server: storage, scrape (discovery + loops), rules (+ notifier) and
/// HTTP, wired in start order. `run()` runs them in one ServiceGroup; SIGTERM/SIGINT shut down in reverse order (HTTP,
/// scrape, discovery, then storage flushes and closes its WAL); SIGHUP and POST /-/reload re-read
/// the config, keeping the running one when the new one is bad.
public final class Replica: Sendable {
    public let options: ReplicaOptions
    let logger: Logger
    let status: ReplicaStatus
    let storage = ServerStorage()
    let fetcher: HTTPFetcher
    public let scrape: ScrapeManager
    let discovery: DiscoveryManager
    public let http: HTTPServer
    let readiness = Readiness()
    let dbOptions: DBOptions
    /// remote_write queues, fed by the storage's committed appends.
    public let remoteWrite: RemoteWriteStorage
    let userAgent: String
    let rules: ReplicaRules
    private let current: Mutex<ReplicaConfig>
    private let reloadLock = Mutex<Void>(())

    /// Loads the config (throws the reason when it is bad) and builds every component.
    public init(options: ReplicaOptions, version: String, logger: Logger) throws {
        self.options = options
        self.logger = logger
        let config = try ReplicaConfig.load(file: options.configFile)
        let groups = try ReplicaRules.load(config)
        current = Mutex(config)
        var dbo = DBOptions()
        do {
            dbo.retentionTime = try PromDuration(parsing: options.retentionTime).milliseconds
            dbo.retentionSize = try ByteSize(parsing: options.retentionSize).bytes
        } catch {
            throw ReplicaError("invalid retention flag: \(error)")
        }
        dbOptions = dbo
        status = ReplicaStatus(options: options, version: version)
        userAgent = "Prometheus/\(version)"
        remoteWrite = RemoteWriteStorage(logger: logger)
        fetcher = HTTPFetcher()
        scrape = ScrapeManager(storage: storage, fetcher: fetcher, logger: logger)
        discovery = DiscoveryManager(scrape: scrape, http: fetcher, logger: logger, parseFile: ReplicaConfig.parseDiscovered)
        guard let (host, port) = HTTPServer.parseAddress(options.listenAddress) else {
            throw ReplicaError("invalid --web.listen-address \(options.listenAddress)")
        }
        let metrics = MetricsRegistry()
        let box = ReloadHook()
        var api = APIServices(
            storage: storage, targets: ScrapeTargets(manager: scrape, external: ExternalURL(flag: options.externalURL, listenAddress: options.listenAddress)), status: status, metrics: metrics,
            readiness: readiness, reload: nil, externalLabels: { [status] in status.externalLabels },
            lookbackDelta: options.lookbackDeltaMs)
        if options.enableLifecycle { api.reload = { try box.call() } }
        let engine = Engine(options: EngineOptions(
            lookbackDelta: options.lookbackDeltaMs, maxSamples: options.queryMaxSamples, timeout: options.queryTimeoutMs,
            defaultEvalInterval: config.prometheus.global.evaluationInterval.milliseconds, maxConcurrency: options.queryMaxConcurrency))
        api.engine = engine
        rules = ReplicaRules(engine: engine, storage: storage,
                             externalURL: rulesExternalURL(options), logger: logger)
        rules.apply(config, groups: groups)
        api.rules = rules
        http = HTTPServer(host: host, port: port, router: PrometheusAPI(services: api, logger: logger).makeRouter(), logger: logger)
        status.loaded(config)
        try remoteWrite.apply(config.remoteWriteSettings(userAgent: userAgent))
        storage.wrapAppenders { [remoteWrite] in remoteWrite.wrap($0) }
        let st = storage
        metrics.register(ReplicaMetrics(status: status, scrape: scrape, storage: StorageStatsSource(stats: {
            guard let db = st.current else { return (0, 0) }
            let s = db.head.stats
            return (s.series, Int(s.samplesAppended))
        }), readiness: readiness))
        metrics.register(RulesMetrics(rules: rules))
        metrics.register(ProcessMetrics())
        metrics.register(RemoteWriteMetrics(storage: remoteWrite))
        box.set { [weak self] in try self?.reload() }
    }

    /// Re-reads the config file; on error logs it, keeps the running config and throws.
    public func reload() throws {
        try reloadLock.withLock { _ in
            do {
                let c = try ReplicaConfig.load(file: options.configFile)
                let groups = try ReplicaRules.load(c)
                try remoteWrite.apply(c.remoteWriteSettings(userAgent: userAgent))
                current.withLock { $0 = c }
                status.loaded(c)
                rules.apply(c, groups: groups)
                if readiness.isReady { discovery.apply(c.pools) }
                logger.info("Completed loading of configuration file", metadata: ["filename": "\(options.configFile)"])
            } catch {
                status.failed()
                logger.error("Error reloading config", metadata: ["err": "\(error)"])
                throw error
            }
        }
    }

    /// The services in start order: storage, remote write, discovery, scrape, notifier, rules, HTTP,
    /// signal handling (so remote write flushes after scraping and rules have stopped).
    public func services() -> [any Service] {
        let storageService = StorageService(
            storage: storage, dir: options.tsdbPath, options: dbOptions, readiness: readiness, logger: logger,
            onReady: { [self] in discovery.apply(current.withLock { $0.pools }) },
            onStop: { [fetcher] in await fetcher.shutdown() })
        return [storageService, remoteWrite, discovery, scrape, rules.notifier, RulesService(manager: rules.manager, readiness: readiness),
                http, HangupReloadService { [weak self] in try self?.reload() }]
    }

    public func run() async throws {
        let group = ServiceGroup(configuration: .init(
            services: services().map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}

/// A startup error outside the config file.
public struct ReplicaError: Error, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}
