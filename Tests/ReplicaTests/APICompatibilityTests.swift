import Foundation
import Testing

/// Our replica and a real Prometheus scrape the same node_exporter; the metadata endpoints, the
/// endpoints of features we do not have (rules, alerts, exemplars) and the API's answers to bad
/// parameters must be the same JSON.
@Suite(.serialized) struct APICompatibilityTests {
    static let prometheus = "/usr/bin/prometheus"
    static let nodeExporter = "/usr/bin/prometheus-node-exporter"

    /// Parses a JSON body into a comparable Foundation object graph.
    func object(_ port: Int, _ path: String) async -> NSObject? {
        guard let r = await HTTP.get("http://127.0.0.1:\(port)\(path)") else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? NSObject
    }

    func data(_ o: NSObject?) -> Any? { (o as? NSDictionary)?["data"] }

    @Test func metadataAndEmptyFeatureEndpointsMatchPrometheus() async throws {
        guard let bin = Peer.promfleet, FileManager.default.isExecutableFile(atPath: Self.prometheus),
              FileManager.default.isExecutableFile(atPath: Self.nodeExporter) else {
            print("SKIP metadata comparison: needs promfleet, \(Self.prometheus) and \(Self.nodeExporter)")
            return
        }
        let dir = Peer.tempDir()
        let nePort = Peer.freePort(), ours = Peer.freePort(), theirs = Peer.freePort()
        let ne = try Child(Self.nodeExporter, ["--web.listen-address=127.0.0.1:\(nePort)"], log: dir.appendingPathComponent("ne.log"))
        defer { ne.stop() }
        try """
        global:
          scrape_interval: 1s
        scrape_configs:
          - job_name: node
            static_configs:
              - targets: ["127.0.0.1:\(nePort)"]
        """.write(to: dir.appendingPathComponent("p.yml"), atomically: true, encoding: .utf8)
        let replica = try Child(bin, ["replica", "--config.file", dir.appendingPathComponent("p.yml").path,
                                      "--web.listen-address", "127.0.0.1:\(ours)",
                                      "--storage.tsdb.path", dir.appendingPathComponent("ours").path],
                                log: dir.appendingPathComponent("replica.log"))
        defer { replica.stop() }
        let prom = try Child(Self.prometheus, ["--config.file", dir.appendingPathComponent("p.yml").path,
                                               "--storage.tsdb.path", dir.appendingPathComponent("theirs").path,
                                               "--web.listen-address", "127.0.0.1:\(theirs)"], log: dir.appendingPathComponent("prom.log"))
        defer { prom.stop() }
        let cpu = "/api/v1/metadata?metric=node_cpu_seconds_total"
        let scraped = await HTTP.eventually(20) {
            let a = await object(ours, cpu), b = await object(theirs, cpu)
            return a != nil && a == b && ((data(a) as? [String: Any])?["node_cpu_seconds_total"] as? [Any])?.count == 1
        }
        let a = await object(ours, cpu), b = await object(theirs, cpu)
        #expect(scraped, "ours \(String(describing: a))\ntheirs \(String(describing: b))")
        // The whole metadata map: same families, same type/help/unit.
        let allOurs = await object(ours, "/api/v1/metadata")
        let allTheirs = await object(theirs, "/api/v1/metadata")
        let ourNames = Set((data(allOurs) as? [String: Any])?.keys.map { $0 } ?? [])
        let theirNames = Set((data(allTheirs) as? [String: Any])?.keys.map { $0 } ?? [])
        #expect(ourNames.count > 50)
        // Prometheus's own process exposes no families to us, so compare node_exporter's only:
        // every family Prometheus knows must be ours, with equal metadata.
        #expect(ourNames == theirNames, "only ours: \(ourNames.subtracting(theirNames)); only theirs: \(theirNames.subtracting(ourNames))")
        for name in ourNames.intersection(theirNames).sorted().prefix(400) {
            let x = (data(allOurs) as? [String: Any])?[name] as? NSObject
            let y = (data(allTheirs) as? [String: Any])?[name] as? NSObject
            #expect(x == y, "\(name): ours \(String(describing: x)) theirs \(String(describing: y))")
        }
        // /api/v1/targets: the same target, described alike (timings aside).
        let tOurs = await object(ours, "/api/v1/targets"), tTheirs = await object(theirs, "/api/v1/targets")
        let aOurs = ((data(tOurs) as? [String: Any])?["activeTargets"] as? [[String: Any]]) ?? []
        let aTheirs = ((data(tTheirs) as? [String: Any])?["activeTargets"] as? [[String: Any]]) ?? []
        #expect(aOurs.count == 1 && aTheirs.count == 1)
        if let x = aOurs.first, let y = aTheirs.first {
            #expect(Set(x.keys) == Set(y.keys), "target fields: ours \(x.keys.sorted()) theirs \(y.keys.sorted())")
            for key in ["discoveredLabels", "labels", "scrapePool", "scrapeUrl", "globalUrl", "lastError", "health",
                        "scrapeInterval", "scrapeTimeout"] {
                #expect((x[key] as? NSObject) == (y[key] as? NSObject), "\(key): ours \(String(describing: x[key])) theirs \(String(describing: y[key]))")
            }
        }
        for path in ["/api/v1/metadata?limit=3", "/api/v1/metadata?metric=nope",
                     "/api/v1/metadata?limit=x",
                     "/api/v1/targets/metadata?match_target=%7Bjob%3D%22node%22%7D&metric=node_cpu_seconds_total",
                     "/api/v1/targets/metadata?match_target=%7Bjob%3D%22other%22%7D",
                     "/api/v1/rules", "/api/v1/rules?type=alert", "/api/v1/alerts", "/api/v1/alertmanagers",
                     "/api/v1/query_exemplars?query=up", "/api/v1/scrape_pools",
                     // Bad parameters: same errorType and message.
                     "/api/v1/query?query=up&time=abc", "/api/v1/query?query=up&timeout=abc",
                     "/api/v1/query?query=up&timeout=1e30", "/api/v1/query?query=sum(",
                     "/api/v1/query_range?query=up&start=abc&end=100&step=1",
                     "/api/v1/query_range?query=up&start=1&end=abc&step=1",
                     "/api/v1/query_range?query=up&start=1&end=100",
                     "/api/v1/query_range?query=up&start=1&end=100&step=abc",
                     "/api/v1/query_range?query=up&start=1&end=100&step=0",
                     "/api/v1/query_range?query=up&start=100&end=1&step=1",
                     "/api/v1/query_range?query=up&start=0&end=100000&step=1",
                     "/api/v1/query_range?query=up&start=1&end=100&step=1&timeout=abc",
                     "/api/v1/query_range?query=up%5B5m%5D&start=1&end=100&step=1",
                     "/api/v1/series", "/api/v1/series?match%5B%5D=up&start=abc",
                     "/api/v1/series?match%5B%5D=up&start=100&end=1", "/api/v1/labels?end=abc",
                     "/api/v1/labels?start=100&end=1", "/api/v1/label/1bad/values",
                     "/api/v1/label/job/values?start=abc", "/api/v1/series?match%5B%5D=%7Bjob%3D%22%22%7D",
                     "/api/v1/targets/metadata?limit=x", "/api/v1/rules?type=x",
                     // Answers that do not depend on scrape timing.
                     "/api/v1/query?query=1%2B1&time=1700000000", "/api/v1/query?query=%22s%22&time=1700000000.5",
                     "/api/v1/query?query=vector(1e-7)&time=1.78", "/api/v1/query?query=vector(-1.5e22)&time=-0.5",
                     "/api/v1/query_range?query=time()&start=0&end=10&step=2.5",
                     "/api/v1/label/job/values", "/api/v1/format_query?query=sum(x)by(y)"] {
            let x = await object(ours, path), y = await object(theirs, path)
            if path.contains("limit=3") {
                #expect((data(x) as? [String: Any])?.count == 3)
                #expect((data(y) as? [String: Any])?.count == 3)
                continue
            }
            #expect(x != nil && x == y, "\(path): ours \(String(describing: x)) theirs \(String(describing: y))")
        }
    }
}
