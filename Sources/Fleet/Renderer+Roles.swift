import Catalog
import Config

extension Renderer {
    static func memberList(_ members: [MemberPlan]) -> YAMLTree {
        Y.seq(members.map { Y.map([("name", Y.str($0.name)), ("replica", Y.str($0.replica)), ("url", Y.str($0.url))]) })
    }

    /// promfleet's federator config: the shards as replica groups, pulled one healthy replica at
    /// a time (format in docs/topologies.md).
    static func federatorYAML(_ topology: Topology, _ m: MemberPlan, _ members: [MemberPlan]) throws -> String {
        let federation = topology.federation!
        let sources = (0..<topology.shards).map { shard in
            Y.map([
                ("shard", Y.int(shard)),
                ("job_name", Y.str("federate-shard-\(shard)")),
                ("replicas", memberList(members.filter { $0.role == .replica && $0.shardIndex == shard })),
            ])
        }
        let root = Y.map([
            ("fleet", Y.str(topology.fleet)),
            ("replica", Y.str(m.replica)),
            ("listen_address", Y.str(m.address)),
            ("scrape_interval", Y.duration(federation.scrapeInterval)),
            ("replica_label", Y.str(replicaLabel)),
            ("match", Y.strs(federation.match)),
            ("sources", Y.seq(sources)),
        ])
        return header(topology, m, "federator replica \(m.replica)") + (try Y.emit(root))
    }

    /// The router's config: every group of the fleet with its members' URLs (format: docs/router.md).
    static func routerYAML(_ topology: Topology, _ m: MemberPlan, _ members: [MemberPlan]) throws -> String {
        var groups: [YAMLTree] = (0..<topology.shards).map { shard in
            Y.map([
                ("name", Y.str(Topology.shardGroupName(shard))),
                ("kind", Y.str(GroupKind.shard.rawValue)),
                ("shard", Y.int(shard)),
                ("shards", Y.int(topology.shards)),
                ("shard_by", Y.flow(topology.shardBy)),
                ("scrape_interval", Y.duration(topology.scrapeInterval)),
                // What the shard's replicas write into global.external_labels (minus replica):
                // merge mode adds them to the group's series, so `count by (shard)` works.
                ("external_labels", Y.map([(fleetLabel, Y.str(topology.fleet)), (shardLabel, Y.str(String(shard)))])),
                ("members", memberList(members.filter { $0.role == .replica && $0.shardIndex == shard })),
            ])
        }
        if let federation = topology.federation {
            groups.append(Y.map([
                ("name", Y.str("federator")),
                ("kind", Y.str(GroupKind.federator.rawValue)),
                ("scrape_interval", Y.duration(federation.scrapeInterval)),
                ("external_labels", Y.map([(fleetLabel, Y.str(topology.fleet))])),
                ("members", memberList(members.filter { $0.role == .federator })),
            ]))
        }
        let root = Y.map([
            ("fleet", Y.str(topology.fleet)),
            ("listen_address", Y.str(m.address)),
            ("mode", Y.str(topology.router!.mode.rawValue)),
            ("replica_label", Y.str(replicaLabel)),
            ("groups", Y.seq(groups)),
        ])
        return header(topology, m, "router") + (try Y.emit(root))
    }
}
