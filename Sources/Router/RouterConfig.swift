import MetricModel

/// How the router answers queries (docs/router.md).
public enum RouterMode: String, Sendable, Equatable {
    /// Each query goes to one healthy member of the queried group, with retries on failure.
    case failover
    /// The router fetches raw samples from every member and evaluates the PromQL itself.
    case merge
}

/// One peer the router sends queries to.
public struct MemberConfig: Sendable, Equatable, Hashable {
    /// Unique within the router (e.g. `shard-0-a`).
    public var name: String
    /// Its replica label value (e.g. `a`).
    public var replica: String
    /// Base URL without trailing slash (`http://127.0.0.1:9090`).
    public var url: String
    public init(name: String, replica: String, url: String) {
        self.name = name
        self.replica = replica
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
    }
}

/// A group of replicas holding the same data (a shard's replica pair, or the federators).
public struct GroupConfig: Sendable, Equatable {
    public enum Kind: String, Sendable { case shard, federator }
    public var name: String
    public var kind: Kind
    /// This shard's index and the total shard count (nil when the group is not a hashmod slice).
    public var shard: Int?
    public var shards: Int?
    /// Labels whose hashmod decides the shard (Prometheus hashmod of `;`-joined values).
    public var shardBy: [String]
    /// The members' scrape interval, ms: the merge's gap threshold is derived from it.
    public var scrapeIntervalMs: Int64
    /// The members' `global.external_labels` (e.g. `fleet`, `shard`): merge mode adds them to every
    /// series fetched from this group that lacks the label name. The replica label is never added.
    public var externalLabels: Labels
    public var members: [MemberConfig]

    public init(name: String, kind: Kind = .shard, shard: Int? = nil, shards: Int? = nil, shardBy: [String] = [],
                scrapeIntervalMs: Int64 = 15_000, externalLabels: Labels = .empty, members: [MemberConfig]) {
        self.name = name
        self.kind = kind
        self.shard = shard
        self.shards = shards
        self.shardBy = shardBy
        self.scrapeIntervalMs = scrapeIntervalMs
        self.externalLabels = externalLabels
        self.members = members
    }
}

/// The router's whole configuration (router.yml, or derived from a catalog snapshot).
public struct RouterConfig: Sendable, Equatable {
    public var fleet: String
    public var listenAddress: String
    public var mode: RouterMode
    public var replicaLabel: String
    public var groups: [GroupConfig]
    /// A member has a gap when no sample came for more than gapFactor × scrape interval.
    public var gapFactor: Double = 1.5
    public var probeIntervalMs: Int64 = 2_000
    public var probeTimeoutMs: Int64 = 1_000
    /// Per-attempt timeout of a proxied query (time to the response head).
    public var queryTimeoutMs: Int64 = 30_000
    /// Consecutive failures before a member is down; consecutive probe successes before it is up.
    public var failuresToDown: Int = 2
    public var successesToUp: Int = 2
    /// PromQL lookback delta used by merge mode (Prometheus's default 5m).
    public var lookbackDeltaMs: Int64 = 300_000

    public init(fleet: String = "default", listenAddress: String = "127.0.0.1:9090", mode: RouterMode = .failover,
                replicaLabel: String = "replica", groups: [GroupConfig]) {
        self.fleet = fleet
        self.listenAddress = listenAddress
        self.mode = mode
        self.replicaLabel = replicaLabel
        self.groups = groups
    }

    /// Groups holding the fleet's scraped data, one per shard (federators excluded).
    public var shardGroups: [GroupConfig] { groups.filter { $0.kind == .shard } }

    /// The groups a query is answered from: every shard group; when there are several shards and
    /// failover mode must proxy to one group, the federator group holds everything.
    public var queryGroups: [GroupConfig] {
        let shards = shardGroups
        if mode == .failover && shards.count > 1, let fed = groups.first(where: { $0.kind == .federator }) { return [fed] }
        return shards.isEmpty ? groups : shards
    }

    public var allMembers: [(GroupConfig, MemberConfig)] {
        groups.flatMap { g in g.members.map { (g, $0) } }
    }
}
