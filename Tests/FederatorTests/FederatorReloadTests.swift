import Foundation
import Testing

/// `promfleet federator` reloading federator.yml (SIGHUP, POST /-/reload) against loopback fake
/// shard sources: shards added and removed without a restart; a bad file keeps the running
/// config and the error names file:line.
@Suite(.serialized) struct FederatorReloadTests {
    func yaml(_ shards: [(Int, FakeFederateServer)], extra: String = "") -> String {
        let sources = shards.map { s, srv in
            """
              - shard: \(s)
                job_name: federate-shard-\(s)
                replicas:
                  - {name: shard-\(s)-a, replica: a, url: "\(srv.url)"}
            """
        }.joined(separator: "\n")
        return """
        fleet: it
        scrape_interval: 1s
        \(extra)match: ['{__name__="fake_metric"}']
        sources:
        \(sources)
        """
    }

    func targets(_ port: Int) async -> [[String: Any]] {
        let t = await HTTP.json("http://127.0.0.1:\(port)/api/v1/targets")
        return ((t?["data"] as? [String: Any])?["activeTargets"] as? [[String: Any]]) ?? []
    }

    func seriesByShard(_ port: Int) async -> [String: Double] {
        let d = await HTTP.json("http://127.0.0.1:\(port)/api/v1/query?query=\(urlEncode("count by (shard) (fake_metric)"))")
        var out: [String: Double] = [:]
        for r in ((d?["data"] as? [String: Any])?["result"] as? [[String: Any]]) ?? [] {
            let m = r["metric"] as? [String: String] ?? [:]
            if let v = r["value"] as? [Any], let s = v.last as? String { out[m["shard"] ?? ""] = Double(s) }
        }
        return out
    }

    @Test func sourcesChangeOnReloadWithoutRestart() async throws {
        guard let bin = Peer.promfleet else {
            print("SKIP federator reload: .build/debug/promfleet not built (run `swift build`)")
            return
        }
        let s0 = try FakeFederateServer(.init(series: 10, shard: "0"))
        let s1 = try FakeFederateServer(.init(series: 15, shard: "1"))
        defer { s0.stop(); s1.stop() }
        let dir = Peer.tempDir()
        let file = dir.appendingPathComponent("federator.yml")
        try yaml([(0, s0)]).write(to: file, atomically: true, encoding: .utf8)
        let port = Peer.freePort()
        let fed = try Child(bin, ["federator", "--config.file", file.path, "--storage.tsdb.path", dir.appendingPathComponent("data").path,
                                  "--web.listen-address", "127.0.0.1:\(port)", "--web.enable-lifecycle"],
                            log: dir.appendingPathComponent("log"))
        defer { fed.kill() }
        var got: [String: Double] = [:]
        #expect(await HTTP.eventually(15) { got = await seriesByShard(port); return got == ["0": 10] }, "before reload: \(got)")

        // SIGHUP: shard 1 added.
        try yaml([(0, s0), (1, s1)]).write(to: file, atomically: true, encoding: .utf8)
        fed.signal(SIGHUP)
        #expect(await HTTP.eventually(10) { got = await seriesByShard(port); return got == ["0": 10, "1": 15] },
                "after SIGHUP: \(got)\n\(fed.output.suffix(1500))")
        #expect(await targets(port).count == 2)

        // A bad file: 500 naming file:line, the running config stays and keeps pulling.
        try yaml([(0, s0), (1, s1)], extra: "scrape_intervall: 2s\n").write(to: file, atomically: true, encoding: .utf8)
        let bad = await HTTP.post("http://127.0.0.1:\(port)/-/reload")
        #expect(bad?.status == 500)
        #expect(bad?.body.contains("\(file.path):3: top level: field scrape_intervall not found") == true, "\(bad?.body ?? "nil")")
        #expect(fed.output.contains("Error reloading config"))
        let metrics = await HTTP.get("http://127.0.0.1:\(port)/metrics")?.body ?? ""
        #expect(metrics.contains("prometheus_config_last_reload_successful 0"), "\(metrics.prefix(3000))")
        let requests = s1.requests
        try await Task.sleep(for: .milliseconds(2200))
        #expect(s1.requests > requests, "shard 1 still pulled after a bad reload")
        let status = await HTTP.json("http://127.0.0.1:\(port)/api/v1/status/config")
        #expect(((status?["data"] as? [String: Any])?["yaml"] as? String)?.contains("shard-1-a") == true)

        // POST /-/reload: shard 0 removed; its target goes, shard 1 stays.
        try yaml([(1, s1)]).write(to: file, atomically: true, encoding: .utf8)
        let good = await HTTP.post("http://127.0.0.1:\(port)/-/reload")
        #expect(good?.status == 200, "\(good?.body ?? "nil")")
        #expect((await HTTP.get("http://127.0.0.1:\(port)/metrics")?.body ?? "").contains("prometheus_config_last_reload_successful 1"))
        #expect(await HTTP.eventually(5) { await targets(port).compactMap { $0["scrapePool"] as? String } == ["federate-shard-1"] })
        let pulls0 = s0.requests
        try await Task.sleep(for: .milliseconds(2200))
        #expect(s0.requests == pulls0, "removed shard still pulled")
    }
}
