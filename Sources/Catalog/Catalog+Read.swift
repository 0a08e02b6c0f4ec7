import GRDB
import MetricModel

/// A shard ownership interval with its group's name, for reports.
public struct OwnershipInterval: Sendable, Equatable, Codable {
    public var group: String
    public var shardIndex: Int
    public var shardCount: Int
    public var validFrom: Timestamp
    public var validTo: Timestamp?

    public init(group: String, shardIndex: Int, shardCount: Int, validFrom: Timestamp, validTo: Timestamp?) {
        self.group = group
        self.shardIndex = shardIndex
        self.shardCount = shardCount
        self.validFrom = validFrom
        self.validTo = validTo
    }
}

/// An event with its member's name.
public struct EventView: Sendable, Equatable, Codable {
    public var ts: Timestamp
    public var kind: EventKind
    public var member: String?
    public var detail: String
}

extension Catalog {
    /// Names of the fleets in this catalog, sorted.
    public func fleetNames() throws -> [String] {
        try db.read { try String.fetchAll($0, sql: "SELECT name FROM fleets ORDER BY name") }
    }

    /// The current picture of `fleet`.
    public func snapshot(fleet: String) throws -> CatalogSnapshot {
        try db.read { db in
            let fleetId = try Self.fleetId(fleet, db)
            let fleetRow = try FleetRecord.fetchOne(db, key: fleetId)!
            let groups = try GroupRecord.fetchAll(db, sql: """
                SELECT * FROM groups WHERE fleet_id = ?
                ORDER BY CASE kind WHEN 'shard' THEN 0 WHEN 'federator' THEN 1 ELSE 2 END, shard_index, name
                """, arguments: [fleetId])
            let order = Dictionary(uniqueKeysWithValues: groups.enumerated().map { ($1.id!, $0) })
            let members = try MemberRecord.filter(Column("fleet_id") == fleetId).fetchAll(db)
                .sorted { (order[$0.groupId]!, $0.replica) < (order[$1.groupId]!, $1.replica) }
            let limits = try LimitsRecord.fetchAll(db, sql: """
                SELECT limits.* FROM limits JOIN groups ON groups.id = limits.group_id WHERE groups.fleet_id = ?
                """, arguments: [fleetId])
            let latest = try UsageRecord.fetchAll(db, sql: """
                SELECT u.* FROM usage u JOIN members m ON m.id = u.member_id
                WHERE m.fleet_id = ? AND u.ts = (SELECT max(ts) FROM usage WHERE member_id = u.member_id)
                """, arguments: [fleetId])
            let ownership = try ShardOwnershipRecord
                .filter(Column("fleet_id") == fleetId && Column("valid_to") == nil)
                .order(Column("shard_index")).fetchAll(db)
            return CatalogSnapshot(
                fleet: fleetRow, groups: groups, members: members,
                limits: Dictionary(uniqueKeysWithValues: limits.map { ($0.groupId, $0.limits) }),
                latestUsage: Dictionary(uniqueKeysWithValues: latest.map { ($0.memberId, $0) }),
                ownership: ownership)
        }
    }

    /// Usage observations of `fleet`'s members with `from <= ts <= to`, ordered by member and time.
    public func usageHistory(fleet: String, from: Timestamp = .min, to: Timestamp = .max) throws -> [UsageRecord] {
        try db.read { db in
            let fleetId = try Self.fleetId(fleet, db)
            return try UsageRecord.fetchAll(db, sql: """
                SELECT u.* FROM usage u JOIN members m ON m.id = u.member_id
                WHERE m.fleet_id = ? AND u.ts BETWEEN ? AND ? ORDER BY u.member_id, u.ts
                """, arguments: [fleetId, from, to])
        }
    }

    /// Events of `fleet` with `ts >= since`, newest last; at most `limit` (the newest ones).
    public func events(fleet: String, since: Timestamp = .min, limit: Int = 1000) throws -> [EventView] {
        try db.read { db in
            let fleetId = try Self.fleetId(fleet, db)
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM (
                  SELECT e.id, e.ts, e.kind, m.name AS member, e.detail FROM events e
                  LEFT JOIN members m ON m.id = e.member_id
                  WHERE e.fleet_id = ? AND e.ts >= ? ORDER BY e.ts DESC, e.id DESC LIMIT ?
                ) ORDER BY ts, id
                """, arguments: [fleetId, since, limit])
            return rows.map { EventView(ts: $0["ts"], kind: $0["kind"], member: $0["member"], detail: $0["detail"]) }
        }
    }

    /// The whole shard ownership history of `fleet`, ordered by shard index then time.
    public func ownershipHistory(fleet: String) throws -> [OwnershipInterval] {
        try db.read { db in
            let fleetId = try Self.fleetId(fleet, db)
            let rows = try Row.fetchAll(db, sql: """
                SELECT g.name, o.shard_index, o.shard_count, o.valid_from, o.valid_to FROM shard_ownership o
                JOIN groups g ON g.id = o.group_id WHERE o.fleet_id = ? ORDER BY o.shard_index, o.valid_from
                """, arguments: [fleetId])
            return rows.map {
                OwnershipInterval(group: $0["name"], shardIndex: $0["shard_index"], shardCount: $0["shard_count"],
                                  validFrom: $0["valid_from"], validTo: $0["valid_to"])
            }
        }
    }
}
