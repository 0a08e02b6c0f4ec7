import HTTPAPI
import Logging
import MetricModel
import Scrape
import ServiceLifecycle
import Synchronization
import TSDB
import UnixSignals

/// A Prometheus-compatible server: storage, scrape (discovery + loops) and HTTP, wired in start
/// order. `run()` runs them in one ServiceGroup; SIGTERM/SIGINT shut down in reverse order;
/// SIGHUP and POST /-/reload re-read the config, keeping the running one when the new is bad.
public final class Replica: Sendable {
    public let options: ReplicaOptions
    let logger: Logger
    let status: ReplicaStatus
    let storage: CountingStorage
    let fetcher: HTTPFetcher
    public let scrape: ScrapeManager
    let discovery: DiscoveryManager
    public let http: HTTPServer
    let readiness = Readiness()
    private let reloadLock = Mutex<Void>(())

    /// Loads the config (throws the reason when it is bad) and builds every component.
    public init(options: ReplicaOptions, version: String, logger: Logger) throws {
        self.options = options
        self.logger = logger
        let config = try ReplicaConfig.load(file: options.configFile)
        status = ReplicaStatus(options: options, version: version)
        storage = CountingStorage(MemoryStorage())
        fetcher = HTTPFetcher()
        scrape = ScrapeManager(storage: storage, fetcher: fetcher, logger: logger)
        discovery = DiscoveryManager(scrape: scrape, http: fetcher, logger: logger)
        guard let (host, port) = HTTPServer.parseAddress(options.listenAddress) else {
            throw ConfigLoadError(file: "--web.listen-address", line: nil, message: "invalid address \(options.listenAddress)")
        }
        let metrics = MetricsRegistry()
        let services = APIServices(
            storage: storage, targets: ScrapeTargets(manager: scrape), status: status, metrics: metrics,
            readiness: readiness, reload: nil, externalLabels: { [status] in status.externalLabels },
            lookbackDelta: options.lookbackDeltaMs)
        var api = services
        let box = ReloadBox()
        if options.enableLifecycle { api.reload = { try box.call() } }
        http = HTTPServer(host: host, port: port, router: PrometheusAPI(services: api, logger: logger).makeRouter(), logger: logger)
        status.loaded(config)
        discovery.apply(config.pools)
        metrics.register(ReplicaMetrics(status: status, scrape: scrape,
                                         storage: StorageStatsSource(stats: { [storage] in storage.stats }), readiness: readiness))
        metrics.register(ProcessMetrics())
        box.set { [weak self] in try self?.reload() }
    }

    /// Re-reads the config file; on error logs it, keeps the running config and throws.
    public func reload() throws {
        try reloadLock.withLock { _ in
            do {
                let c = try ReplicaConfig.load(file: options.configFile)
                status.loaded(c)
                discovery.apply(c.pools)
                logger.info("Completed loading of configuration file", metadata: ["filename": "\(options.configFile)"])
            } catch {
                status.failed()
                logger.error("Error reloading config", metadata: ["err": "\(error)"])
                throw error
            }
        }
    }

    /// The services in start order (storage, discovery, scrape, HTTP, signal handling).
    public func services() -> [any Service] {
        [StorageService(readiness: readiness, fetcher: fetcher), discovery, scrape, http, HangupService(replica: self)]
    }

    public func run() async throws {
        let group = ServiceGroup(configuration: .init(
            services: services().map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}

/// Late-bound reload closure (the router is built before `self` is complete).
final class ReloadBox: Sendable {
    private let fn = Mutex<(@Sendable () throws -> Void)?>(nil)
    func set(_ f: @escaping @Sendable () throws -> Void) { fn.withLock { $0 = f } }
    func call() throws {
        let f = fn.withLock { $0 }
        try f?()
    }
}

/// Storage lifecycle: ready once replay is done (immediately for the in-memory storage); on
/// shutdown (last to stop) closes the scrape HTTP client.
struct StorageService: Service {
    let readiness: Readiness
    let fetcher: HTTPFetcher

    func run() async throws {
        readiness.markReady()
        try? await gracefulShutdown()
        await fetcher.shutdown()
    }
}

/// SIGHUP → reload.
struct HangupService: Service {
    let replica: Replica

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                try? replica.reload()
            }
        }
    }
}
