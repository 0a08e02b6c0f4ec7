import Catalog
import MetricModel

extension RouterConfig {
    /// The router's view of a fleet from a catalog snapshot: its active shard and federator groups
    /// with their active members (`address` host:port → `http://address`). Mode, replica label
    /// and timings come from `base` (flags), groups from the catalog.
    ///
    /// The catalog does not store external labels; each group's are derived the way the fleet
    /// renderer writes them into its members' `global.external_labels` (Fleet's
    /// `Renderer.shardPrometheusYAML` / `federatorPrometheusYAML`): `fleet` and `shard` (the shard
    /// index) for a shard group, `fleet` for the federators. The `replica` label is left out.
    public static func from(snapshot: CatalogSnapshot, base: RouterConfig) -> RouterConfig {
        var cfg = base
        cfg.fleet = snapshot.fleet.name
        cfg.groups = snapshot.activeGroups.filter { $0.kind != .router }.sorted { a, b in
            (a.kind == .shard ? 0 : 1, a.shardIndex ?? 0, a.name) < (b.kind == .shard ? 0 : 1, b.shardIndex ?? 0, b.name)
        }.compactMap { g in
            let members = snapshot.members(of: g).filter(\.isActive).sorted { $0.name < $1.name }.map {
                MemberConfig(name: $0.name, replica: $0.replica,
                             url: $0.address.hasPrefix("http") ? $0.address : "http://" + $0.address)
            }
            if members.isEmpty { return nil }
            return GroupConfig(name: g.name, kind: g.kind == .federator ? .federator : .shard, shard: g.shardIndex,
                               shards: g.shardIndex == nil ? nil : snapshot.fleet.shardCount, shardBy: g.shardBy,
                               scrapeIntervalMs: g.scrapeIntervalMs,
                               externalLabels: externalLabels(fleet: snapshot.fleet.name, shardIndex: g.kind == .shard ? g.shardIndex : nil),
                               members: members)
        }
        return cfg
    }

    /// A rendered member's external labels without the replica label (names as Fleet's Renderer).
    static func externalLabels(fleet: String, shardIndex: Int?) -> Labels {
        var pairs = [("fleet", fleet)]
        if let shardIndex { pairs.append(("shard", String(shardIndex))) }
        return Labels(pairs)
    }
}
