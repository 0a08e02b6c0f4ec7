import GRDB
import MetricModel

extension Catalog {
    /// Records `spec` as the fleet's current topology, in one transaction:
    /// upserts the fleet, its groups (with limits) and members; retires groups and members the
    /// spec no longer has (their history stays); and where a shard's slice changed (shard count
    /// or owning group), closes the open `shard_ownership` row at `at` and opens the new one
    /// from `at` — `at` is the handover time. Records `topology_applied` and, on a change of
    /// ownership, `reshard` events.
    @discardableResult
    public func applyTopology(_ spec: FleetSpec, at: Timestamp) throws -> ApplyResult {
        try validate(spec)
        return try db.write { db in try Self.apply(spec, at: at, db) }
    }

    private func validate(_ spec: FleetSpec) throws {
        guard spec.shardCount >= 1 else { throw CatalogError.invalidSpec("shard count \(spec.shardCount) < 1") }
        let shards = spec.groups.filter { $0.kind == .shard }.compactMap(\.shardIndex).sorted()
        guard shards == Array(0..<spec.shardCount) else {
            throw CatalogError.invalidSpec("shard groups \(shards) do not cover 0..<\(spec.shardCount)")
        }
    }

    static func apply(_ spec: FleetSpec, at: Timestamp, _ db: Database) throws -> ApplyResult {
        // Fleet.
        var fleet: FleetRecord
        var previousShards: Int?
        if var existing = try FleetRecord.filter(Column("name") == spec.fleet).fetchOne(db) {
            guard at >= existing.updatedAt else {
                throw CatalogError.timeNotAfter(what: "topology", at: at, recorded: existing.updatedAt)
            }
            previousShards = existing.shardCount
            existing.dataDir = spec.dataDir
            existing.topology = spec.source
            existing.shardCount = spec.shardCount
            existing.updatedAt = at
            try existing.update(db)
            fleet = existing
        } else {
            fleet = FleetRecord(id: nil, name: spec.fleet, dataDir: spec.dataDir, topology: spec.source,
                                shardCount: spec.shardCount, createdAt: at, updatedAt: at)
            try fleet.insert(db)
        }
        let fleetId = fleet.id!
        var result = ApplyResult(fleetId: fleetId, added: [], retired: [], changed: [], reshard: nil)

        // Groups and their limits.
        let oldGroups = try GroupRecord.filter(Column("fleet_id") == fleetId).fetchAll(db)
        var groupIds: [String: Int64] = [:]
        for g in spec.groups {
            var row: GroupRecord
            if var old = oldGroups.first(where: { $0.name == g.name }) {
                old.kind = g.kind
                old.shardIndex = g.shardIndex
                if g.kind == .shard, old.shardCountAtCreation == nil { old.shardCountAtCreation = spec.shardCount }
                old.shardBy = g.shardBy
                old.scrapeIntervalMs = g.scrapeIntervalMs
                old.retiredAt = nil
                try old.update(db)
                row = old
            } else {
                row = GroupRecord(id: nil, fleetId: fleetId, name: g.name, kind: g.kind, shardIndex: g.shardIndex,
                                  shardCountAtCreation: g.kind == .shard ? spec.shardCount : nil,
                                  shardBy: g.shardBy, scrapeIntervalMs: g.scrapeIntervalMs,
                                  createdAt: at, retiredAt: nil)
                try row.insert(db)
            }
            groupIds[g.name] = row.id!
            try LimitsRecord.deleteOne(db, key: row.id!)
            if !g.limits.isEmpty { try LimitsRecord(groupId: row.id!, g.limits).insert(db) }
        }
        for var old in oldGroups where old.isActive && groupIds[old.name] == nil {
            old.retiredAt = at
            try old.update(db)
        }

        // Members.
        let oldMembers = try MemberRecord.filter(Column("fleet_id") == fleetId).fetchAll(db)
        var seen = Set<String>()
        for g in spec.groups {
            for m in g.members {
                seen.insert(m.name)
                let groupId = groupIds[g.name]!
                if var old = oldMembers.first(where: { $0.name == m.name }) {
                    if !old.isActive {
                        result.added.append(m.name)
                        old.state = .planned
                        old.stateSince = at
                    } else if old.address != m.address || old.dataDir != m.dataDir || old.groupId != groupId {
                        result.changed.append(m.name)
                    }
                    old.groupId = groupId
                    old.role = m.role
                    old.replica = m.replica
                    old.address = m.address
                    old.dataDir = m.dataDir
                    old.retiredAt = nil
                    try old.update(db)
                } else {
                    var row = MemberRecord(id: nil, fleetId: fleetId, groupId: groupId, name: m.name, role: m.role,
                                           replica: m.replica, address: m.address, dataDir: m.dataDir,
                                           state: .planned, stateSince: at, retiredAt: nil)
                    try row.insert(db)
                    result.added.append(m.name)
                }
            }
        }
        for var old in oldMembers where old.isActive && !seen.contains(old.name) {
            old.retiredAt = at
            old.state = .stopped
            old.stateSince = at
            try old.update(db)
            result.retired.append(old.name)
        }

        // Shard ownership: close what changed, then open the new slices.
        let open = try ShardOwnershipRecord
            .filter(Column("fleet_id") == fleetId && Column("valid_to") == nil).fetchAll(db)
        var handedOver = false
        for var row in open {
            let owner = spec.groups.first { $0.kind == .shard && $0.shardIndex == row.shardIndex }
            if let owner, groupIds[owner.name] == row.groupId, row.shardCount == spec.shardCount { continue }
            guard at > row.validFrom else {
                throw CatalogError.timeNotAfter(what: "shard handover", at: at, recorded: row.validFrom)
            }
            row.validTo = at
            try row.update(db)
            handedOver = true
        }
        let stillOpen = try ShardOwnershipRecord
            .filter(Column("fleet_id") == fleetId && Column("valid_to") == nil).fetchAll(db)
        for g in spec.groups where g.kind == .shard {
            guard let index = g.shardIndex, !stillOpen.contains(where: { $0.shardIndex == index }) else { continue }
            var row = ShardOwnershipRecord(id: nil, fleetId: fleetId, groupId: groupIds[g.name]!, shardIndex: index,
                                           shardCount: spec.shardCount, validFrom: at, validTo: nil)
            try row.insert(db)
        }

        // Events.
        if handedOver, let previousShards {
            result.reshard = (previousShards, spec.shardCount)
            var e = EventRecord(id: nil, fleetId: fleetId, ts: at, kind: .reshard, memberId: nil,
                                detail: "shards \(previousShards) -> \(spec.shardCount)")
            try e.insert(db)
        }
        var e = EventRecord(id: nil, fleetId: fleetId, ts: at, kind: .topologyApplied, memberId: nil,
                            detail: "added \(result.added.count), retired \(result.retired.count), "
                                + "changed \(result.changed.count)")
        try e.insert(db)
        return result
    }
}
