import MetricModel
import Relabeling

/// Which shard groups can hold series a query selects. A shard keeps the targets whose
/// `hashmod(join(shard_by, ";"), shards) == shard`; when every selector pins all shard_by labels
/// with equality matchers, only the owning shards are queried. `__address__` is not stored, so
/// an `instance` matcher stands in for it (instance defaults to the address).
public enum ShardPruning {
    public static func needed(_ group: GroupConfig, fetches: [[LabelMatcher]]) -> Bool {
        guard let shard = group.shard, let shards = group.shards, shards > 1, !group.shardBy.isEmpty else { return true }
        for matchers in fetches {
            guard let owner = owner(matchers, shardBy: group.shardBy, shards: shards) else { return true }
            if owner == shard { return true }
        }
        return fetches.isEmpty
    }

    /// The owning shard of a selector, or nil when its matchers do not pin every shard_by label.
    public static func owner(_ matchers: [LabelMatcher], shardBy: [String], shards: Int) -> Int? {
        var values: [String] = []
        for name in shardBy {
            let m = matchers.first { $0.name == name && $0.type == .equal }
                ?? (name == LabelName.address ? matchers.first { $0.name == LabelName.instance && $0.type == .equal } : nil)
            guard let m else { return nil }
            values.append(m.value)
        }
        return Int(MD5.hashmod(values.joined(separator: ";"), modulus: UInt64(shards)))
    }
}
