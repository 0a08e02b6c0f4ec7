import Foundation
import Testing

/// A real Prometheus (Debian package, 2.42) as a shard source: two Prometheus processes are the
/// two replicas of shard 0 (external_labels {shard: "0", replica: p1|p2}), both scraping the same
/// `promfleet exporter` targets; `promfleet federator` pulls their /federate.
@Suite(.serialized) struct PrometheusSourceTests {
    func result(_ port: Int, _ q: String, at: Double? = nil) async -> [[String: Any]] {
        let t = at.map { "&time=\($0)" } ?? ""
        let d = await HTTP.json("http://127.0.0.1:\(port)/api/v1/query?query=\(urlEncode(q))\(t)")
        return ((d?["data"] as? [String: Any])?["result"] as? [[String: Any]]) ?? []
    }

    func scalar(_ port: Int, _ q: String) async -> Double? {
        guard let v = await result(port, q).first?["value"] as? [Any], let s = v.last as? String else { return nil }
        return Double(s)
    }

    /// Sample timestamps (ms) of a range selector's first series.
    func times(_ port: Int, _ q: String, at: Double) async -> [Int64] {
        guard let values = await result(port, q, at: at).first?["values"] as? [[Any]] else { return [] }
        return values.compactMap { ($0.first as? Double).map { Int64(($0 * 1000).rounded()) } }
    }

    @Test func prometheusReplicasAsShardSource() async throws {
        guard let prom = Peer.binary("/usr/bin/prometheus") else {
            print("SKIP federator with Prometheus sources: /usr/bin/prometheus absent (apt-get install prometheus)")
            return
        }
        guard let bin = Peer.promfleet else {
            print("SKIP federator with Prometheus sources: .build/debug/promfleet not built (run `swift build`)")
            return
        }
        let dir = Peer.tempDir()
        var children: [Child] = []
        defer { for c in children { c.kill() } }
        let base = Peer.freePortRange(2)
        children.append(try Child(bin, ["exporter", "--targets", "2", "--series", "20", "--listen-address", "127.0.0.1:\(base)"],
                                  log: dir.appendingPathComponent("exporter.log")))
        var promPorts: [Int] = []
        for r in ["p1", "p2"] {
            let port = Peer.freePort()
            promPorts.append(port)
            let d = dir.appendingPathComponent(r)
            try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
            try """
            global:
              scrape_interval: 1s
              external_labels: {shard: "0", replica: \(r)}
            scrape_configs:
              - job_name: synth
                static_configs:
                  - targets: ["127.0.0.1:\(base)", "127.0.0.1:\(base + 1)"]
            """.write(to: d.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
            children.append(try Child(prom, ["--config.file=\(d.appendingPathComponent("prometheus.yml").path)",
                                             "--storage.tsdb.path=\(d.appendingPathComponent("data").path)",
                                             "--web.listen-address=127.0.0.1:\(port)"], log: d.appendingPathComponent("log")))
        }
        let fport = Peer.freePort()
        let fd = dir.appendingPathComponent("federator")
        try FileManager.default.createDirectory(at: fd, withIntermediateDirectories: true)
        try """
        scrape_interval: 1s
        replica_label: replica
        match: ['{job="synth"}']
        sources:
          - shard: 0
            job_name: federate-shard-0
            replicas:
              - {name: prom-1, replica: p1, url: "http://127.0.0.1:\(promPorts[0])"}
              - {name: prom-2, replica: p2, url: "http://127.0.0.1:\(promPorts[1])"}
        """.write(to: fd.appendingPathComponent("federator.yml"), atomically: true, encoding: .utf8)
        let fed = try Child(bin, ["federator", "--config.file", fd.appendingPathComponent("federator.yml").path,
                                  "--storage.tsdb.path", fd.appendingPathComponent("data").path,
                                  "--web.listen-address", "127.0.0.1:\(fport)"], log: fd.appendingPathComponent("log"))
        children.append(fed)

        // Every series Prometheus has lands in the federator, with shard="0" and no replica label.
        var want: Double?
        var got: Double?
        let converged = await HTTP.eventually(30) {
            want = await scalar(promPorts[0], "count({job=\"synth\"})")
            got = await scalar(fport, "count({job=\"synth\", shard=\"0\"})")
            return (want ?? 0) > 40 && got == want
        }
        #expect(converged, "federator \(String(describing: got)) vs prometheus \(String(describing: want))\n\(fed.output.suffix(1500))")
        #expect(await result(fport, "{job=\"synth\", replica!=\"\"}").isEmpty, "pulled series keep the replica label")
        #expect(await scalar(fport, "count({job=\"synth\", shard!=\"0\"})") == nil)
        #expect(await scalar(fport, "up{job=\"federate-shard-0\"}") == 1)

        // Exactly once: a federated series' samples are p1's own samples (the preferred
        // replica), never interleaved with p2's, one per pull at most.
        try await Task.sleep(for: .seconds(4))
        let sel = "up{job=\"synth\",instance=\"127.0.0.1:\(base)\"}[4s]"
        let at = Date().timeIntervalSince1970 - 1.5
        let fedTimes = await times(fport, sel, at: at)
        let p1Times = Set(await times(promPorts[0], sel, at: at))
        let p2Times = Set(await times(promPorts[1], sel, at: at))
        #expect(fedTimes.count >= 2, "federated samples \(fedTimes)")
        #expect(Set(fedTimes).isSubset(of: p1Times), "federator \(fedTimes) vs p1 \(p1Times.sorted()) p2 \(p2Times.sorted())")
        #expect(fedTimes == fedTimes.sorted() && Set(fedTimes).count == fedTimes.count)
    }
}
