import HTTPClientSettings
import Config
import Foundation
import MetricModel
import Relabeling
import Scrape

/// The running configuration in the shapes the replica's parts take: the parsed
/// `PrometheusConfig` (Config module: strict parsing, errors with file, line and field), and
/// for each scrape_config the scrape layer's `PoolDiscovery` (settings, discovery sources, and
/// Prometheus's target population and relabeling from Config/Relabeling).
public struct ReplicaConfig: Sendable {
    public var prometheus: PrometheusConfig
    /// The config as /api/v1/status/config shows it (rendered with defaults applied).
    public var yaml: String
    public var externalLabels: Labels
    public var pools: [PoolDiscovery]

    /// Loads and validates `file`; throws `ConfigError` naming file, line and field.
    public static func load(file: String) throws -> ReplicaConfig {
        try ReplicaConfig(PrometheusConfig.load(file: file))
    }

    public static func parse(_ yaml: String, file: String) throws -> ReplicaConfig {
        try ReplicaConfig(PrometheusConfig.parse(yaml: yaml, filename: file))
    }

    public init(_ cfg: PrometheusConfig) throws {
        prometheus = cfg
        yaml = cfg.string()
        externalLabels = cfg.global.externalLabelSet
        pools = try cfg.scrapeConfigs.map(Self.pool)
    }

    static func pool(_ sc: Config.ScrapeConfig) throws -> PoolDiscovery {
        var s = ScrapeSettings(jobName: sc.jobName, intervalMs: sc.scrapeInterval.milliseconds, timeoutMs: sc.scrapeTimeout.milliseconds)
        s.honorLabels = sc.honorLabels
        s.honorTimestamps = sc.honorTimestamps
        s.sampleLimit = Int(sc.limits.sampleLimit)
        s.labelLimit = Int(sc.limits.labelLimit)
        s.labelNameLengthLimit = Int(sc.limits.labelNameLengthLimit)
        s.labelValueLengthLimit = Int(sc.limits.labelValueLengthLimit)
        s.bodySizeLimit = Int(sc.limits.bodySizeLimit.bytes)
        s.targetLimit = Int(sc.limits.targetLimit)
        let hc = sc.httpClientConfig
        (s.auth, s.tls) = Self.clientSettings(hc)
        s.proxyURL = hc.proxyURL
        s.followRedirects = hc.followRedirects
        let metricRelabel = sc.metricRelabelConfigs
        if !metricRelabel.isEmpty {
            s.metricRelabel = { l in relabel(labels: l, configs: metricRelabel) }
        }
        var pool = PoolConfig(settings: s)
        pool.scheme = sc.scheme
        pool.metricsPath = sc.metricsPath
        pool.params = sc.params
        let config = sc, settings = s
        pool.populate = { groups in
            let set = Config.targets(for: config, groups: groups.map { g in
                Config.TargetGroup(targets: g.targets.compactMap { $0[LabelName.address] }, labels: g.labels, source: g.source)
            })
            var out = PopulatedPool()
            out.targets = set.active.map { t in
                var st = settings
                st.intervalMs = t.scrapeInterval.milliseconds
                st.timeoutMs = t.scrapeTimeout.milliseconds
                return Scrape.ScrapeTarget(labels: t.labels, discoveredLabels: t.discoveredLabels, url: t.url, settings: st)
            }
            out.dropped = set.dropped
            out.failures = set.failures.map(\.description)
            return out
        }
        var sources: [DiscoverySource] = []
        let statics = sc.staticConfigs
        if !statics.isEmpty {
            sources.append(.staticGroups(statics.map { g in
                Scrape.TargetGroup(targets: g.targets.map { [LabelName.address: $0] }, labels: g.labels, source: g.source)
            }))
        }
        for f in sc.fileSDConfigs { sources.append(.file(paths: f.files, refreshMs: f.refreshInterval.milliseconds)) }
        for h in sc.httpSDConfigs { sources.append(.http(url: h.url, refreshMs: h.refreshInterval.milliseconds)) }
        return PoolDiscovery(pool: pool, sources: sources)
    }

    /// An HTTP client config's authentication and TLS as the clients take them (scrapes, remote
    /// write). Username/password files are read now (at load and reload).
    static func clientSettings(_ hc: Config.HTTPClientConfig) -> (HTTPAuth, TLSSettings) {
        var auth = HTTPAuth.none
        if let ba = hc.basicAuth {
            var user = ba.username, pw = ba.password.value
            if let f = ba.usernameFile { user = (try? String(contentsOfFile: f, encoding: .utf8))?.trimmingCharacters(in: .newlines) ?? user }
            if let f = ba.passwordFile { pw = (try? String(contentsOfFile: f, encoding: .utf8))?.trimmingCharacters(in: .newlines) ?? pw }
            auth = .basic(username: user, password: pw)
        } else if let a = hc.authorization {
            auth = .authorization(type: a.type, credentials: a.credentials.value, credentialsFile: a.credentialsFile)
        }
        let t = hc.tlsConfig
        var tls = TLSSettings()
        tls.ca = t.ca
        tls.caFile = t.caFile
        tls.cert = t.cert
        tls.certFile = t.certFile
        tls.key = t.key?.value
        tls.keyFile = t.keyFile
        tls.serverName = t.serverName
        tls.insecureSkipVerify = t.insecureSkipVerify
        tls.minVersion = t.minVersion
        return (auth, tls)
    }

    /// file_sd files (JSON or YAML by extension) and http_sd bodies, parsed by Config.
    public static let parseDiscovered: DiscoveryManager.FileParser = { path, bytes in
        let groups: [Config.TargetGroup]
        if path.hasPrefix("http://") || path.hasPrefix("https://") {
            groups = try HTTPSD.parse(bytes, url: path)
        } else {
            groups = try FileSD.parse(String(decoding: bytes, as: UTF8.self), filename: path)
        }
        return groups.map { g in Scrape.TargetGroup(targets: g.targets.map { [LabelName.address: $0] }, labels: g.labels, source: g.source) }
    }
}
