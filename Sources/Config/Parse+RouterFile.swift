import Foundation
import MetricModel
import Relabeling
import Yams

extension RouterFile {
    static let yamlKeys = ["fleet", "listen_address", "mode", "replica_label", "groups", "gap_factor", "probe_interval",
                           "probe_timeout", "query_timeout", "failures_to_down", "successes_to_up", "lookback_delta"]
    static let groupKeys = ["name", "kind", "shard", "shards", "shard_by", "scrape_interval", "external_labels", "members"]
    static let memberKeys = ["name", "replica", "url"]

    /// Parses router.yml text. `filename` is used in error messages only.
    public static func parse(yaml: String, filename: String = "<string>") throws(ConfigError) -> RouterFile {
        let ctx = YAMLContext(file: filename)
        guard let m = try ctx.mapping(try ctx.compose(yaml), type: "router config", known: yamlKeys) else {
            throw ConfigError(file: filename, field: "groups", message: "groups: at least one group is required")
        }
        var f = RouterFile()
        f.fleet = try m.string("fleet")
        f.listenAddress = try m.string("listen_address")
        if let s = try m.string("mode") {
            guard let mode = Mode(rawValue: s) else { throw m.error("mode", "mode: unknown mode \(quoteGo(s)) (failover or merge)") }
            f.mode = mode
        }
        f.replicaLabel = try m.string("replica_label")
        if let n = m.value("gap_factor") {
            let v = try ctx.double(n, field: "gap_factor")
            if !(v >= 1) { throw m.error("gap_factor", "gap_factor: must be a number ≥ 1") }
            f.gapFactor = v
        }
        f.probeInterval = try m.duration("probe_interval")
        f.probeTimeout = try m.duration("probe_timeout")
        f.queryTimeout = try m.duration("query_timeout")
        f.lookbackDelta = try m.duration("lookback_delta")
        f.failuresToDown = try ctx.int(m, "failures_to_down", min: 1)
        f.successesToUp = try ctx.int(m, "successes_to_up", min: 1)
        let groups = try m.value("groups").map { n throws(ConfigError) in try ctx.sequence(n, field: "groups", of: "router group") } ?? []
        if groups.isEmpty { throw m.error("groups", "groups: at least one group is required") }
        var names = Set<String>()
        for (i, node) in groups.enumerated() {
            let g = try ctx.routerGroup(node, at: "groups[\(i)]")
            for (j, member) in g.members.enumerated() {
                let name = member.name ?? "\(g.name)-\(member.replica ?? RouterFile.defaultReplica(j))"
                if !names.insert(name).inserted {
                    throw ctx.error(node, field: "name", "groups[\(i)]: member name \(quoteGo(name)) is used twice")
                }
            }
            f.groups.append(g)
        }
        return f
    }

    /// Reads and parses a router.yml file.
    public static func load(file path: String) throws(ConfigError) -> RouterFile {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigError(file: path, message: "open \(path): \(error.localizedDescription)")
        }
        return try parse(yaml: text, filename: path)
    }

    /// The replica label value of the j-th member when the file gives none: a, b, c, …
    public static func defaultReplica(_ j: Int) -> String {
        String(UnicodeScalar(UInt8(ascii: "a") + UInt8(j % 26)))
    }
}

extension YAMLContext {
    func routerGroup(_ node: Node, at: String) throws(ConfigError) -> RouterFile.Group {
        guard let g = try mapping(node, type: "router group", known: RouterFile.groupKeys) else {
            throw error(node, "\(at): must be a mapping")
        }
        guard let name = try g.string("name"), !name.isEmpty else { throw g.error("name", "\(at).name: required") }
        var group = RouterFile.Group(name: name, members: [])
        if let k = try g.string("kind") {
            guard let kind = RouterFile.Group.Kind(rawValue: k) else { throw g.error("kind", "\(at).kind: unknown kind \(quoteGo(k)) (shard or federator)") }
            group.kind = kind
        }
        group.shard = try int(g, "shard", min: 0, at: at)
        group.shards = try int(g, "shards", min: 1, at: at)
        group.shardBy = try g.stringList("shard_by") ?? []
        if let n = g.value("scrape_interval"), !isNull(n) {
            let s = try string(n, field: "scrape_interval")
            do { group.scrapeInterval = try PromDuration(parsing: s) } catch {
                throw self.error(n, field: "scrape_interval", "\(at).scrape_interval: not a duration: \(s)")
            }
        }
        if let n = g.value("external_labels") {
            group.externalLabels = try labelSet(n, field: "external_labels", scheme: .legacy).map { Label($0.0, $0.1) }
        }
        let members = try g.value("members").map { n throws(ConfigError) in try sequence(n, field: "members", of: "router member") } ?? []
        if members.isEmpty { throw g.error("members", "\(at).members: at least one member is required") }
        for (j, mn) in members.enumerated() {
            let mat = "\(at).members[\(j)]"
            guard let mm = try mapping(mn, type: "router member", known: RouterFile.memberKeys) else { throw error(mn, "\(mat): must be a mapping") }
            guard let url = try mm.string("url"), url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw mm.error("url", "\(mat).url: required, http:// or https://")
            }
            group.members.append(RouterFile.Member(name: try mm.string("name"), replica: try mm.string("replica"), url: url))
        }
        return group
    }

    /// An optional integer field ≥ `min`.
    func int(_ m: MapReader, _ key: String, min: Int, at: String? = nil) throws(ConfigError) -> Int? {
        guard let n = m.value(key), !isNull(n) else { return nil }
        let field = at.map { "\($0).\(key)" } ?? key
        guard case .scalar(let s) = n, let v = Int(s.string), v >= min else {
            throw error(n, field: key, "\(field): must be an integer ≥ \(min)")
        }
        return v
    }
}
