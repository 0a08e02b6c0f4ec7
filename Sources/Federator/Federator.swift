import Config
import HTTPAPI
import Logging
import MetricModel
import PromQL
import Scrape
import ServiceLifecycle
import Synchronization
import TSDB

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

/// A replica-aware federator: the replica's TSDB, PromQL and HTTP API, whose only scrape targets
/// are the shards of federator.yml — one scrape loop per shard (honor_labels, body timestamps,
/// the replica label dropped), each pull served by one replica through `FailoverFetcher`.
public final class Federator: Sendable {
    public let options: FederatorOptions
    public let config: FederatorConfig
    let logger: Logger
    let storage = StorageBox()
    let http: HTTPFetcher
    public let fetcher: FailoverFetcher
    public let scrape: ScrapeManager
    public let server: HTTPServer
    let readiness = Readiness()
    let status: FederatorStatus
    let dbOptions: DBOptions

    public init(options: FederatorOptions, version: String, logger: Logger) throws {
        self.options = options
        self.logger = logger
        config = try FederatorConfig.load(file: options.configFile)
        var dbo = DBOptions()
        do { dbo.retentionTime = try PromDuration(parsing: options.retentionTime).milliseconds } catch {
            throw FederatorError("invalid retention flag: \(error)")
        }
        dbOptions = dbo
        http = HTTPFetcher()
        fetcher = FailoverFetcher(config: config, http: http)
        scrape = ScrapeManager(storage: storage, fetcher: fetcher, logger: logger)
        guard let (host, port) = HTTPServer.parseAddress(options.listenAddress) else {
            throw FederatorError("invalid --web.listen-address \(options.listenAddress)")
        }
        status = FederatorStatus(flags: options.flagList, version: version, retention: options.retentionTime)
        status.loaded(config)
        let metrics = MetricsRegistry()
        let external = Labels(Dictionary(uniqueKeysWithValues: [("fleet", config.fleet), ("replica", config.replica)].filter { !$0.1.isEmpty }))
        var api = APIServices(storage: storage, targets: ShardTargets(manager: scrape, fetcher: fetcher), status: status,
                              metrics: metrics, readiness: readiness, reload: nil, externalLabels: { external },
                              lookbackDelta: options.lookbackDeltaMs)
        if options.enableLifecycle {
            let cfgFile = options.configFile
            api.reload = { [status, logger] in
                do {
                    let c = try FederatorConfig.load(file: cfgFile)
                    status.loaded(c)
                    logger.info("Configuration re-read (shard changes take effect on restart)")
                } catch {
                    status.failed()
                    throw error
                }
            }
        }
        api.engine = Engine(options: EngineOptions(lookbackDelta: options.lookbackDeltaMs, maxSamples: options.queryMaxSamples,
                                                   timeout: options.queryTimeoutMs, defaultEvalInterval: config.scrapeIntervalMs))
        server = HTTPServer(host: host, port: port, router: PrometheusAPI(services: api, logger: logger).makeRouter(), logger: logger)
        metrics.register(FederatorMetrics(fetcher: fetcher, storage: storage, readiness: readiness))
        metrics.register(ProcessMetrics())
    }

    /// One scrape pool per shard, one target each (honor_labels, honor_timestamps, replica label dropped).
    public static func pools(_ c: FederatorConfig) -> [ScrapePool] {
        let drop = c.replicaLabel
        return c.sources.map { s in
            var settings = ScrapeSettings(jobName: s.jobName, intervalMs: c.scrapeIntervalMs, timeoutMs: c.scrapeTimeoutMs)
            settings.honorLabels = true
            settings.honorTimestamps = true
            settings.bodySizeLimit = c.bodySizeLimit
            settings.metricRelabel = { l in
                guard l.has(drop) else { return l }
                var b = LabelsBuilder(l)
                b.delete(drop)
                return b.labels()
            }
            let labels = Labels(["job": s.jobName, "instance": "shard-\(s.shard)", "shard": s.shard])
            let url = (s.replicas.first?.url ?? "") + "/federate"
            return ScrapePool(settings: settings, targets: [ScrapeTarget(labels: labels, discoveredLabels: labels, url: url, settings: settings)])
        }
    }

    public func services() -> [any Service] {
        let st = FederatorStorageService(
            box: storage, dir: options.tsdbPath, options: dbOptions, readiness: readiness, logger: logger,
            onReady: { [scrape, config] in scrape.apply(Self.pools(config)) },
            onStop: { [http] in await http.shutdown() })
        return [st, scrape, server]
    }

    public func run() async throws {
        let group = ServiceGroup(configuration: .init(services: services().map { .init(service: $0) },
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
