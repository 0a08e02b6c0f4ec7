import Foundation
import Synchronization
import Logging
import MetricModel
import PromQL
@testable import Rules
import Testing
import TSDB

/// Group options (limit, query_offset) and reloads, with explicit timestamps.
@Suite struct RuleGroupTests {
    static func storage() -> MemoryStorage {
        let st = MemoryStorage()
        for i in 0..<3 {
            st.add(Labels(["__name__": "m", "i": String(i)]), (1...20).map { Sample(t: Int64($0) * 30_000, v: Double($0)) })
        }
        return st
    }

    @Test func limitFailsTheRuleWithPrometheusMessage() async throws {
        let st = Self.storage()
        let rec = RecordingRule(name: "r", expr: try Parser.parseExpr("m"), query: "m", labels: .empty)
        let alert = try AlertingRule(name: "A", expr: try Parser.parseExpr("m > 0"), query: "m > 0", holdDuration: 0,
                                     keepFiringFor: 0, labels: [], annotations: [])
        let g = RuleGroup(name: "g", file: "f", interval: 60_000, limit: 2, rules: [rec, alert])
        await g.evaluate(at: 120_000, context: RuleEvalTests.context(st))
        #expect(rec.status.lastError == "exceeded limit of 2 with 3 series")
        #expect(alert.status.lastError == "exceeded limit of 2 with 3 alerts")
        #expect(alert.alerts.isEmpty)
        #expect(try RuleEvalTests.samples(st, "r").isEmpty)
    }

    @Test func queryOffsetEvaluatesAndWritesEarlier() async throws {
        let st = Self.storage()
        let rec = RecordingRule(name: "r", expr: try Parser.parseExpr("m{i=\"0\"}"), query: "m{i=\"0\"}", labels: .empty)
        let g = RuleGroup(name: "g", file: "f", interval: 60_000, queryOffset: 30_000, rules: [rec])
        await g.evaluate(at: 300_000, context: RuleEvalTests.context(st))
        #expect(try RuleEvalTests.samples(st, "r").first?.1 == [Sample(t: 270_000, v: 9)])
        #expect(g.statistics.lastEvalTimestamp == 300_000)
    }

    @Test func reloadKeepsAlertStateAndStalesRemovedGroups() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rulesreload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = dir.appendingPathComponent("r.yml").path
        try """
        groups:
          - name: alerts
            rules:
              - alert: A
                expr: m > 5
                for: 5m
          - name: rec
            rules:
              - record: r
                expr: m
        """.write(toFile: f, atomically: true, encoding: .utf8)
        let st = Self.storage()
        let ctx = RuleEvalTests.context(st)
        let manager = RuleManager(context: ctx, restoreAtStartup: false)
        let first = try RuleLoader.load(files: [f], defaultInterval: 60_000)
        manager.update(first)
        for g in first { await g.evaluate(at: 300_000, context: ctx) }
        let before = try #require((first[0].rules[0] as? AlertingRule)?.alerts)
        #expect(before.count == 3 && before.allSatisfy { $0.activeAt == 300_000 && $0.state == .pending })

        // Reload: the alert group stays (same name and file), the recording group goes away.
        try "groups:\n  - name: alerts\n    rules:\n      - alert: A\n        expr: m > 5\n        for: 5m\n"
            .write(toFile: f, atomically: true, encoding: .utf8)
        let second = try RuleLoader.load(files: [f], defaultInterval: 60_000)
        manager.update(second)
        let kept = try #require(second[0].rules[0] as? AlertingRule)
        #expect(kept.alerts.map(\.activeAt) == [300_000, 300_000, 300_000])
        await second[0].evaluate(at: 600_000, context: ctx)
        #expect(kept.alerts.allSatisfy { $0.state == .firing && $0.firedAt == 600_000 })
        let r = try RuleEvalTests.samples(st, "r")
        #expect(r.count == 3)
        #expect(r.allSatisfy { $0.1.count == 2 && StaleNaN.isStale($0.1[1].v) })
    }

    /// A clock whose sleeps return at once: each wake-up lands `cost` after the requested time
    /// (the evaluation's duration); past `end` sleeping throws, ending the loop.
    final class FakeClock: RuleClock {
        let now: Mutex<Int64>
        let cost: Int64, end: Int64
        init(start: Int64, cost: Int64, end: Int64) { now = Mutex(start); self.cost = cost; self.end = end }
        func nowNanos() -> Int64 { now.withLock { $0 } }
        func sleep(untilNanos t: Int64) async throws {
            if t > end { throw CancellationError() }
            now.withLock { $0 = max($0, t + cost) }
        }
    }

    @Test(arguments: [(Int64(0), 0), (Int64(25_000), 2)])
    func loopRunsOnAlignedSlotsAndSkipsMissedOnes(costMs: Int64, missedPerIteration: Int) async throws {
        let st = MemoryStorage()
        let g = RuleGroup(name: "loop", file: "f.yml", interval: 10_000,
                          rules: [RecordingRule(name: "t", expr: try Parser.parseExpr("time()"), query: "time()", labels: .empty)])
        let start: Int64 = 1_700_000_000_000_000_000
        let clock = FakeClock(start: start, cost: costMs * 1_000_000, end: start + 60_000_000_000)
        await g.run(context: RuleEvalTests.context(st), clock: clock)
        let first = g.evalTimestamp(nowNanos: start) / 1_000_000 + 10_000
        let step = Int64(10_000 * (missedPerIteration + 1))
        let want = Array(stride(from: first, through: (start + 60_000_000_000) / 1_000_000, by: Int(step)))
        let got = try RuleEvalTests.samples(st, "t").first?.1 ?? []
        #expect(got.map(\.t) == want)
        #expect(got.allSatisfy { $0.v == Double($0.t) / 1000 })
        #expect(g.statistics.missedIterations == missedPerIteration * want.count)
    }
}
