import Catalog
import Foundation
import Config

extension Topology {
    static let topLevelFields = ["fleet", "data_dir", "replicas", "shards", "shard_by", "scrape_interval", "ports",
                                 "scrape_configs", "exporter", "self_scrape", "federation", "router", "limits"]

    /// Reads and validates the topology file at `path`. Errors: `TopologyError` naming the file,
    /// field, reason and line.
    public static func load(path: String) throws -> Topology {
        guard FileManager.default.fileExists(atPath: path) else {
            throw TopologyError(file: path, issues: [TopologyIssue(field: "", reason: "no such file")])
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw TopologyError(file: path, issues: [TopologyIssue(field: "", reason: "cannot read the file as UTF-8")])
        }
        do {
            return try parse(text)
        } catch var error as TopologyError {
            error.file = path
            throw error
        }
    }

    /// Parses and validates topology YAML text.
    public static func parse(_ text: String) throws -> Topology {
        let root: YAMLTree?
        do {
            root = try YAMLTree.compose(text)
        } catch {
            throw TopologyError(issues: [TopologyIssue(field: "", reason: "not YAML: \(error)")])
        }
        guard let root else { throw TopologyError(issues: [TopologyIssue(field: "", reason: "empty topology")]) }
        var r = YAMLReader()
        let topology = read(root, text: text, &r)
        if let topology { topology.validate(&r) }
        guard r.issues.isEmpty, let topology else {
            throw TopologyError(issues: r.issues.sorted { ($0.line ?? .max) < ($1.line ?? .max) })
        }
        return topology
    }

    private static func read(_ root: YAMLTree, text: String, _ r: inout YAMLReader) -> Topology? {
        guard let f = r.fields(root, "", known: topLevelFields) else { return nil }
        guard let fleetNode = f["fleet"] else {
            r.fail("fleet", "is required", root)
            return nil
        }
        let fleet = r.string(fleetNode, "fleet") ?? ""
        var t = Topology(fleet: fleet, dataDir: FleetPaths.defaultDataDir(fleet: fleet), replicas: 2, shards: 1,
                         shardBy: ["__address__"], scrapeInterval: PromDuration("15s")!,
                         ports: Ports(host: "127.0.0.1", base: 9090, members: [:]), scrapeConfigs: [],
                         exporter: nil, selfScrape: false, federation: nil, router: nil, limits: Limits(),
                         source: text)
        if let n = f["data_dir"], let v = r.string(n, "data_dir") { t.dataDir = v }
        if let n = f["replicas"], let v = r.int(n, "replicas") { t.replicas = v }
        if let n = f["shards"], let v = r.int(n, "shards") { t.shards = v }
        if let n = f["shard_by"], let v = r.strings(n, "shard_by") { t.shardBy = v }
        if let n = f["scrape_interval"], let v = r.duration(n, "scrape_interval") { t.scrapeInterval = v }
        if let n = f["self_scrape"], let v = r.bool(n, "self_scrape") { t.selfScrape = v }
        if let n = f["ports"] { readPorts(n, &t, &r) }
        if let n = f["scrape_configs"] { t.scrapeConfigs = readScrapeConfigs(n, &r) }
        if let n = f["exporter"], let e = r.fields(n, "exporter", known: ["count", "series_per_target", "base_port"]) {
            var ex = Exporter(count: 6, seriesPerTarget: 100, basePort: 9100)
            if let v = e["count"].flatMap({ r.int($0, "exporter.count") }) { ex.count = v }
            if let v = e["series_per_target"].flatMap({ r.int($0, "exporter.series_per_target") }) { ex.seriesPerTarget = v }
            if let v = e["base_port"].flatMap({ r.int($0, "exporter.base_port") }) { ex.basePort = v }
            t.exporter = ex
        }
        if let n = f["federation"],
           let e = r.fields(n, "federation", known: ["match", "replicas", "scrape_interval", "limits"]) {
            var fed = Federation(match: ["{__name__=~\".+\"}"], replicas: t.replicas, scrapeInterval: t.scrapeInterval,
                                 limits: Limits())
            if let v = e["match"].flatMap({ r.strings($0, "federation.match") }) { fed.match = v }
            if let v = e["replicas"].flatMap({ r.int($0, "federation.replicas") }) { fed.replicas = v }
            if let v = e["scrape_interval"].flatMap({ r.duration($0, "federation.scrape_interval") }) {
                fed.scrapeInterval = v
            }
            if let n = e["limits"] { fed.limits = readLimits(n, "federation.limits", &r) }
            t.federation = fed
        }
        if let n = f["router"], let e = r.fields(n, "router", known: ["port", "mode"]) {
            var router = Router(port: nil, mode: .failover)
            router.port = e["port"].flatMap { r.int($0, "router.port") }
            if let m = e["mode"], let s = r.string(m, "router.mode") {
                if let mode = RouterMode(rawValue: s) { router.mode = mode } else {
                    r.fail("router.mode", "must be failover or merge (got \"\(s)\")", m)
                }
            }
            t.router = router
        }
        if let n = f["limits"] { t.limits = readLimits(n, "limits", &r) }
        return t
    }

    private static func readPorts(_ node: YAMLTree, _ t: inout Topology, _ r: inout YAMLReader) {
        guard let p = r.fields(node, "ports", known: ["host", "base", "members"]) else { return }
        if let v = p["host"].flatMap({ r.string($0, "ports.host") }) { t.ports.host = v }
        if let v = p["base"].flatMap({ r.int($0, "ports.base") }) { t.ports.base = v }
        if let m = p["members"], case .mapping(let mapping) = m.kind {
            for (k, v) in mapping {
                guard let name = r.string(k, "ports.members") else { continue }
                if let l = k.line { r.lines["ports.members.\(name)"] = l }
                if t.ports.members[name] != nil { r.fail("ports.members.\(name)", "duplicate field", k) }
                if let port = r.int(v, "ports.members.\(name)") { t.ports.members[name] = port }
            }
        } else if let m = p["members"] {
            r.fail("ports.members", "must be a mapping of member name to port", m)
        }
    }

    private static func readScrapeConfigs(_ node: YAMLTree, _ r: inout YAMLReader) -> [ScrapeConfigSource] {
        guard case .sequence(let seq) = node.kind else {
            r.fail("scrape_configs", "must be a list of Prometheus scrape configs", node)
            return []
        }
        var out: [ScrapeConfigSource] = []
        for (i, item) in seq.enumerated() {
            let field = "scrape_configs[\(i)]"
            if let l = item.line { r.lines[field] = l }
            guard case .mapping = item.kind else {
                r.fail(field, "must be a mapping", item)
                continue
            }
            guard let name = item["job_name"]?.scalar, !name.isEmpty else {
                r.fail("\(field).job_name", "is required", item)
                continue
            }
            guard let yaml = try? item.serialized() else {
                r.fail(field, "cannot be re-serialised", item)
                continue
            }
            out.append(ScrapeConfigSource(jobName: name, yaml: yaml))
        }
        return out
    }

    private static func readLimits(_ node: YAMLTree, _ field: String, _ r: inout YAMLReader) -> Limits {
        let known = ["head_series", "samples_per_second", "targets", "scrape_duration_ratio", "disk_bytes"]
        guard let l = r.fields(node, field, known: known) else { return Limits() }
        var limits = Limits()
        func positive<T: Comparable & Numeric>(_ v: T?, _ name: String) -> T? {
            guard let v else { return nil }
            if v <= 0 { r.fail("\(field).\(name)", "must be greater than 0 (got \(v))", l[name]) }
            return v
        }
        limits.headSeries = positive(l["head_series"].flatMap { r.int($0, "\(field).head_series") }.map(Int64.init),
                                     "head_series")
        limits.samplesPerSecond = positive(l["samples_per_second"].flatMap { r.double($0, "\(field).samples_per_second") },
                                           "samples_per_second")
        limits.targets = positive(l["targets"].flatMap { r.int($0, "\(field).targets") }.map(Int64.init), "targets")
        limits.scrapeDurationRatio = positive(
            l["scrape_duration_ratio"].flatMap { r.double($0, "\(field).scrape_duration_ratio") }, "scrape_duration_ratio")
        if let n = l["disk_bytes"] {
            if let s = n.scalar, let v = parseByteSize(s) {
                limits.diskBytes = positive(v, "disk_bytes")
            } else {
                r.fail("\(field).disk_bytes", "must be a byte size (e.g. 10737418240, 10GiB)", n)
            }
        }
        return limits
    }
}
