import GRDB
import MetricModel

/// What a group does in the fleet (`groups.kind`).
public enum GroupKind: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case shard, federator, router
}

/// What a member runs (`members.role`).
public enum MemberRole: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case replica, federator, router
}

/// A member's recorded lifecycle state (`members.state`).
public enum MemberState: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case planned, starting, up, down, stopped
}

/// What happened (`events.kind`).
public enum EventKind: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case memberUp = "member_up"
    case memberDown = "member_down"
    case memberRestarted = "member_restarted"
    case reload
    case reshard
    case topologyApplied = "topology_applied"
}

/// One record struct per table; column names are the snake_case of the property names. Records
/// with an auto-incremented `id` are `MutablePersistableRecord` (GRDB's recommendation), so
/// `insert` sets `id`.
public protocol CatalogRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {}

extension CatalogRecord {
    public static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    public static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
}

/// One row of `fleets`: a named fleet and the topology last applied to it.
public struct FleetRecord: CatalogRecord {
    public static let databaseTableName = "fleets"
    public var id: Int64?
    public var name: String
    public var dataDir: String
    /// Source text of the last applied topology.
    public var topology: String
    public var shardCount: Int
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
}

/// One row of `groups`: a shard's replica set, the federator set or the router.
public struct GroupRecord: CatalogRecord {
    public static let databaseTableName = "groups"
    public var id: Int64?
    public var fleetId: Int64
    public var name: String
    public var kind: GroupKind
    public var shardIndex: Int?
    public var shardCountAtCreation: Int?
    /// Stored as JSON text (`["__address__"]`).
    public var shardBy: [String]
    public var scrapeIntervalMs: Int64
    public var createdAt: Timestamp
    /// Set when a topology no longer has this group; history (ownership, usage) is kept.
    public var retiredAt: Timestamp?

    public var isActive: Bool { retiredAt == nil }
}

/// One row of `members`: one process of the fleet.
public struct MemberRecord: CatalogRecord {
    public static let databaseTableName = "members"
    public var id: Int64?
    public var fleetId: Int64
    public var groupId: Int64
    public var name: String
    public var role: MemberRole
    public var replica: String
    /// `host:port`.
    public var address: String
    public var dataDir: String
    public var state: MemberState
    public var stateSince: Timestamp
    public var retiredAt: Timestamp?

    public var isActive: Bool { retiredAt == nil }
}

/// One row of `shard_ownership`: group `groupId` scraped the slice `hashmod(shard_by) %
/// shardCount == shardIndex` from `validFrom` until `validTo` (nil = still does).
public struct ShardOwnershipRecord: CatalogRecord {
    public static let databaseTableName = "shard_ownership"
    public var id: Int64?
    public var fleetId: Int64
    public var groupId: Int64
    public var shardIndex: Int
    public var shardCount: Int
    public var validFrom: Timestamp
    public var validTo: Timestamp?
}

/// Capacity limits of one group; nil means no limit on that dimension.
public struct Limits: Codable, Sendable, Equatable, Hashable {
    public var headSeries: Int64?
    public var samplesPerSecond: Double?
    public var targets: Int64?
    /// Scrape duration divided by scrape interval.
    public var scrapeDurationRatio: Double?
    public var diskBytes: Int64?

    public init(headSeries: Int64? = nil, samplesPerSecond: Double? = nil, targets: Int64? = nil,
                scrapeDurationRatio: Double? = nil, diskBytes: Int64? = nil) {
        self.headSeries = headSeries
        self.samplesPerSecond = samplesPerSecond
        self.targets = targets
        self.scrapeDurationRatio = scrapeDurationRatio
        self.diskBytes = diskBytes
    }

    public var isEmpty: Bool { self == Limits() }
}

/// One row of `limits`.
public struct LimitsRecord: CatalogRecord, PersistableRecord {
    public static let databaseTableName = "limits"
    public var groupId: Int64
    public var headSeries: Int64?
    public var samplesPerSecond: Double?
    public var targets: Int64?
    public var scrapeDurationRatio: Double?
    public var diskBytes: Int64?

    public init(groupId: Int64, _ limits: Limits) {
        self.groupId = groupId
        headSeries = limits.headSeries
        samplesPerSecond = limits.samplesPerSecond
        targets = limits.targets
        scrapeDurationRatio = limits.scrapeDurationRatio
        diskBytes = limits.diskBytes
    }

    public var limits: Limits {
        Limits(headSeries: headSeries, samplesPerSecond: samplesPerSecond, targets: targets,
               scrapeDurationRatio: scrapeDurationRatio, diskBytes: diskBytes)
    }
}

/// One row of `usage`: what one member reported about itself at `ts`.
public struct UsageRecord: CatalogRecord {
    public static let databaseTableName = "usage"
    public var id: Int64?
    public var memberId: Int64
    public var ts: Timestamp
    public var headSeries: Int64?
    public var samplesPerSecond: Double?
    public var targets: Int64?
    public var scrapeDurationRatio: Double?
    public var diskBytes: Int64?
}

/// One row of `events`.
public struct EventRecord: CatalogRecord {
    public static let databaseTableName = "events"
    public var id: Int64?
    public var fleetId: Int64
    public var ts: Timestamp
    public var kind: EventKind
    public var memberId: Int64?
    public var detail: String
}

extension FleetRecord {
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
extension GroupRecord {
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
extension MemberRecord {
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
extension ShardOwnershipRecord {
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
extension UsageRecord {
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
extension EventRecord {
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
