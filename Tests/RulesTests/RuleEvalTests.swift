import Logging
import MetricModel
import PromQL
@testable import Rules
import Synchronization
import Testing
import TSDB

/// Rule evaluation driven with explicit timestamps (the injected clock): no sleeping.
@Suite struct RuleEvalTests {
    final class Sent: Sendable {
        let calls = Mutex<[(String, [Alert])]>([])
    }

    static func context(_ st: MemoryStorage, sent: Sent = Sent(), lookback: Int64 = 30_000) -> EvalContext {
        var c = EvalContext(engine: Engine(options: EngineOptions(lookbackDelta: lookback)), queryable: st, appendable: st,
                            externalLabels: Labels(["cluster": "eu1"]), externalURL: "http://prom:9090",
                            logger: Logger(label: "test"), notify: { e, a in sent.calls.withLock { $0.append((e, a)) } },
                            wallClock: { 0 })
        c.resendDelay = 60_000
        return c
    }

    static func samples(_ st: MemoryStorage, _ sel: String) throws -> [(Labels, [Sample])] {
        let q = try st.querier(mint: 0, maxt: Int64.max / 2)
        let ss = try q.select(sorted: true, hints: nil, matchers: try Parser.parseMetricSelector(sel))
        return ss.map { s in
            var buf: [Sample] = []
            s.appendSamples(mint: 0, maxt: Int64.max / 2, to: &buf)
            return (s.labels, buf)
        }
    }

    static func rule(_ record: String, _ expr: String, labels: [(String, String)] = []) throws -> RecordingRule {
        RecordingRule(name: record, expr: try Parser.parseExpr(expr), query: expr, labels: Labels(labels))
    }

    @Test func recordingRuleWritesRenamedSeriesAndStaleMarkers() async throws {
        let st = MemoryStorage()
        st.add(Labels(["__name__": "m", "a": "1"]), [Sample(t: 60_000, v: 1), Sample(t: 120_000, v: 3)])
        st.add(Labels(["__name__": "m", "a": "2"]), [Sample(t: 60_000, v: 2)])
        let g = RuleGroup(name: "g", file: "f.yml", interval: 60_000,
                          rules: [try Self.rule("r", "m * 2", labels: [("src", "x")]), try Self.rule("r2", "r")])
        let ctx = Self.context(st)
        await g.evaluate(at: 60_000, context: ctx)
        await g.evaluate(at: 120_000, context: ctx)
        let r = try Self.samples(st, "r")
        #expect(r.map(\.0) == [Labels(["__name__": "r", "a": "1", "src": "x"]), Labels(["__name__": "r", "a": "2", "src": "x"])])
        #expect(r[0].1 == [Sample(t: 60_000, v: 2), Sample(t: 120_000, v: 6)])
        #expect(r[1].1.count == 2 && r[1].1[0] == Sample(t: 60_000, v: 4))
        #expect(r[1].1[1].t == 120_000 && StaleNaN.isStale(r[1].1[1].v))
        // The second rule reads the first one's output of the same evaluation (committed per
        // rule, as Prometheus's Group.Eval does).
        let r2 = try Self.samples(st, "r2")
        #expect(r2.first?.1 == [Sample(t: 60_000, v: 2), Sample(t: 120_000, v: 6)])
        #expect(g.rules[0].status.health == .ok)
        #expect(g.statistics.evaluations == 4 && g.statistics.failures == 0)
    }

    @Test func duplicateLabelsetIsAnEvaluationError() async throws {
        let st = MemoryStorage()
        st.add(Labels(["__name__": "m1", "a": "1"]), [Sample(t: 60_000, v: 1)])
        st.add(Labels(["__name__": "m2", "a": "1"]), [Sample(t: 60_000, v: 2)])
        let g = RuleGroup(name: "g", file: "f.yml", interval: 60_000, rules: [try Self.rule("r", #"{__name__=~"m1|m2"}"#)])
        await g.evaluate(at: 60_000, context: Self.context(st))
        #expect(g.rules[0].status.health == .err)
        #expect(g.rules[0].status.lastError == "vector contains metrics with the same labelset after applying rule labels")
        #expect(g.statistics.failures == 1)
        #expect(try Self.samples(st, "r").isEmpty)
    }

    @Test func alertGoesPendingFiringKeepsFiringAndResolves() async throws {
        let st = MemoryStorage()
        var s: [Sample] = []
        for t in stride(from: Int64(30_000), through: 900_000, by: 30_000) { s.append(Sample(t: t, v: t <= 300_000 ? 2 : 0)) }
        st.add(Labels(["__name__": "m", "instance": "h1", "job": "j"]), s)
        let rule = try AlertingRule(
            name: "High", expr: try Parser.parseExpr("m > 1"), query: "m > 1", holdDuration: 120_000, keepFiringFor: 60_000,
            labels: [("severity", "{{ if gt $value 1.5 }}page{{ else }}ticket{{ end }}")],
            annotations: [("summary", "{{ $labels.instance }} is {{ $value }} in {{ $externalLabels.cluster }}"),
                          ("runbook", "{{ if eq $labels.job \"other\" }}http://runbook{{ end }}")])
        let g = RuleGroup(name: "g", file: "f.yml", interval: 60_000, rules: [rule])
        let sent = Sent()
        let ctx = Self.context(st, sent: sent)
        var states: [AlertState?] = []
        for t in stride(from: Int64(60_000), through: 480_000, by: 60_000) {
            await g.evaluate(at: t, context: ctx)
            states.append(rule.alerts.first?.state)
        }
        //            60        120       180      240      300      360 (gone, kept) 420 (resolved) 480
        #expect(states == [.pending, .pending, .firing, .firing, .firing, .firing, .inactive, .inactive])
        let a = try #require(rule.alerts.first)
        #expect(a.labels == Labels(["alertname": "High", "instance": "h1", "job": "j", "severity": "page"]))
        #expect(a.annotations == [Label("runbook", ""), Label("summary", "h1 is 2 in eu1")])
        #expect(a.activeAt == 60_000 && a.firedAt == 180_000 && a.resolvedAt == 420_000)
        // Sent when firing (180), re-sent after the 1m resend delay (300), sent resolved (420).
        let calls = sent.calls.withLock { $0 }
        #expect(calls.map { $0.1.first?.lastSentAt } == [180_000, 300_000, 420_000])
        #expect(calls.map { $0.0 } == ["m > 1", "m > 1", "m > 1"])
        #expect(calls.last?.1.first?.state == .inactive)
        // ALERTS as Prometheus writes it: 1 per evaluation with its state; stale once resolved.
        let alerts = try Self.samples(st, "ALERTS")
        #expect(alerts.map { $0.0.get("alertstate") } == ["firing", "pending"])
        #expect(alerts[1].1.prefix(2) == [Sample(t: 60_000, v: 1), Sample(t: 120_000, v: 1)])
        #expect(alerts[1].1[2].t == 180_000 && StaleNaN.isStale(alerts[1].1[2].v))
        #expect(alerts[0].1.prefix(4).map(\.t) == [180_000, 240_000, 300_000, 360_000])
        #expect(alerts[0].1[4].t == 420_000 && StaleNaN.isStale(alerts[0].1[4].v))
        let forState = try Self.samples(st, "ALERTS_FOR_STATE")
        #expect(forState.first?.0 == Labels(["__name__": "ALERTS_FOR_STATE", "alertname": "High", "instance": "h1", "job": "j", "severity": "page"]))
        #expect(forState.first?.1.first == Sample(t: 60_000, v: 60))
        // Kept 15 minutes after resolving, then dropped.
        await g.evaluate(at: 420_000 + 15 * 60_000, context: ctx)
        #expect(rule.alerts.count == 1)
        await g.evaluate(at: 420_000 + 16 * 60_000, context: ctx)
        #expect(rule.alerts.isEmpty)
        #expect(rule.ruleState == .inactive)
    }

    @Test func pendingAlertThatStopsIsDroppedAndNeverSent() async throws {
        let st = MemoryStorage()
        st.add(Labels(["__name__": "m"]), [Sample(t: 60_000, v: 5)])
        let rule = try AlertingRule(name: "A", expr: try Parser.parseExpr("m > 1"), query: "m > 1", holdDuration: 300_000,
                                    keepFiringFor: 0, labels: [], annotations: [])
        let g = RuleGroup(name: "g", file: "f.yml", interval: 60_000, rules: [rule])
        let sent = Sent()
        await g.evaluate(at: 60_000, context: Self.context(st, sent: sent))
        #expect(rule.ruleState == .pending)
        await g.evaluate(at: 120_000, context: Self.context(st, sent: sent))
        #expect(rule.alerts.isEmpty)
        #expect(sent.calls.withLock { $0.isEmpty })
    }

    @Test func evalTimestampIsAlignedWithADeterministicOffset() {
        let g = RuleGroup(name: "example", file: "/etc/prometheus/rules.yml", interval: 15_000, rules: [])
        let iv: Int64 = 15_000_000_000
        let now: Int64 = 1_700_000_000_123_456_789
        let t = g.evalTimestamp(nowNanos: now)
        #expect(t <= now && now - t < iv)
        #expect(g.evalTimestamp(nowNanos: now + iv) == t + iv)
        #expect(g.evalTimestamp(nowNanos: t) == t)
        let offset = ((t % iv) + iv) % iv
        #expect(offset == Int64(g.hash % UInt64(iv)))
        #expect(RuleGroup(name: "other", file: "/etc/prometheus/rules.yml", interval: 15_000, rules: []).hash != g.hash)
    }

    @Test func forStateIsRestoredAfterRestart() async throws {
        let st = MemoryStorage()
        st.add(Labels(["__name__": "m", "job": "j"]), [Sample(t: 1_290_000, v: 5)])
        // Before the restart the alert had been pending since 400 s; last written at 1000 s.
        st.add(Labels(["__name__": "ALERTS_FOR_STATE", "alertname": "Slow", "job": "j"]),
               [Sample(t: 900_000, v: 400), Sample(t: 1_000_000, v: 400)])
        let rule = try AlertingRule(name: "Slow", expr: try Parser.parseExpr("m > 1"), query: "m > 1", holdDuration: 1_800_000,
                                    keepFiringFor: 0, labels: [], annotations: [])
        let g = RuleGroup(name: "g", file: "f.yml", interval: 60_000, rules: [rule])
        let ctx = Self.context(st, lookback: 300_000)
        let manager = RuleManager(context: ctx)
        manager.update([g])
        await g.evaluate(at: 1_300_000, context: ctx)
        #expect(rule.alerts.first?.activeAt == 1_300_000)
        #expect(try Self.samples(st, "ALERTS").isEmpty)  // not restored yet: no ALERTS series
        g.restoreForState(at: 1_300_000, context: ctx)
        // 600 s spent pending, 1200 s remain (more than the 10 m grace period): the outage is
        // added to activeAt.
        #expect(rule.alerts.first?.activeAt == 700_000)
        await g.evaluate(at: 1_360_000, context: ctx)
        #expect(try Self.samples(st, "ALERTS").first?.1 == [Sample(t: 1_360_000, v: 1)])
        #expect(rule.ruleState == .pending)
    }
}
