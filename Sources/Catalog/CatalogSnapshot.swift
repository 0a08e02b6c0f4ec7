import MetricModel

/// An immutable picture of one fleet as the catalog recorded it. Safe to keep and pass between
/// tasks; it does not change when the catalog does.
public struct CatalogSnapshot: Sendable, Equatable {
    public let fleet: FleetRecord
    /// Every group, active and retired, ordered by kind (shard, federator, router) then index/name.
    public let groups: [GroupRecord]
    /// Every member, active and retired, ordered by group then replica.
    public let members: [MemberRecord]
    /// Limits by group id (groups without limits are absent).
    public let limits: [Int64: Limits]
    /// The latest usage observation by member id (members never observed are absent).
    public let latestUsage: [Int64: UsageRecord]
    /// Open shard ownership rows (who owns each shard now).
    public let ownership: [ShardOwnershipRecord]

    public init(fleet: FleetRecord, groups: [GroupRecord], members: [MemberRecord], limits: [Int64: Limits],
                latestUsage: [Int64: UsageRecord], ownership: [ShardOwnershipRecord]) {
        self.fleet = fleet
        self.groups = groups
        self.members = members
        self.limits = limits
        self.latestUsage = latestUsage
        self.ownership = ownership
    }

    public var activeGroups: [GroupRecord] { groups.filter(\.isActive) }
    public var activeMembers: [MemberRecord] { members.filter(\.isActive) }

    public func members(of group: GroupRecord) -> [MemberRecord] { members.filter { $0.groupId == group.id } }
    public func group(named name: String) -> GroupRecord? { groups.first { $0.name == name } }
    public func group(of member: MemberRecord) -> GroupRecord? { groups.first { $0.id == member.groupId } }
}
