import Catalog
import Foundation
import MetricModel
import Testing

struct ReportTests {
    /// Two shards; each replica's head_series grows exactly 1000/day and ends at 50k (shard 0) or
    /// 40k (shard 1) after 10 days; limit 100k per shard.
    func seeded() throws -> (TempDir, Catalog, Timestamp) {
        let dir = try TempDir()
        let catalog = try Catalog(path: dir.path("c.sqlite"))
        try catalog.applyTopology(spec(shards: 2, limits: Limits(headSeries: 100_000, targets: 50, diskBytes: 1 << 30)),
                                  at: t0)
        var obs: [UsageObservation] = []
        for d in 0...10 {
            let ts = t0 + Timestamp(d) * day
            for (member, start) in [("shard-0-a", 40_000), ("shard-0-b", 39_900), ("shard-1-a", 30_000), ("shard-1-b", 30_000)] {
                obs.append(UsageObservation(member: member, ts: ts, headSeries: Int64(start + 1000 * d), targets: 10))
            }
        }
        try catalog.recordUsage(obs, fleet: "f")
        return (dir, catalog, t0 + 10 * day)
    }

    @Test func linearGrowthGivesTheExactDate() throws {
        let (dir, catalog, last) = try seeded()
        defer { dir.cleanup() }
        let report = CapacityPlanner.report(snapshot: try catalog.snapshot(fleet: "f"),
                                            history: try catalog.usageHistory(fleet: "f"), now: last)
        let shard0 = try #require(report.groups.first { $0.group == "shard-0" })
        let head = try #require(shard0.limits.first { $0.kind == .headSeries })
        #expect(head.current == 50_000)  // max of the replicas, not the sum
        #expect(head.utilisation == 0.5)
        #expect(abs(head.growthPerDay! - 1000) < 1e-6)
        #expect(head.projectedDate == last + 50 * day)
        let targets = try #require(shard0.limits.first { $0.kind == .targets })
        #expect(targets.utilisation == 0.2)
        #expect(targets.growthPerDay == 0)
        #expect(targets.projectedDate == nil)  // flat never reaches the limit
        let shard1 = try #require(report.groups.first { $0.group == "shard-1" })
        #expect(shard1.limits.first { $0.kind == .headSeries }?.projectedDate == last + 60 * day)
    }

    @Test func shardCountFormula() throws {
        let (dir, catalog, last) = try seeded()
        defer { dir.cleanup() }
        let snap = try catalog.snapshot(fleet: "f")
        let history = try catalog.usageHistory(fleet: "f")
        // Total now 90k, growth 2000/day: in 90 days 270k; 270k / (100k × 0.8) = 3.375 → 4 shards.
        let r90 = CapacityPlanner.report(snapshot: snap, history: history, now: last)
        let head = try #require(r90.shardPlan.needs.first { $0.kind == .headSeries })
        #expect(head.currentTotal == 90_000)
        #expect(abs(head.projectedTotal - 270_000) < 1e-3)
        #expect(head.shards == 4)
        #expect(r90.shardPlan.needs.first { $0.kind == .targets }?.shards == 1)  // 20 / (50 × 0.8)
        #expect(r90.shardPlan.recommendedShards == 4)
        #expect(r90.shardPlan.currentShards == 2)
        // 35 days: 160k / (100k × 0.8) = 2 exactly → 2, not 3.
        let r35 = CapacityPlanner.report(snapshot: snap, history: history, now: last,
                                         options: CapacityOptions(targetUtilisation: 0.8, horizonDays: 35))
        #expect(r35.shardPlan.recommendedShards == 2)
        // Target 0.5 over 0 days: 90k / 50k = 1.8 → 2.
        let r0 = CapacityPlanner.report(snapshot: snap, history: history, now: last,
                                        options: CapacityOptions(targetUtilisation: 0.5, horizonDays: 0))
        #expect(r0.shardPlan.recommendedShards == 2)
    }

    @Test func alreadyOverTheLimitIsDatedAtTheLastObservation() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let catalog = try Catalog(path: dir.path("c.sqlite"))
        try catalog.applyTopology(spec(shards: 1, limits: Limits(headSeries: 100)), at: t0)
        try catalog.recordUsage([
            UsageObservation(member: "shard-0-a", ts: t0, headSeries: 90),
            UsageObservation(member: "shard-0-a", ts: t0 + day, headSeries: 120),
        ], fleet: "f")
        let r = CapacityPlanner.report(snapshot: try catalog.snapshot(fleet: "f"),
                                       history: try catalog.usageHistory(fleet: "f"), now: t0 + day)
        let head = try #require(r.groups.first?.limits.first { $0.kind == .headSeries })
        #expect(head.utilisation == 1.2)
        #expect(head.projectedDate == t0 + day)
    }

    @Test func decliningUsageHasNoDate() {
        let fit = LinearFit.leastSquares([(0, 10), (1, 8), (2, 6)])
        #expect(fit == LinearFit(slope: -2, intercept: 10))
        #expect(LinearFit.leastSquares([(1, 10), (1, 12)]) == nil)
        #expect(LinearFit.leastSquares([(1, 10)]) == nil)
    }

    @Test func formats() throws {
        let (dir, catalog, last) = try seeded()
        defer { dir.cleanup() }
        let report = CapacityPlanner.report(snapshot: try catalog.snapshot(fleet: "f"),
                                            history: try catalog.usageHistory(fleet: "f"), now: last)
        let csv = try report.render(.csv).split(separator: "\n")
        #expect(csv[0] == "group,kind,shard,dimension,limit,current,utilisation,growth_per_day,projected_date")
        let headRow = try #require(csv.first { $0.hasPrefix("shard-0,shard,0,head_series,") })
        let fields = headRow.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(Array(fields[4...6]) == ["100000", "50000", "0.5"])
        #expect(abs(Double(fields[7])! - 1000) < 1e-6)
        #expect(headRow.hasSuffix(CapacityReport.date(last + 50 * day)))

        let json = try JSONSerialization.jsonObject(with: Data(try report.render(.json).utf8)) as! [String: Any]
        #expect(json["fleet"] as? String == "f")
        let plan = json["shard_plan"] as! [String: Any]
        #expect(plan["recommended_shards"] as? Int == 4)
        let groups = json["groups"] as! [[String: Any]]
        let limits = groups[0]["limits"] as! [[String: Any]]
        #expect(limits.first { $0["dimension"] as? String == "head_series" }?["projected_date"] as? String
                == CapacityReport.date(last + 50 * day))

        let table = try report.render(.table)
        #expect(table.contains("current shards: 2, recommended: 4"))
        #expect(table.contains("50.0%"))
    }
}
