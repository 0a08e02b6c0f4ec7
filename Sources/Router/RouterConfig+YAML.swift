import Foundation
import HTTPAPI
import MetricModel
import Yams

/// A router.yml that cannot be used, with the field at fault.
public struct RouterConfigError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension RouterConfig {
    /// Reads router.yml (format: docs/router.md). Unknown fields are errors.
    public static func load(file: String) throws -> RouterConfig {
        let text: String
        do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
            throw RouterConfigError("\(file): cannot read: \(error.localizedDescription)")
        }
        do { return try parse(yaml: text) } catch let e as RouterConfigError {
            throw RouterConfigError("\(file): \(e.message)")
        }
    }

    public static func parse(yaml: String) throws -> RouterConfig {
        let node: Node?
        do { node = try Yams.compose(yaml: yaml) } catch { throw RouterConfigError("yaml: \(error)") }
        guard let root = node?.mapping else { throw RouterConfigError("router.yml must be a mapping") }
        let known: Set = ["fleet", "listen_address", "mode", "replica_label", "groups", "gap_factor", "probe_interval",
                          "probe_timeout", "query_timeout", "failures_to_down", "successes_to_up", "lookback_delta"]
        try checkKeys(root, known, "router.yml")
        var cfg = RouterConfig(groups: [])
        if let s = root["fleet"]?.string { cfg.fleet = s }
        if let s = root["listen_address"]?.string { cfg.listenAddress = s }
        if let s = root["mode"]?.string {
            guard let m = RouterMode(rawValue: s) else { throw RouterConfigError("mode: unknown mode \"\(s)\" (failover or merge)") }
            cfg.mode = m
        }
        if let s = root["replica_label"]?.string { cfg.replicaLabel = s }
        if let s = root["gap_factor"]?.string {
            guard let f = Double(s), f >= 1 else { throw RouterConfigError("gap_factor: must be a number ≥ 1") }
            cfg.gapFactor = f
        }
        if let n = root["probe_interval"] { cfg.probeIntervalMs = try duration(n, "probe_interval") }
        if let n = root["probe_timeout"] { cfg.probeTimeoutMs = try duration(n, "probe_timeout") }
        if let n = root["query_timeout"] { cfg.queryTimeoutMs = try duration(n, "query_timeout") }
        if let n = root["lookback_delta"] { cfg.lookbackDeltaMs = try duration(n, "lookback_delta") }
        if let n = root["failures_to_down"] { cfg.failuresToDown = try int(n, "failures_to_down", min: 1) }
        if let n = root["successes_to_up"] { cfg.successesToUp = try int(n, "successes_to_up", min: 1) }
        guard let groups = root["groups"]?.sequence, !groups.isEmpty else { throw RouterConfigError("groups: at least one group is required") }
        var names = Set<String>()
        for (i, g) in groups.enumerated() {
            let group = try parseGroup(g, "groups[\(i)]")
            for m in group.members where !names.insert(m.name).inserted {
                throw RouterConfigError("groups[\(i)]: member name \"\(m.name)\" is used twice")
            }
            cfg.groups.append(group)
        }
        return cfg
    }

    static func parseGroup(_ node: Node, _ at: String) throws -> GroupConfig {
        guard let g = node.mapping else { throw RouterConfigError("\(at): must be a mapping") }
        try checkKeys(g, ["name", "kind", "shard", "shards", "shard_by", "scrape_interval", "external_labels", "members"], at)
        guard let name = g["name"]?.string, !name.isEmpty else { throw RouterConfigError("\(at).name: required") }
        var group = GroupConfig(name: name, members: [])
        if let k = g["kind"]?.string {
            guard let kind = GroupConfig.Kind(rawValue: k) else { throw RouterConfigError("\(at).kind: unknown kind \"\(k)\"") }
            group.kind = kind
        }
        if let n = g["shard"] { group.shard = try int(n, "\(at).shard", min: 0) }
        if let n = g["shards"] { group.shards = try int(n, "\(at).shards", min: 1) }
        if let seq = g["shard_by"]?.sequence { group.shardBy = seq.compactMap(\.string) }
        if let n = g["scrape_interval"] { group.scrapeIntervalMs = try duration(n, "\(at).scrape_interval") }
        if let n = g["external_labels"] {
            guard let m = n.mapping else { throw RouterConfigError("\(at).external_labels: must be a mapping of label names to values") }
            var pairs: [(String, String)] = []
            for (k, v) in m {
                guard let name = k.string, isValidLabelName(name), let value = v.string else {
                    throw RouterConfigError("\(at).external_labels: \"\(k.string ?? "?")\" is not a valid label name")
                }
                pairs.append((name, value))
            }
            group.externalLabels = Labels(pairs)
        }
        guard let members = g["members"]?.sequence, !members.isEmpty else { throw RouterConfigError("\(at).members: at least one member is required") }
        for (j, m) in members.enumerated() {
            let mat = "\(at).members[\(j)]"
            guard let mm = m.mapping else { throw RouterConfigError("\(mat): must be a mapping") }
            try checkKeys(mm, ["name", "replica", "url"], mat)
            guard let url = mm["url"]?.string, url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw RouterConfigError("\(mat).url: required, http:// or https://")
            }
            let replica = mm["replica"]?.string ?? String(UnicodeScalar(UInt8(ascii: "a") + UInt8(j % 26)))
            group.members.append(MemberConfig(name: mm["name"]?.string ?? "\(name)-\(replica)", replica: replica, url: url))
        }
        return group
    }

    static func checkKeys(_ m: Node.Mapping, _ known: Set<String>, _ at: String) throws {
        for (k, _) in m {
            guard let key = k.string else { continue }
            if !known.contains(key) { throw RouterConfigError("\(at): field \(key) not found in type router config (line \(k.mark.map { String($0.line) } ?? "?"))") }
        }
    }

    static func int(_ n: Node, _ at: String, min: Int) throws -> Int {
        guard let s = n.string, let v = Int(s), v >= min else { throw RouterConfigError("\(at): must be an integer ≥ \(min)") }
        return v
    }

    static func duration(_ n: Node, _ at: String) throws -> Int64 {
        guard let s = n.string, let v = parseDuration(s) else { throw RouterConfigError("\(at): not a duration: \(n.string ?? "?")") }
        return v
    }

    /// Prometheus durations (`1h30m`, `15s`, `500ms`) in ms.
    public static func parseDuration(_ s: String) -> Int64? {
        let units: [(String, Int64)] = [("ms", 1), ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000),
                                        ("h", 3_600_000), ("m", 60_000), ("s", 1000)]
        var rest = Substring(s)
        var total: Int64 = 0
        if rest.isEmpty { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty, let n = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let (u, mul) = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(u.count)
            total += n * mul
        }
        return total
    }
}
