import Foundation
import Testing

/// Rules end to end: our replica beside a real Prometheus 2.42 on the same rule file, and alerts
/// delivered to a real Alertmanager. Each test skips (printing why) when a binary is absent.
@Suite(.serialized) struct RulesIntegrationTests {
    static let prometheus = "/usr/bin/prometheus"
    static let alertmanager = "/usr/bin/prometheus-alertmanager"

    /// A group every 2s: a scalar clock, a copy of it (reads the previous rule's output of the
    /// same evaluation), a count over the exporter's series, and alerts in each state.
    static let ruleFile = """
    groups:
      - name: side-by-side
        interval: 2s
        rules:
          - record: t:now
            expr: time()
          - record: t:now:copy
            expr: t:now
          - record: synth:series:count
            expr: count by (job) ({job="synth", __name__=~"synthetic_.*"})
            labels:
              source: rules
          - alert: SynthUp
            expr: up{job="synth"} == 1
            labels:
              severity: "{{ if gt $value 0.5 }}page{{ else }}ticket{{ end }}"
            annotations:
              summary: "{{ $labels.instance }} of {{ .Labels.job }} is up ({{ $value }})"
              ratio: '{{ humanizePercentage $value }} / {{ printf "%.2f" $value }}'
              runbook: '{{ if eq $labels.job "other" }}http://runbook{{ end }}'
          - alert: SlowToFire
            expr: vector(1)
            for: 1h
          - alert: NeverFires
            expr: up{job="synth"} == 5
    """

    func need(_ paths: [String?], _ what: String) -> Bool {
        if paths.contains(where: { $0 == nil }) {
            print("SKIP \(what): required binary not found (\(paths.map { $0 ?? "nil" }))")
            return false
        }
        return true
    }

    /// `{name: [(ms, value)]}` of the raw samples of `metric` over the last minute.
    func raw(_ port: Int, _ metric: String) async -> [Int64: Double] {
        let q = "http://127.0.0.1:\(port)/api/v1/query?query=\(urlEncode(metric + "[1m]"))"
        let result = ((await HTTP.json(q))?["data"] as? [String: Any])?["result"] as? [[String: Any]] ?? []
        var out: [Int64: Double] = [:]
        for pair in result.first?["values"] as? [[Any]] ?? [] {
            if let ts = pair[0] as? Double, let v = (pair[1] as? String).flatMap(Double.init) { out[Int64((ts * 1000).rounded())] = v }
        }
        return out
    }

    /// /api/v1/rules without timing fields: group → rules with their stable fields.
    func rules(_ port: Int) async -> [String] {
        let d = (await HTTP.json("http://127.0.0.1:\(port)/api/v1/rules"))?["data"] as? [String: Any]
        var out: [String] = []
        for g in d?["groups"] as? [[String: Any]] ?? [] {
            out.append("group \(g["name"]!) file=\(g["file"]!) interval=\(g["interval"]!) limit=\(g["limit"] ?? "-")")
            for r in g["rules"] as? [[String: Any]] ?? [] {
                let alerts = (r["alerts"] as? [[String: Any]] ?? []).map {
                    "\(($0["labels"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }) \(($0["annotations"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }) \($0["state"]!) \($0["value"]!)"
                }
                let query = (r["query"] as? String ?? "").replacingOccurrences(of: " ", with: "")
                out.append("  \(r["type"]!) \(r["name"]!) q=\(query) health=\(r["health"]!) state=\(r["state"] ?? "-") for=\(r["duration"] ?? "-") labels=\((r["labels"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }) annotations=\((r["annotations"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }) alerts=\(alerts)")
            }
        }
        return out
    }

    @Test func sameRuleFileSameResultsAsPrometheus() async throws {
        guard need([Peer.promfleet, Peer.binary(Self.prometheus)], "rules side by side with Prometheus") else { return }
        let bin = Peer.promfleet!
        let dir = Peer.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rulesPath = dir.appendingPathComponent("rules.yml").path
        try Self.ruleFile.write(toFile: rulesPath, atomically: true, encoding: .utf8)
        let base = Peer.freePort()
        let exporter = try Child(bin, ["exporter", "--targets", "1", "--series", "20", "--listen-address", "127.0.0.1:\(base)"],
                                 log: dir.appendingPathComponent("exporter.log"))
        defer { exporter.stop() }
        // Same rule file path in both configs: same group hash, so the same evaluation timestamps.
        let cfg = """
        global:
          scrape_interval: 1s
          evaluation_interval: 2s
        rule_files: ['\(rulesPath)']
        scrape_configs:
          - job_name: synth
            static_configs:
              - targets: ['127.0.0.1:\(base)']
        """
        try cfg.write(to: dir.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        let ours = Peer.freePort(), theirs = Peer.freePort()
        let replica = try Child(bin, ["replica", "--config.file", dir.appendingPathComponent("prometheus.yml").path,
                                      "--web.listen-address", "127.0.0.1:\(ours)", "--storage.tsdb.path", dir.appendingPathComponent("data").path],
                                log: dir.appendingPathComponent("replica.log"))
        defer { replica.stop() }
        let prom = try Child(Self.prometheus, ["--config.file", dir.appendingPathComponent("prometheus.yml").path,
                                               "--storage.tsdb.path", dir.appendingPathComponent("promdata").path,
                                               "--web.listen-address", "127.0.0.1:\(theirs)"], log: dir.appendingPathComponent("prom.log"))
        defer { prom.stop() }

        // Evaluation timestamps coincide; values at shared timestamps are equal.
        var a: [Int64: Double] = [:], b: [Int64: Double] = [:]
        let overlap = await HTTP.eventually(30) {
            a = await raw(ours, "t:now")
            b = await raw(theirs, "t:now")
            return Set(a.keys).intersection(b.keys).count >= 3
        }
        #expect(overlap, "ours \(a.keys.sorted().suffix(4)) prometheus \(b.keys.sorted().suffix(4))\n\(replica.output.suffix(1500))")
        for t in Set(a.keys).intersection(b.keys) { #expect(a[t] == b[t], "t:now at \(t)") }
        for t in a.keys { #expect(a[t] == Double(t) / 1000, "t:now is the evaluation time") }
        let copyOurs = await raw(ours, "t:now:copy"), copyTheirs = await raw(theirs, "t:now:copy")
        let shared = Set(copyOurs.keys).intersection(copyTheirs.keys)
        #expect(shared.count >= 2)
        for t in shared { #expect(copyOurs[t] == copyTheirs[t], "t:now:copy at \(t): ours \(String(describing: copyOurs[t])) prometheus \(String(describing: copyTheirs[t]))") }
        var countOurs: [Int64: Double] = [:], countTheirs: [Int64: Double] = [:], sharedCount = Set<Int64>()
        _ = await HTTP.eventually(10) {
            countOurs = await raw(ours, "synth:series:count{source=\"rules\"}")
            countTheirs = await raw(theirs, "synth:series:count{source=\"rules\"}")
            sharedCount = Set(countOurs.keys).intersection(countTheirs.keys)
            return sharedCount.count >= 2
        }
        #expect(!sharedCount.isEmpty, "ours \(countOurs) prometheus \(countTheirs)")
        for t in sharedCount { #expect(countOurs[t] == countTheirs[t], "count at \(t)") }

        // The same groups, rules, states and alerts.
        var r1: [String] = [], r2: [String] = []
        let same = await HTTP.eventually(10) {
            r1 = await rules(ours)
            r2 = await rules(theirs)
            return r1 == r2 && r1.count == 7
        }
        #expect(same, "ours:\n\(r1.joined(separator: "\n"))\nprometheus:\n\(r2.joined(separator: "\n"))")
        #expect(r1.contains { $0.contains("alerting SynthUp") && $0.contains("state=firing") })
        #expect(r1.contains { $0.contains("alerting SlowToFire") && $0.contains("state=pending") })
        // ALERTS as both write it (after the startup restore, from the third evaluation on).
        var alOurs: [Int64: Double] = [:], alTheirs: [Int64: Double] = [:]
        let alertsShared = await HTTP.eventually(10) {
            alOurs = await raw(ours, "ALERTS{alertname=\"SynthUp\",alertstate=\"firing\",severity=\"page\"}")
            alTheirs = await raw(theirs, "ALERTS{alertname=\"SynthUp\",alertstate=\"firing\",severity=\"page\"}")
            return Set(alOurs.keys).intersection(alTheirs.keys).count >= 2
        }
        #expect(alertsShared, "ours \(alOurs) prometheus \(alTheirs)")
        for t in Set(alOurs.keys).intersection(alTheirs.keys) { #expect(alOurs[t] == 1 && alTheirs[t] == 1) }
        // Neither writes ALERTS in the first two evaluations after startup (for-state restore
        // comes first; Prometheus may start later still, its first scrape waits for discovery).
        let firstEvalOurs = await raw(ours, "t:now").keys.min(), firstEvalTheirs = await raw(theirs, "t:now").keys.min()
        #expect(alOurs.keys.min().map { $0 - firstEvalOurs! } ?? 0 >= 4_000)
        #expect(alTheirs.keys.min().map { $0 - firstEvalTheirs! } ?? 0 >= 4_000)
        // /api/v1/alerts: the same alerts (labels, annotations, state, value).
        func alerts(_ port: Int) async -> [String] {
            let list = ((await HTTP.json("http://127.0.0.1:\(port)/api/v1/alerts"))?["data"] as? [String: Any])?["alerts"] as? [[String: Any]] ?? []
            return list.map {
                "\(($0["labels"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }) \(($0["annotations"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }) \($0["state"]!) \($0["value"]!)"
            }.sorted()
        }
        let alertsOurs = await alerts(ours), alertsTheirs = await alerts(theirs)
        #expect(alertsOurs.count == 2)
        #expect(alertsOurs == alertsTheirs)
        let metrics = await HTTP.get("http://127.0.0.1:\(ours)/metrics")?.body ?? ""
        #expect(metrics.contains("prometheus_rule_evaluations_total{rule_group=\"\(rulesPath);side-by-side\"}"))
        #expect(metrics.contains("prometheus_rule_evaluation_failures_total{rule_group=\"\(rulesPath);side-by-side\"} 0"))
    }

    @Test func alertReachesAlertmanagerAndBadRuleFileRefusesReload() async throws {
        guard need([Peer.promfleet, Peer.binary(Self.alertmanager)], "alerts to a real Alertmanager") else { return }
        let bin = Peer.promfleet!
        let dir = Peer.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let amPort = Peer.freePort()
        try "route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n".write(to: dir.appendingPathComponent("am.yml"), atomically: true, encoding: .utf8)
        let am = try Child(Self.alertmanager, ["--config.file", dir.appendingPathComponent("am.yml").path,
                                               "--storage.path", dir.appendingPathComponent("amdata").path,
                                               "--web.listen-address", "127.0.0.1:\(amPort)", "--cluster.listen-address", ""],
                           log: dir.appendingPathComponent("am.log"))
        defer { am.stop() }
        let rulesPath = dir.appendingPathComponent("rules.yml").path
        try Self.ruleFile.write(toFile: rulesPath, atomically: true, encoding: .utf8)
        let base = Peer.freePort()
        let exporter = try Child(bin, ["exporter", "--targets", "1", "--series", "10", "--listen-address", "127.0.0.1:\(base)"],
                                 log: dir.appendingPathComponent("exporter.log"))
        defer { exporter.stop() }
        try """
        global:
          scrape_interval: 1s
          external_labels:
            replica: r1
        rule_files: ['rules.yml']
        alerting:
          alertmanagers:
            - static_configs:
                - targets: ['127.0.0.1:\(amPort)']
        scrape_configs:
          - job_name: synth
            static_configs:
              - targets: ['127.0.0.1:\(base)']
        """.write(to: dir.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        let port = Peer.freePort()
        let replica = try Child(bin, ["replica", "--config.file", dir.appendingPathComponent("prometheus.yml").path,
                                      "--web.listen-address", "127.0.0.1:\(port)", "--web.enable-lifecycle",
                                      "--storage.tsdb.path", dir.appendingPathComponent("data").path],
                                log: dir.appendingPathComponent("replica.log"))
        defer { replica.stop() }

        var received: [[String: Any]] = []
        let got = await HTTP.eventually(30) {
            guard let r = await HTTP.get("http://127.0.0.1:\(amPort)/api/v2/alerts"),
                  let list = try? JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [[String: Any]] else { return false }
            received = list
            return list.contains { ($0["labels"] as? [String: String])?["alertname"] == "SynthUp" }
        }
        #expect(got, "alertmanager has \(received)\nreplica:\n\(replica.output.suffix(1500))")
        let alert = received.first { ($0["labels"] as? [String: String])?["alertname"] == "SynthUp" }
        #expect(alert?["labels"] as? [String: String] == ["alertname": "SynthUp", "instance": "127.0.0.1:\(base)", "job": "synth",
                                                         "replica": "r1", "severity": "page"])
        #expect(alert?["annotations"] as? [String: String] == ["summary": "127.0.0.1:\(base) of synth is up (1)", "ratio": "100% / 1.00", "runbook": ""])
        #expect((alert?["generatorURL"] as? String)?.hasSuffix("/graph?g0.expr=up%7Bjob%3D%22synth%22%7D+%3D%3D+1&g0.tab=1") == true)
        #expect((alert?["status"] as? [String: Any])?["state"] as? String == "active")
        // Pending and inactive alerts are not sent.
        #expect(!received.contains { ($0["labels"] as? [String: String])?["alertname"] == "SlowToFire" })
        let metrics = await HTTP.get("http://127.0.0.1:\(port)/metrics")?.body ?? ""
        #expect(metrics.contains("prometheus_notifications_sent_total{alertmanager=\"http://127.0.0.1:\(amPort)/api/v2/alerts\"}"))
        #expect(metrics.contains("prometheus_notifications_dropped_total 0"))

        // A bad rule file refuses the reload with its error and keeps the running rules.
        try "groups:\n  - name: broken\n    rules:\n      - record: bad-name\n        expr: up\n".write(toFile: rulesPath, atomically: true, encoding: .utf8)
        let reload = await HTTP.post("http://127.0.0.1:\(port)/-/reload")
        #expect(reload?.status == 500)
        #expect(reload?.body.contains("invalid recording rule name: bad-name") == true, "\(reload?.body ?? "nil")")
        let groups = ((await HTTP.json("http://127.0.0.1:\(port)/api/v1/rules"))?["data"] as? [String: Any])?["groups"] as? [[String: Any]]
        #expect(groups?.map { $0["name"] as? String } == ["side-by-side"])
        // A good one replaces them.
        try "groups:\n  - name: fixed\n    rules:\n      - record: up:copy\n        expr: up\n".write(toFile: rulesPath, atomically: true, encoding: .utf8)
        #expect(await HTTP.post("http://127.0.0.1:\(port)/-/reload")?.status == 200)
        let after = ((await HTTP.json("http://127.0.0.1:\(port)/api/v1/rules?type=record"))?["data"] as? [String: Any])?["groups"] as? [[String: Any]]
        #expect(after?.map { $0["name"] as? String } == ["fixed"])
    }
}
