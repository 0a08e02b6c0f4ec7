import Foundation
import MetricModel

/// A capacity dimension: a limit and the usage measured against it.
public enum LimitKind: String, CaseIterable, Codable, Sendable {
    case headSeries = "head_series"
    case samplesPerSecond = "samples_per_second"
    case targets
    case scrapeDurationRatio = "scrape_duration_ratio"
    case diskBytes = "disk_bytes"

    /// Whether the load of this dimension divides among shards (series, samples, targets, disk)
    /// — scrape duration per interval does not, so it takes no part in the shard-count plan.
    public var spreadsOverShards: Bool { self != .scrapeDurationRatio }

    public func limit(in limits: Limits) -> Double? {
        switch self {
        case .headSeries: limits.headSeries.map(Double.init)
        case .samplesPerSecond: limits.samplesPerSecond
        case .targets: limits.targets.map(Double.init)
        case .scrapeDurationRatio: limits.scrapeDurationRatio
        case .diskBytes: limits.diskBytes.map(Double.init)
        }
    }

    public func value(in usage: UsageRecord) -> Double? {
        switch self {
        case .headSeries: usage.headSeries.map(Double.init)
        case .samplesPerSecond: usage.samplesPerSecond
        case .targets: usage.targets.map(Double.init)
        case .scrapeDurationRatio: usage.scrapeDurationRatio
        case .diskBytes: usage.diskBytes.map(Double.init)
        }
    }
}

/// An ordinary least-squares line `y = intercept + slope·x`.
public struct LinearFit: Sendable, Equatable {
    public var slope: Double
    public var intercept: Double

    public init(slope: Double, intercept: Double) {
        self.slope = slope
        self.intercept = intercept
    }

    /// Fits `points`; nil with fewer than two distinct x values.
    public static func leastSquares(_ points: [(x: Double, y: Double)]) -> LinearFit? {
        guard points.count >= 2 else { return nil }
        let n = Double(points.count)
        // Centre x on its mean for numerical stability (x are epoch days, ~2e4).
        let meanX = points.reduce(0) { $0 + $1.x } / n
        let meanY = points.reduce(0) { $0 + $1.y } / n
        var sxx = 0.0, sxy = 0.0
        for p in points {
            let dx = p.x - meanX
            sxx += dx * dx
            sxy += dx * (p.y - meanY)
        }
        guard sxx > 0 else { return nil }
        let slope = sxy / sxx
        return LinearFit(slope: slope, intercept: meanY - slope * meanX)
    }
}

/// Options of a capacity report.
public struct CapacityOptions: Sendable, Equatable {
    /// Keep every shard under this fraction of each limit.
    public var targetUtilisation: Double = 0.8
    /// Plan the shard count for this many days ahead.
    public var horizonDays: Double = 90

    public init(targetUtilisation: Double = 0.8, horizonDays: Double = 90) {
        self.targetUtilisation = targetUtilisation
        self.horizonDays = horizonDays
    }
}

/// One limit of one group: where it stands and where it is going.
public struct LimitCapacity: Sendable, Equatable {
    public var kind: LimitKind
    public var limit: Double?
    /// Latest observed value: the max over the group's replicas (they scrape the same slice).
    public var current: Double?
    public var utilisation: Double?
    /// Slope of a least-squares line through the group's observations, per day.
    public var growthPerDay: Double?
    /// When `current` reaches `limit` at `growthPerDay` (the latest observation's time if it
    /// already has); nil when there is no limit or growth is flat or declining.
    public var projectedDate: Timestamp?
}

/// Capacity of one active group.
public struct GroupCapacity: Sendable, Equatable {
    public var group: String
    public var kind: GroupKind
    public var shardIndex: Int?
    public var lastObservation: Timestamp?
    public var limits: [LimitCapacity]
}

/// The shard count one spreading dimension needs over the horizon.
public struct ShardNeed: Sendable, Equatable {
    public var kind: LimitKind
    /// Per-shard limit (the smallest shard group limit).
    public var limit: Double
    /// Sum over shard groups of their current value.
    public var currentTotal: Double
    /// `currentTotal + max(0, summed growth per day) × horizonDays`.
    public var projectedTotal: Double
    /// `ceil(projectedTotal / (limit × targetUtilisation))`, at least 1.
    public var shards: Int
}

/// The shard count plan.
public struct ShardPlan: Sendable, Equatable {
    public var currentShards: Int
    /// The largest need over all dimensions; nil when no dimension has both a limit and usage.
    public var recommendedShards: Int?
    public var needs: [ShardNeed]
}

/// A fleet's capacity report (`promfleet catalog report`).
public struct CapacityReport: Sendable, Equatable {
    public var fleet: String
    public var generatedAt: Timestamp
    public var options: CapacityOptions
    public var groups: [GroupCapacity]
    public var shardPlan: ShardPlan
}

public enum CapacityPlanner {
    static let msPerDay = 86_400_000.0

    /// Builds the report from a snapshot and the usage history (any order). Pure: same input,
    /// same report.
    public static func report(snapshot: CatalogSnapshot, history: [UsageRecord], now: Timestamp,
                              options: CapacityOptions = CapacityOptions()) -> CapacityReport {
        let byMember = Dictionary(grouping: history, by: \.memberId)
        var groups: [GroupCapacity] = []
        for group in snapshot.activeGroups {
            let members = snapshot.members(of: group).filter(\.isActive)
            let latest = members.compactMap { snapshot.latestUsage[$0.id!] }
            let points = members.flatMap { byMember[$0.id!] ?? [] }
            let lastTs = latest.map(\.ts).max()
            let limits = snapshot.limits[group.id!] ?? Limits()
            let rows = LimitKind.allCases.map { kind -> LimitCapacity in
                let limit = kind.limit(in: limits)
                let current = latest.compactMap { kind.value(in: $0) }.max()
                let fit = LinearFit.leastSquares(points.compactMap { u in
                    kind.value(in: u).map { (x: Double(u.ts) / msPerDay, y: $0) }
                })
                var row = LimitCapacity(kind: kind, limit: limit, current: current, utilisation: nil,
                                        growthPerDay: fit?.slope, projectedDate: nil)
                if let limit, let current {
                    row.utilisation = current / limit
                    if let slope = fit?.slope, slope > 0, let lastTs {
                        let days = max(0, (limit - current) / slope)
                        row.projectedDate = lastTs + Timestamp((days * msPerDay).rounded())
                    }
                }
                return row
            }
            groups.append(GroupCapacity(group: group.name, kind: group.kind, shardIndex: group.shardIndex,
                                        lastObservation: lastTs, limits: rows))
        }
        return CapacityReport(fleet: snapshot.fleet.name, generatedAt: now, options: options, groups: groups,
                              shardPlan: plan(groups, snapshot: snapshot, options: options))
    }

    static func plan(_ groups: [GroupCapacity], snapshot: CatalogSnapshot, options: CapacityOptions) -> ShardPlan {
        let shards = groups.filter { $0.kind == .shard }
        var needs: [ShardNeed] = []
        for kind in LimitKind.allCases where kind.spreadsOverShards {
            let rows = shards.compactMap { $0.limits.first { $0.kind == kind } }
            guard let limit = rows.compactMap(\.limit).min() else { continue }
            let currents = rows.compactMap(\.current)
            guard !currents.isEmpty else { continue }
            let total = currents.reduce(0, +)
            let growth = rows.compactMap(\.growthPerDay).reduce(0, +)
            let projected = total + max(0, growth) * options.horizonDays
            // Tolerate float noise so an exact multiple does not round up.
            let n = (projected / (limit * options.targetUtilisation) - 1e-9).rounded(.up)
            needs.append(ShardNeed(kind: kind, limit: limit, currentTotal: total, projectedTotal: projected,
                                   shards: max(1, Int(n))))
        }
        return ShardPlan(currentShards: snapshot.fleet.shardCount, recommendedShards: needs.map(\.shards).max(),
                         needs: needs)
    }
}
