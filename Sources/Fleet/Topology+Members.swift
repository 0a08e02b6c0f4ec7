import Catalog

/// One member of a topology: what it is, where it listens and where it keeps its data.
public struct MemberPlan: Sendable, Equatable {
    /// `shard-0-a`, `federator-b`, `router`.
    public var name: String
    public var role: MemberRole
    /// `shard-0`, `federator`, `router`.
    public var group: String
    public var groupKind: GroupKind
    public var shardIndex: Int?
    /// `a`, `b`, … within its group.
    public var replica: String
    public var host: String
    public var port: Int
    /// `<data_dir>/<name>`.
    public var dataDir: String

    public var address: String { "\(host):\(port)" }
    public var url: String { "http://\(address)" }
}

extension Topology {
    /// Replica names: a, b, …, z.
    public static func replicaName(_ i: Int) -> String { String(UnicodeScalar(UInt8(97 + i))) }

    public static func shardGroupName(_ index: Int) -> String { "shard-\(index)" }

    /// Every member, in layout order: router, federators, then shard replicas by shard. Member i
    /// gets port `ports.base + i` unless `ports.members` (or `router.port`) names its port, so
    /// adding shards never moves the router's or the federators' ports.
    public func members() -> [MemberPlan] {
        var out: [MemberPlan] = []
        func add(_ name: String, _ role: MemberRole, _ group: String, _ kind: GroupKind, _ shard: Int?,
                 _ replica: String, explicit: Int? = nil) {
            let port = ports.members[name] ?? explicit ?? (ports.base + out.count)
            out.append(MemberPlan(name: name, role: role, group: group, groupKind: kind, shardIndex: shard,
                                  replica: replica, host: ports.host, port: port, dataDir: "\(dataDir)/\(name)"))
        }
        if let router { add("router", .router, "router", .router, nil, "a", explicit: router.port) }
        if let federation {
            for i in 0..<max(0, federation.replicas) {
                let r = Self.replicaName(i)
                add("federator-\(r)", .federator, "federator", .federator, nil, r)
            }
        }
        for shard in 0..<max(0, shards) {
            for i in 0..<max(0, min(replicas, 26)) {
                let r = Self.replicaName(i)
                add("\(Self.shardGroupName(shard))-\(r)", .replica, Self.shardGroupName(shard), .shard, shard, r)
            }
        }
        return out
    }

    /// The shard replicas of shard `index`.
    public func replicas(ofShard index: Int) -> [MemberPlan] {
        members().filter { $0.groupKind == .shard && $0.shardIndex == index }
    }
}
