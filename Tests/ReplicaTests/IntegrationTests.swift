import Foundation
import Testing

/// End-to-end: real processes on loopback ports. Each test skips (printing why) when a binary
/// it needs is absent.
@Suite(.serialized) struct IntegrationTests {
    static let promtool = "/usr/bin/promtool"
    static let prometheus = "/usr/bin/prometheus"
    static let nodeExporter = "/usr/bin/prometheus-node-exporter"
    static let pushgateway = "/usr/bin/prometheus-pushgateway"

    func need(_ paths: [String?], _ what: String) -> Bool {
        if paths.contains(where: { $0 == nil }) {
            print("SKIP \(what): required binary not found (\(paths.map { $0 ?? "nil" }))")
            return false
        }
        return true
    }

    /// Exporter + replica. Returns (exporter, replica, replica port, exporter base port, dir).
    func startPair(targets: Int, series: Int, extraConfig: (Int, URL) -> String = { _, _ in "" }) throws -> (Child, Child, Int, Int, URL) {
        let bin = Peer.promfleet!
        let dir = Peer.tempDir()
        let base = Peer.freePortRange(targets)
        let exporter = try Child(bin, ["exporter", "--targets", "\(targets)", "--series", "\(series)", "--listen-address", "127.0.0.1:\(base)"], log: dir.appendingPathComponent("exporter.log"))
        let port = Peer.freePort()
        let tlist = (0..<targets).map { "\"127.0.0.1:\(base + $0)\"" }.joined(separator: ",")
        let cfg = """
        global:
          scrape_interval: 1s
          external_labels:
            replica: r1
        scrape_configs:
          - job_name: synth
            static_configs:
              - targets: [\(tlist)]
        \(extraConfig(base, dir))
        """
        try cfg.write(to: dir.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        let replica = try Child(bin, ["replica", "--config.file", dir.appendingPathComponent("prometheus.yml").path,
                                      "--web.listen-address", "127.0.0.1:\(port)", "--web.enable-lifecycle",
                                      "--storage.tsdb.path", dir.appendingPathComponent("data").path],
                                log: dir.appendingPathComponent("replica.log"))
        return (exporter, replica, port, base, dir)
    }

    func activeTargets(_ port: Int) async -> [[String: Any]] {
        let d = await HTTP.json("http://127.0.0.1:\(port)/api/v1/targets")
        return ((d?["data"] as? [String: Any])?["activeTargets"] as? [[String: Any]]) ?? []
    }

    func federate(_ port: Int, _ match: String) async -> [String] {
        let body = await HTTP.get("http://127.0.0.1:\(port)/federate?match%5B%5D=\(urlEncode(match))")?.body ?? ""
        return body.split(separator: "\n").map(String.init)
    }

    @Test func replicaScrapesExporterServesAPIReloadsAndStales() async throws {
        guard need([Peer.promfleet, Peer.binary("/usr/bin/python3")], "replica/exporter integration") else { return }
        // A target that serves a malformed body (python's static file server).
        let brokenPort = Peer.freePort()
        let www = Peer.tempDir()
        try "ok_metric 1\nbroken_metric{a=\"1\" 2\n".write(to: www.appendingPathComponent("metrics"), atomically: true, encoding: .utf8)
        let py = try Child("/usr/bin/python3", ["-m", "http.server", "--bind", "127.0.0.1", "\(brokenPort)", "--directory", www.path], log: www.appendingPathComponent("py.log"))
        defer { py.stop() }
        let (exporter, replica, port, base, dir) = try startPair(targets: 2, series: 40) { _, dir in
            """
              - job_name: broken
                static_configs:
                  - targets: ["127.0.0.1:\(brokenPort)"]
              - job_name: files
                file_sd_configs:
                  - files: ["\(dir.path)/sd/*.json"]
            """
        }
        defer { exporter.stop(); replica.stop() }
        // file_sd: the file appears after start; the poller picks it up.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sd"), withIntermediateDirectories: true)
        try "[{\"targets\": [\"127.0.0.1:\(base + 1)\"], \"labels\": {\"from\": \"file\"}}]".write(to: dir.appendingPathComponent("sd/a.json"), atomically: true, encoding: .utf8)
        let cfgPath = dir.appendingPathComponent("prometheus.yml")
        let cfg = try String(contentsOf: cfgPath, encoding: .utf8)
        #expect(await HTTP.eventually(10) { await HTTP.get("http://127.0.0.1:\(port)/-/ready")?.status == 200 }, "replica not ready: \(replica.output)")
        #expect(await HTTP.post("http://127.0.0.1:\(port)/-/reload")?.status == 200)

        // Targets: two synth up, file_sd one up, broken down with a line-numbered error.
        let targetsOK = await HTTP.eventually(25) {  // generous: file_sd and the first scrapes under CI load
            let ts = await activeTargets(port)
            return ts.count == 4 && ts.filter { ($0["health"] as? String) == "up" }.count == 3
                && ts.contains { ($0["scrapePool"] as? String) == "broken" && ($0["health"] as? String) == "down" }
        }
        let targetsNow = await activeTargets(port)
        #expect(targetsOK, "targets: \(targetsNow)")
        let broken = await activeTargets(port).first { ($0["scrapePool"] as? String) == "broken" }
        #expect((broken?["lastError"] as? String)?.hasPrefix("line 2: ") == true, "\(String(describing: broken))")
        #expect((broken?["scrapeUrl"] as? String) == "http://127.0.0.1:\(brokenPort)/metrics")
        #expect((broken?["labels"] as? [String: String]) == ["instance": "127.0.0.1:\(brokenPort)", "job": "broken"])

        // Series, labels, label values.
        let series = await HTTP.json("http://127.0.0.1:\(port)/api/v1/series?match%5B%5D=up")
        let sdata = series?["data"] as? [[String: String]] ?? []
        #expect(sdata.count == 4)
        #expect(sdata.allSatisfy { $0["__name__"] == "up" })
        let post = await HTTP.post("http://127.0.0.1:\(port)/api/v1/series", form: "match[]=\(urlEncode("up{job=\"synth\"}"))")
        #expect(post?.body.contains("\"status\":\"success\"") == true && post?.body.components(separatedBy: "\"job\":\"synth\"").count == 3)
        let jobs = (await HTTP.json("http://127.0.0.1:\(port)/api/v1/label/job/values"))?["data"] as? [String]
        #expect(jobs == ["broken", "files", "synth"])
        let bad = await HTTP.get("http://127.0.0.1:\(port)/api/v1/series?match%5B%5D=\(urlEncode("up{"))")
        #expect(bad?.status == 400 && bad?.body.contains("\"errorType\":\"bad_data\"") == true)
        #expect(await HTTP.get("http://127.0.0.1:\(port)/api/v1/series")?.body.contains("no match[] parameter provided") == true)

        // PromQL over HTTP.
        let q = await HTTP.json("http://127.0.0.1:\(port)/api/v1/query?query=\(urlEncode("sum by (job) (up)"))")
        let qr = ((q?["data"] as? [String: Any])?["result"] as? [[String: Any]]) ?? []
        #expect(qr.count == 3 && qr.contains { ($0["metric"] as? [String: String]) == ["job": "synth"] && (($0["value"] as? [Any])?[1] as? String) == "2" }, "\(String(describing: q))")
        let now = Date().timeIntervalSince1970
        let qrange = await HTTP.post("http://127.0.0.1:\(port)/api/v1/query_range", form: "query=up&start=\(now - 3)&end=\(now)&step=1")
        #expect(qrange?.body.contains("\"resultType\":\"matrix\"") == true)
        let qbad = await HTTP.get("http://127.0.0.1:\(port)/api/v1/query?query=\(urlEncode("sum(up"))")
        #expect(qbad?.status == 400 && qbad?.body.contains("invalid parameter \\\"query\\\"") == true, "\(String(describing: qbad?.body))")
        let fq = await HTTP.json("http://127.0.0.1:\(port)/api/v1/format_query?query=\(urlEncode("sum(rate(x[5m]))by(job)"))")
        #expect(fq?["data"] as? String == "sum by (job) (rate(x[5m]))")

        // /federate: values are the exporter's function of the sample's second; external label added.
        let lines = await federate(port, "synthetic_requests_0_total")
        #expect(lines.first == "# TYPE synthetic_requests_0_total untyped")
        let samples = lines.filter { $0.hasPrefix("synthetic_requests_0_total{") }
        #expect(samples.count == 10 * 3, "\(samples.count)")
        for l in samples where l.contains("path=\"/api/v0\"") {
            let parts = l.split(separator: " ")
            let v = Double(parts[1])!, t = Int64(parts[2])!
            let k: Int64 = l.contains("127.0.0.1:\(base)\"") ? 0 : 1
            // The exporter's second is read a few ms after the scrape timestamp.
            #expect(v == Double(t / 1000 + k * 13) || v == Double(t / 1000 + 1 + k * 13), "\(l)")
            #expect(l.contains("replica=\"r1\""))
        }
        let gz = await HTTP.get("http://127.0.0.1:\(port)/federate?match%5B%5D=up", headers: ["Accept-Encoding": "gzip"])
        #expect(gz?.headers["content-encoding"] == "gzip" || gz?.body.contains("# TYPE up untyped") == true)

        // /metrics passes promtool.
        if let promtool = Peer.binary(Self.promtool) {
            var metrics = ""
            let hasSummary = await HTTP.eventually(5) {
                metrics = await HTTP.get("http://127.0.0.1:\(port)/metrics")?.body ?? ""
                return metrics.contains("prometheus_target_interval_length_seconds{interval=\"1s\",quantile=\"0.99\"}")
            }
            #expect(hasSummary)
            #expect(metrics.contains("prometheus_tsdb_head_series "))
            let f = dir.appendingPathComponent("metrics.txt")
            try metrics.write(to: f, atomically: true, encoding: .utf8)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", "\(promtool) check metrics < \(f.path) > \(f.path).out 2>&1"]
            try p.run()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "promtool: \((try? String(contentsOfFile: f.path + ".out", encoding: .utf8)) ?? "")")
        } else {
            print("SKIP promtool check metrics: \(Self.promtool) not found")
        }

        // Bad config on reload: refused with the reason, old config keeps running.
        try "scrape_configs:\n  - job_name: synth\n    scrape_intervall: 1s\n".write(to: cfgPath, atomically: true, encoding: .utf8)
        let r = await HTTP.post("http://127.0.0.1:\(port)/-/reload")
        #expect(r?.status == 500 && r?.body.contains("scrape_intervall") == true, "\(String(describing: r))")
        #expect(await activeTargets(port).count == 4)
        #expect(await HTTP.get("http://127.0.0.1:\(port)/metrics")?.body.contains("prometheus_config_last_reload_successful 0") == true)

        // Remove the second synth target: its series go stale and leave /federate.
        try cfg.replacingOccurrences(of: ",\"127.0.0.1:\(base + 1)\"", with: "").write(to: cfgPath, atomically: true, encoding: .utf8)
        replica.signal(SIGHUP)
        let staleOK = await HTTP.eventually(6) {
            let ups = await federate(port, "up{job=\"synth\"}").filter { $0.hasPrefix("up{") }
            return ups.count == 1 && ups[0].contains("127.0.0.1:\(base)\"")
        }
        let upsNow = await federate(port, "up{job=\"synth\"}")
        #expect(staleOK, "\(upsNow)")
        #expect(await HTTP.get("http://127.0.0.1:\(port)/metrics")?.body.contains("prometheus_config_last_reload_successful 1") == true)

        // SIGTERM: clean exit.
        replica.signal(SIGTERM)
        #expect(await HTTP.eventually(8) { !replica.process.isRunning })
        #expect(replica.process.terminationStatus == 0)

        // Restart on the same data directory: the WAL replays what was scraped before.
        let again = try Child(Peer.promfleet!, ["replica", "--config.file", cfgPath.path, "--web.listen-address", "127.0.0.1:\(port)",
                                                "--storage.tsdb.path", dir.appendingPathComponent("data").path],
                              log: dir.appendingPathComponent("replica2.log"))
        defer { again.stop() }
        #expect(await HTTP.eventually(10) { await HTTP.get("http://127.0.0.1:\(port)/-/ready")?.status == 200 }, "\(again.output)")
        let replayed = (await HTTP.json("http://127.0.0.1:\(port)/api/v1/series?match%5B%5D=\(urlEncode("up{job=\"broken\"}"))"))?["data"] as? [[String: String]]
        #expect(replayed?.count == 1, "\(String(describing: replayed))")
    }

    @Test func realPrometheusFederatesSameValues() async throws {
        guard need([Peer.promfleet, Peer.binary(Self.prometheus)], "Prometheus federating from the replica") else { return }
        let (exporter, replica, port, _, dir) = try startPair(targets: 1, series: 30)
        defer { exporter.stop(); replica.stop() }
        let promPort = Peer.freePort()
        try """
        global:
          scrape_interval: 1s
        scrape_configs:
          - job_name: federate
            honor_labels: true
            metrics_path: /federate
            params:
              'match[]': ['{job="synth"}']
            static_configs:
              - targets: ["127.0.0.1:\(port)"]
        """.write(to: dir.appendingPathComponent("prom.yml"), atomically: true, encoding: .utf8)
        let prom = try Child(Self.prometheus, ["--config.file", dir.appendingPathComponent("prom.yml").path,
                                               "--storage.tsdb.path", dir.appendingPathComponent("promdata").path,
                                               "--web.listen-address", "127.0.0.1:\(promPort)"], log: dir.appendingPathComponent("prom.log"))
        defer { prom.stop() }
        // Prometheus's raw samples (via a range selector) must include the exact (timestamp, value)
        // pairs our /federate serves, and every value must be the exporter's for its second.
        let series = "synthetic_requests_0_total{path=\"/api/v0\"}"
        let q = "http://127.0.0.1:\(promPort)/api/v1/query?query=\(urlEncode(series + "[1m]"))"
        var raw: [(Int64, Double)] = []
        var metric: [String: String] = [:]
        var ours: (Int64, Double) = (0, 0)
        let matched = await HTTP.eventually(20) {
            guard let line = await federate(port, series).first(where: { !$0.hasPrefix("#") }) else { return false }
            let parts = line.split(separator: " ")
            ours = (Int64(parts[2])!, Double(parts[1])!)
            let result = ((await HTTP.json(q))?["data"] as? [String: Any])?["result"] as? [[String: Any]] ?? []
            metric = result.first?["metric"] as? [String: String] ?? [:]
            raw = (result.first?["values"] as? [[Any]] ?? []).compactMap { pair in
                guard let ts = pair[0] as? Double, let v = (pair[1] as? String).flatMap(Double.init) else { return nil }
                return (Int64((ts * 1000).rounded()), v)
            }
            return raw.count >= 3 && raw.contains { $0 == ours }
        }
        #expect(matched, "ours \(ours), prometheus \(raw.suffix(5))\n\(prom.output.suffix(1500))")
        #expect(raw.count >= 2)
        for (t, v) in raw {
            #expect(v == Double(t / 1000) || v == Double(t / 1000 + 1), "t=\(t) v=\(v)")
        }
        #expect(metric["replica"] == "r1" && metric["job"] == "synth" && metric["code"] == "200")
    }

    @Test func replicaScrapesNodeExporterAndPushgateway() async throws {
        guard need([Peer.promfleet, Peer.binary(Self.nodeExporter), Peer.binary(Self.pushgateway)], "node_exporter/pushgateway targets") else { return }
        let nePort = Peer.freePort(), pgPort = Peer.freePort()
        let dir0 = Peer.tempDir()
        let ne = try Child(Self.nodeExporter, ["--web.listen-address=127.0.0.1:\(nePort)"], log: dir0.appendingPathComponent("ne.log"))
        let pg = try Child(Self.pushgateway, ["--web.listen-address=127.0.0.1:\(pgPort)"], log: dir0.appendingPathComponent("pg.log"))
        defer { ne.stop(); pg.stop() }
        let (exporter, replica, port, _, _) = try startPair(targets: 1, series: 10) { _, _ in
            """
              - job_name: node
                static_configs:
                  - targets: ["127.0.0.1:\(nePort)"]
              - job_name: pushgateway
                honor_labels: true
                static_configs:
                  - targets: ["127.0.0.1:\(pgPort)"]
            """
        }
        defer { exporter.stop(); replica.stop() }
        let upOK = await HTTP.eventually(15) {
            let ups = await federate(port, "up").filter { $0.hasPrefix("up{") }
            return ups.count == 3 && ups.allSatisfy { $0.split(separator: " ")[1] == "1" }
        }
        let upNow = await federate(port, "up"), tNow = await activeTargets(port)
        #expect(upOK, "\(upNow) \(tNow)")
        let node = await HTTP.json("http://127.0.0.1:\(port)/api/v1/series?match%5B%5D=\(urlEncode("node_cpu_seconds_total{job=\"node\"}"))")
        #expect(((node?["data"] as? [[String: String]]) ?? []).contains { $0["mode"] == "idle" })
        let push = await HTTP.json("http://127.0.0.1:\(port)/api/v1/series?match%5B%5D=\(urlEncode("pushgateway_build_info"))")
        #expect(((push?["data"] as? [[String: String]]) ?? []).count == 1)
    }
}
