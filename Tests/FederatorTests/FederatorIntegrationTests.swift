import Foundation
import Testing

/// 2 shards × 2 `promfleet replica` + `promfleet federator` on one `promfleet exporter`.
@Suite(.serialized) struct FederatorIntegrationTests {
    func query(_ port: Int, _ q: String) async -> [[String: Any]] {
        let d = await HTTP.json("http://127.0.0.1:\(port)/api/v1/query?query=\(urlEncode(q))")
        return ((d?["data"] as? [String: Any])?["result"] as? [[String: Any]]) ?? []
    }

    /// `count by (shard)` style result → [shard: value].
    func byLabel(_ port: Int, _ q: String, _ label: String) async -> [String: Double] {
        var out: [String: Double] = [:]
        for r in await query(port, q) {
            let m = r["metric"] as? [String: String] ?? [:]
            if let v = r["value"] as? [Any], let s = v.last as? String { out[m[label] ?? ""] = Double(s) }
        }
        return out
    }

    /// Raw sample timestamps (seconds) of the first series a range selector returns.
    func sampleTimes(_ port: Int, _ q: String) async -> [Double] {
        let r = await query(port, q)
        guard let values = r.first?["values"] as? [[Any]] else { return [] }
        return values.compactMap { $0.first as? Double }
    }

    @Test func everySeriesOnceAndFailoverWithoutGap() async throws {
        guard let bin = Peer.promfleet else {
            print("SKIP federator integration: .build/debug/promfleet not built (run `swift build`)")
            return
        }
        let dir = Peer.tempDir()
        var children: [Child] = []
        defer { for c in children { c.kill() } }
        let base = Peer.freePortRange(4)
        children.append(try Child(bin, ["exporter", "--targets", "4", "--series", "30", "--listen-address", "127.0.0.1:\(base)"],
                                  log: dir.appendingPathComponent("exporter.log")))
        var replicaPorts: [[Int]] = [[], []]
        var killable: Child?
        for shard in 0..<2 {
            for r in ["a", "b"] {
                let port = Peer.freePort()
                replicaPorts[shard].append(port)
                let d = dir.appendingPathComponent("shard-\(shard)-\(r)")
                try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
                let targets = (0..<2).map { "\"127.0.0.1:\(base + shard * 2 + $0)\"" }.joined(separator: ",")
                try """
                global:
                  scrape_interval: 1s
                  external_labels: {fleet: it, shard: "\(shard)", replica: \(r)}
                scrape_configs:
                  - job_name: synth
                    static_configs:
                      - targets: [\(targets)]
                """.write(to: d.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
                let c = try Child(bin, ["replica", "--config.file", d.appendingPathComponent("prometheus.yml").path,
                                        "--storage.tsdb.path", d.appendingPathComponent("data").path,
                                        "--web.listen-address", "127.0.0.1:\(port)"], log: d.appendingPathComponent("log"))
                children.append(c)
                if shard == 0 && r == "a" { killable = c }
            }
        }
        let fport = Peer.freePort()
        let fd = dir.appendingPathComponent("federator")
        try FileManager.default.createDirectory(at: fd, withIntermediateDirectories: true)
        let sources = (0..<2).map { s in
            """
              - shard: \(s)
                job_name: federate-shard-\(s)
                replicas:
                  - {name: shard-\(s)-a, replica: a, url: "http://127.0.0.1:\(replicaPorts[s][0])"}
                  - {name: shard-\(s)-b, replica: b, url: "http://127.0.0.1:\(replicaPorts[s][1])"}
            """
        }.joined(separator: "\n")
        try """
        fleet: it
        replica: a
        scrape_interval: 1s
        replica_label: replica
        match: ['{job="synth"}']
        sources:
        \(sources)
        """.write(to: fd.appendingPathComponent("federator.yml"), atomically: true, encoding: .utf8)
        let federator = try Child(bin, ["federator", "--config.file", fd.appendingPathComponent("federator.yml").path,
                                        "--storage.tsdb.path", fd.appendingPathComponent("data").path,
                                        "--web.listen-address", "127.0.0.1:\(fport)", "--web.enable-lifecycle"],
                                  log: fd.appendingPathComponent("log"))
        children.append(federator)

        // Every shard's series arrive, once each: the federator's per-shard count equals the replica's.
        var want: [String: Double] = [:]
        var got: [String: Double] = [:]
        let converged = await HTTP.eventually(25) {
            want = [:]
            for s in 0..<2 {
                want["\(s)"] = await byLabel(replicaPorts[s][1], "count({job=\"synth\"})", "").values.first
            }
            got = await byLabel(fport, "count by (shard) ({job=\"synth\"})", "shard")
            return got.count == 2 && want.values.allSatisfy { $0 > 30 } && got == want
        }
        #expect(converged, "federator \(got) vs replicas \(want)\n\(federator.output.suffix(2000))")
        let withReplica = await query(fport, "count({job=\"synth\", replica!=\"\"})")
        #expect(withReplica.isEmpty, "series keep the replica label: \(withReplica)")
        let targets = await HTTP.json("http://127.0.0.1:\(fport)/api/v1/targets")
        let active = ((targets?["data"] as? [String: Any])?["activeTargets"] as? [[String: Any]]) ?? []
        #expect(active.count == 2)
        #expect(active.allSatisfy { ($0["health"] as? String) == "up" })

        // SIGKILL shard 0's preferred replica: pulls continue from the other one.
        let killedAt = Date().timeIntervalSince1970
        killable?.kill()
        try await Task.sleep(for: .seconds(6))
        let pullTimes = await sampleTimes(fport, "up{job=\"federate-shard-0\"}[15s]").filter { $0 > killedAt - 2 }
        let upValues = await query(fport, "min_over_time(up{job=\"federate-shard-0\"}[5s])")
        #expect(pullTimes.count >= 6, "pulls: \(pullTimes.map { $0 - killedAt })")
        let pullGaps = zip(pullTimes.dropFirst(), pullTimes).map { $0 - $1 }
        #expect((pullGaps.max() ?? 99) <= 1.5, "gaps between pulls: \(pullGaps), times since kill \(pullTimes.map { $0 - killedAt })")
        #expect(((upValues.first?["value"] as? [Any])?.last as? String) == "1", "up after failover: \(upValues)")
        // The federated data itself keeps arriving after the kill.
        let dataTimes = await sampleTimes(fport, "up{job=\"synth\",shard=\"0\",instance=\"127.0.0.1:\(base)\"}[15s]").filter { $0 > killedAt - 2 }
        #expect((dataTimes.last ?? 0) > killedAt + 3, "last shard-0 sample \(dataTimes.last ?? 0), killed at \(killedAt)")
        let dataGaps = zip(dataTimes.dropFirst(), dataTimes).map { $0 - $1 }
        #expect((dataGaps.max() ?? 99) <= 2.1, "gaps in federated samples: \(dataGaps), times since kill \(dataTimes.map { $0 - killedAt })")
        // Compared with the surviving replicas now (a target first scraped late under load may have
        // added series since the first comparison).
        var stillOnce: [String: Double] = [:]
        var wantNow: [String: Double] = [:]
        let onceAfter = await HTTP.eventually(10) {
            wantNow = [:]
            for s in 0..<2 {
                wantNow["\(s)"] = await byLabel(replicaPorts[s][1], "count({job=\"synth\"})", "").values.first
            }
            stillOnce = await byLabel(fport, "count by (shard) ({job=\"synth\"})", "shard")
            return stillOnce == wantNow
        }
        #expect(onceAfter, "after failover \(stillOnce) vs replicas \(wantNow)")

        // Which replica served shows on /api/v1/targets and /metrics.
        let after = await HTTP.json("http://127.0.0.1:\(fport)/api/v1/targets")
        let urls = (((after?["data"] as? [String: Any])?["activeTargets"] as? [[String: Any]]) ?? []).compactMap { $0["scrapeUrl"] as? String }
        #expect(urls.contains { $0.contains(":\(replicaPorts[0][1])/federate") }, "scrapeUrls: \(urls)")
        let metrics = await HTTP.get("http://127.0.0.1:\(fport)/metrics")?.body ?? ""
        #expect(metrics.contains("promfleet_federator_active_source{replica=\"shard-0-b\",shard=\"0\"} 1"), "\(metrics)")
        #expect(metrics.contains("promfleet_federator_pulls_total{replica=\"shard-0-a\",result=\"failure\",shard=\"0\"}"))
    }
}
