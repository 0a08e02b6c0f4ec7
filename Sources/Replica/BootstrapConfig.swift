import Foundation
import MetricModel
import Scrape
import Yams

/// A configuration error naming the file, line and field, as Prometheus refuses a bad config.
public struct ConfigLoadError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int?
    public var message: String
    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

/// The parts of prometheus.yml the replica runs on: external labels and scrape pools.
///
/// Interim loader (Yams node walk) for the subset the scrape layer needs, until the Config
/// module's `PrometheusConfig` lands; then `ReplicaConfig.load` maps that model instead and this
/// file goes away. Unknown fields are refused with their line.
public struct ReplicaConfig: Sendable {
    public var yaml: String
    public var externalLabels: Labels
    public var pools: [PoolDiscovery]

    public static func load(file: String) throws -> ReplicaConfig {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ConfigLoadError(file: file, line: nil, message: "couldn't load configuration file: open \(file): no such file or directory")
        }
        let text = String(decoding: data, as: UTF8.self)
        return try parse(text, file: file)
    }

    public static func parse(_ text: String, file: String) throws -> ReplicaConfig {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw ConfigLoadError(file: file, line: nil, message: "parsing YAML file \(file): \(error)")
        }
        var cfg = ReplicaConfig(yaml: text, externalLabels: .empty, pools: [])
        guard let root, let top = root.mapping else { return cfg }
        func fail(_ n: Node, _ m: String) -> ConfigLoadError {
            ConfigLoadError(file: file, line: n.mark.map { $0.line }, message: m)
        }
        func check(_ m: Node.Mapping, _ allowed: Set<String>, _ ctx: String) throws {
            for (k, _) in m where !allowed.contains(k.string ?? "") {
                throw fail(k, "field \(k.string ?? "?") not found in type \(ctx)")
            }
        }
        func duration(_ n: Node?, _ field: String) throws -> Int64? {
            guard let n else { return nil }
            guard let s = n.string, let d = parseDurationMs(s) else { throw fail(n, "\(field): not a valid duration string: \"\(n.string ?? "")\"") }
            return d
        }
        func int(_ n: Node?, _ field: String) throws -> Int {
            guard let n else { return 0 }
            guard let v = n.int else { throw fail(n, "\(field): cannot unmarshal \(n.string ?? "?") into int") }
            return v
        }
        func bool(_ n: Node?, _ field: String, _ def: Bool) throws -> Bool {
            guard let n else { return def }
            guard let v = n.bool else { throw fail(n, "\(field): cannot unmarshal \(n.string ?? "?") into bool") }
            return v
        }
        try check(top, ["global", "scrape_configs", "rule_files", "alerting", "remote_write", "remote_read", "storage", "tracing", "scrape_config_files"], "config.plain")
        var gInterval: Int64 = 60_000, gTimeout: Int64 = 10_000
        if let g = top["global"]?.mapping {
            try check(g, ["scrape_interval", "scrape_timeout", "evaluation_interval", "external_labels", "query_log_file",
                          "body_size_limit", "sample_limit", "label_limit", "label_name_length_limit",
                          "label_value_length_limit", "target_limit"], "config.GlobalConfig")
            gInterval = try duration(g["scrape_interval"], "scrape_interval") ?? gInterval
            gTimeout = try duration(g["scrape_timeout"], "scrape_timeout") ?? min(gTimeout, gInterval)
            if let el = g["external_labels"]?.mapping {
                var b = LabelsBuilder()
                for (k, v) in el { b.set(k.string ?? "", v.string ?? "") }
                cfg.externalLabels = b.labels()
            }
        }
        var jobs = Set<String>()
        for sc in top["scrape_configs"]?.array() ?? [] {
            guard let m = sc.mapping else { throw fail(sc, "scrape_configs: expected a mapping") }
            try check(m, ["job_name", "scrape_interval", "scrape_timeout", "metrics_path", "scheme", "params", "honor_labels",
                          "honor_timestamps", "basic_auth", "authorization", "bearer_token", "bearer_token_file",
                          "static_configs", "file_sd_configs", "http_sd_configs", "relabel_configs", "metric_relabel_configs",
                          "sample_limit", "label_limit", "label_name_length_limit", "label_value_length_limit",
                          "target_limit", "body_size_limit", "tls_config", "follow_redirects", "enable_http2"], "config.ScrapeConfig")
            guard let job = m["job_name"]?.string, !job.isEmpty else { throw fail(sc, "job_name is empty") }
            if !jobs.insert(job).inserted { throw fail(sc, "found multiple scrape configs with job name \"\(job)\"") }
            let interval = try duration(m["scrape_interval"], "scrape_interval") ?? gInterval
            let timeout = try duration(m["scrape_timeout"], "scrape_timeout") ?? min(gTimeout, interval)
            if timeout > interval {
                throw fail(sc, "scrape timeout greater than scrape interval for scrape config with job name \"\(job)\"")
            }
            var s = ScrapeSettings(jobName: job, intervalMs: interval, timeoutMs: timeout)
            s.honorLabels = try bool(m["honor_labels"], "honor_labels", false)
            s.honorTimestamps = try bool(m["honor_timestamps"], "honor_timestamps", true)
            s.sampleLimit = try int(m["sample_limit"], "sample_limit")
            s.labelLimit = try int(m["label_limit"], "label_limit")
            s.labelNameLengthLimit = try int(m["label_name_length_limit"], "label_name_length_limit")
            s.labelValueLengthLimit = try int(m["label_value_length_limit"], "label_value_length_limit")
            if let b = m["body_size_limit"] { s.bodySizeLimit = try parseBytes(b, fail) }
            if let ba = m["basic_auth"]?.mapping {
                var pw = ba["password"]?.string ?? ""
                if let f = ba["password_file"]?.string {
                    pw = ((try? String(contentsOfFile: f, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                }
                s.auth = .basic(username: ba["username"]?.string ?? "", password: pw)
            } else if let a = m["authorization"]?.mapping {
                s.auth = .authorization(type: a["type"]?.string ?? "Bearer", credentials: a["credentials"]?.string ?? "",
                                        credentialsFile: a["credentials_file"]?.string)
            } else if let t = m["bearer_token"]?.string {
                s.auth = .authorization(type: "Bearer", credentials: t, credentialsFile: nil)
            } else if let f = m["bearer_token_file"]?.string {
                s.auth = .authorization(type: "Bearer", credentials: "", credentialsFile: f)
            }
            var pool = PoolConfig(settings: s)
            pool.scheme = m["scheme"]?.string ?? "http"
            pool.metricsPath = m["metrics_path"]?.string ?? "/metrics"
            if let ps = m["params"]?.mapping {
                pool.params = ps.map { ($0.key.string ?? "", $0.value.array().compactMap(\.string)) }
            }
            var sources: [DiscoverySource] = []
            var groups: [TargetGroup] = []
            for (i, g) in (m["static_configs"]?.array() ?? []).enumerated() {
                guard let gm = g.mapping else { throw fail(g, "static_configs: expected a mapping") }
                try check(gm, ["targets", "labels"], "targetgroup.Group")
                var labels: [String: String] = [:]
                for (k, v) in gm["labels"]?.mapping ?? [:] { labels[k.string ?? ""] = v.string ?? "" }
                let ts = (gm["targets"]?.array() ?? []).compactMap(\.string)
                groups.append(TargetGroup(targets: ts.map { [LabelName.address: $0] }, labels: labels, source: "\(i)"))
            }
            if !groups.isEmpty { sources.append(.staticGroups(groups)) }
            for f in m["file_sd_configs"]?.array() ?? [] {
                guard let fm = f.mapping else { throw fail(f, "file_sd_configs: expected a mapping") }
                try check(fm, ["files", "refresh_interval"], "file.SDConfig")
                let files = (fm["files"]?.array() ?? []).compactMap(\.string).map { p in
                    p.hasPrefix("/") ? p : (URL(fileURLWithPath: file).deletingLastPathComponent().path + "/" + p)
                }
                sources.append(.file(paths: files, refreshMs: try duration(fm["refresh_interval"], "refresh_interval") ?? 300_000))
            }
            for h in m["http_sd_configs"]?.array() ?? [] {
                guard let hm = h.mapping, let url = hm["url"]?.string else { throw fail(h, "http_sd_configs: url is required") }
                sources.append(.http(url: url, refreshMs: try duration(hm["refresh_interval"], "refresh_interval") ?? 60_000))
            }
            cfg.pools.append(PoolDiscovery(pool: pool, sources: sources))
        }
        return cfg
    }

    static func parseBytes(_ n: Node, _ fail: (Node, String) -> ConfigLoadError) throws -> Int {
        guard let s = n.string else { throw fail(n, "body_size_limit: invalid size") }
        let units: [(String, Int)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("KB", 1 << 10), ("MB", 1 << 20), ("GB", 1 << 30), ("B", 1)]
        for (u, mult) in units where s.hasSuffix(u) {
            if let v = Int(s.dropLast(u.count)) { return v * mult }
        }
        if let v = Int(s) { return v }
        throw fail(n, "body_size_limit: invalid size \"\(s)\"")
    }
}
