import Config
import MetricModel

/// A router configuration that cannot be used.
public struct RouterConfigError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension RouterConfig {
    /// Reads router.yml (format: docs/router.md; parsed strictly by Config's `RouterFile`:
    /// errors name file, line and field).
    public static func load(file: String) throws(ConfigError) -> RouterConfig {
        RouterConfig(try RouterFile.load(file: file))
    }

    public static func parse(yaml: String, filename: String = "<string>") throws(ConfigError) -> RouterConfig {
        RouterConfig(try RouterFile.parse(yaml: yaml, filename: filename))
    }

    /// The router's configuration from router.yml's model: the fields the file leaves out keep
    /// the defaults of `RouterConfig` / `GroupConfig`.
    public init(_ f: RouterFile) {
        self.init(groups: [])
        if let v = f.fleet { fleet = v }
        if let v = f.listenAddress { listenAddress = v }
        if let v = f.mode { mode = v == .merge ? .merge : .failover }
        if let v = f.replicaLabel { replicaLabel = v }
        if let v = f.gapFactor { gapFactor = v }
        if let v = f.probeInterval { probeIntervalMs = v.milliseconds }
        if let v = f.probeTimeout { probeTimeoutMs = v.milliseconds }
        if let v = f.queryTimeout { queryTimeoutMs = v.milliseconds }
        if let v = f.lookbackDelta { lookbackDeltaMs = v.milliseconds }
        if let v = f.failuresToDown { failuresToDown = v }
        if let v = f.successesToUp { successesToUp = v }
        groups = f.groups.map { g in
            var group = GroupConfig(name: g.name, kind: g.kind == .federator ? .federator : .shard, shard: g.shard, shards: g.shards,
                                    shardBy: g.shardBy, externalLabels: Labels(g.externalLabels), members: [])
            if let v = g.scrapeInterval { group.scrapeIntervalMs = v.milliseconds }
            group.members = g.members.enumerated().map { j, m in
                let replica = m.replica ?? RouterFile.defaultReplica(j)
                return MemberConfig(name: m.name ?? "\(g.name)-\(replica)", replica: replica, url: m.url)
            }
            return group
        }
    }

    /// Prometheus durations (`1h30m`, `15s`, `500ms`) in ms; nil when not one.
    public static func parseDuration(_ s: String) -> Int64? {
        (try? PromDuration(parsing: s))?.milliseconds
    }
}
