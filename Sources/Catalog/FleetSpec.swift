import MetricModel

/// What `Catalog.applyTopology` records: a fleet's groups and members as a topology describes
/// them. Built by the Fleet module from a topology; the catalog does not know YAML.
public struct FleetSpec: Sendable, Equatable {
    public var fleet: String
    public var dataDir: String
    /// Source text of the topology (kept for operators).
    public var source: String
    public var shardCount: Int
    public var groups: [Group]

    public init(fleet: String, dataDir: String, source: String, shardCount: Int, groups: [Group]) {
        self.fleet = fleet
        self.dataDir = dataDir
        self.source = source
        self.shardCount = shardCount
        self.groups = groups
    }

    public struct Group: Sendable, Equatable {
        public var name: String
        public var kind: GroupKind
        public var shardIndex: Int?
        public var shardBy: [String]
        public var scrapeIntervalMs: Int64
        public var limits: Limits
        public var members: [Member]

        public init(name: String, kind: GroupKind, shardIndex: Int? = nil, shardBy: [String] = [],
                    scrapeIntervalMs: Int64, limits: Limits = Limits(), members: [Member]) {
            self.name = name
            self.kind = kind
            self.shardIndex = shardIndex
            self.shardBy = shardBy
            self.scrapeIntervalMs = scrapeIntervalMs
            self.limits = limits
            self.members = members
        }
    }

    public struct Member: Sendable, Equatable {
        public var name: String
        public var role: MemberRole
        public var replica: String
        public var address: String
        public var dataDir: String

        public init(name: String, role: MemberRole, replica: String, address: String, dataDir: String) {
            self.name = name
            self.role = role
            self.replica = replica
            self.address = address
            self.dataDir = dataDir
        }
    }
}

/// What `applyTopology` changed, so a controller knows what to start, stop and reload.
public struct ApplyResult: Sendable, Equatable {
    public var fleetId: Int64
    /// Members that did not exist (or were retired) before.
    public var added: [String]
    /// Members no longer in the topology (now `stopped`, retired).
    public var retired: [String]
    /// Members whose address, data dir or group changed.
    public var changed: [String]
    /// Previous and new shard count when the sharding changed.
    public var reshard: (from: Int, to: Int)?

    public static func == (a: ApplyResult, b: ApplyResult) -> Bool {
        a.fleetId == b.fleetId && a.added == b.added && a.retired == b.retired && a.changed == b.changed
            && a.reshard?.from == b.reshard?.from && a.reshard?.to == b.reshard?.to
    }
}
