import MetricModel

/// router.yml as written (format: docs/router.md), parsed strictly: unknown fields are errors
/// naming file, line and field. A plain model — the router turns it into its own configuration
/// and applies its defaults to the fields left out (nil here).
public struct RouterFile: Sendable, Equatable {
    public enum Mode: String, Sendable, Equatable { case failover, merge }

    public struct Member: Sendable, Equatable {
        /// nil when left out (the router names it `<group>-<replica>`).
        public var name: String?
        /// nil when left out (the router uses a, b, … by position).
        public var replica: String?
        /// `http://` or `https://` base URL.
        public var url: String
        public init(name: String? = nil, replica: String? = nil, url: String) {
            self.name = name
            self.replica = replica
            self.url = url
        }
    }

    public struct Group: Sendable, Equatable {
        public enum Kind: String, Sendable, Equatable { case shard, federator }
        public var name: String
        public var kind: Kind?
        public var shard: Int?
        public var shards: Int?
        public var shardBy: [String]
        public var scrapeInterval: PromDuration?
        /// The members' `global.external_labels` (without the replica label), in file order.
        public var externalLabels: [Label]
        public var members: [Member]
        public init(name: String, kind: Kind? = nil, shard: Int? = nil, shards: Int? = nil, shardBy: [String] = [],
                    scrapeInterval: PromDuration? = nil, externalLabels: [Label] = [], members: [Member]) {
            self.name = name
            self.kind = kind
            self.shard = shard
            self.shards = shards
            self.shardBy = shardBy
            self.scrapeInterval = scrapeInterval
            self.externalLabels = externalLabels
            self.members = members
        }
    }

    public var fleet: String?
    public var listenAddress: String?
    public var mode: Mode?
    public var replicaLabel: String?
    /// ≥ 1.
    public var gapFactor: Double?
    public var probeInterval: PromDuration?
    public var probeTimeout: PromDuration?
    public var queryTimeout: PromDuration?
    public var lookbackDelta: PromDuration?
    /// ≥ 1.
    public var failuresToDown: Int?
    public var successesToUp: Int?
    /// At least one; member names unique across the file.
    public var groups: [Group] = []

    public init() {}
}
