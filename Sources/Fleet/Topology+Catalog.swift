import Catalog

extension Topology {
    /// What the catalog records for this topology (groups, members, limits).
    public func catalogSpec() -> FleetSpec {
        let members = members()
        var groups: [FleetSpec.Group] = []
        func specMembers(_ ms: [MemberPlan]) -> [FleetSpec.Member] {
            ms.map { FleetSpec.Member(name: $0.name, role: $0.role, replica: $0.replica, address: $0.address,
                                      dataDir: $0.dataDir) }
        }
        for shard in 0..<shards {
            groups.append(FleetSpec.Group(
                name: Self.shardGroupName(shard), kind: .shard, shardIndex: shard, shardBy: shardBy,
                scrapeIntervalMs: scrapeInterval.milliseconds, limits: limits,
                members: specMembers(members.filter { $0.role == .replica && $0.shardIndex == shard })))
        }
        if let federation {
            groups.append(FleetSpec.Group(name: "federator", kind: .federator,
                                          scrapeIntervalMs: federation.scrapeInterval.milliseconds,
                                          limits: federation.limits,
                                          members: specMembers(members.filter { $0.role == .federator })))
        }
        if router != nil {
            groups.append(FleetSpec.Group(name: "router", kind: .router, scrapeIntervalMs: scrapeInterval.milliseconds,
                                          members: specMembers(members.filter { $0.role == .router })))
        }
        return FleetSpec(fleet: fleet, dataDir: dataDir, source: source, shardCount: shards, groups: groups)
    }
}
