import Foundation
import MetricModel
import Testing
@testable import Exposition
#if canImport(Glibc)
import Glibc
#endif

/// A real Prometheus scrapes bodies written by FederationWriter (text, with timestamps and
/// external labels, as a federating Prometheus would) and OpenMetricsWriter, served by a tiny
/// loopback HTTP server with the right Content-Type; the values it stored are queried back.
/// Skips, with a message, when prometheus, python3 or curl is missing.
@Suite(.serialized) struct PrometheusScrapesUsTests {
    typealias Peer = PeerIntegrationTests

    static let server = """
    import http.server, sys, os, signal
    # Children inherit the test runner's blocked signals: let SIGTERM through again.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])
    d = sys.argv[2]
    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            name, ct = {'/federate': ('federate.txt', 'text/plain; version=0.0.4; charset=utf-8'),
                        '/om': ('om.txt', 'application/openmetrics-text; version=1.0.0; charset=utf-8')}.get(self.path.split('?')[0], (None, None))
            if name is None:
                self.send_response(404); self.end_headers(); return
            body = open(os.path.join(d, name), 'rb').read()
            self.send_response(200); self.send_header('Content-Type', ct)
            self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
        def log_message(self, *a): pass
    http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
    """

    static func start(_ path: String, _ args: [String]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    static func query(_ curl: String, _ base: String, _ q: String) throws -> [String: Any]? {
        let r = try Peer.run(curl, ["-fsS", "--get", "--data-urlencode", "query=\(q)", "\(base)/api/v1/query"])
        guard r.status == 0 else { return nil }
        return try JSONSerialization.jsonObject(with: Data(r.out)) as? [String: Any]
    }

    static func values(_ resp: [String: Any]?) -> [String: String] {
        guard let data = resp?["data"] as? [String: Any], let result = data["result"] as? [[String: Any]] else { return [:] }
        var out: [String: String] = [:]
        for r in result {
            let m = r["metric"] as? [String: String] ?? [:]
            let key = m.filter { $0.key != "__name__" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            out[(m["__name__"] ?? "") + "{" + key + "}"] = (r["value"] as? [Any])?.last as? String
        }
        return out
    }

    @Test func prometheusIngestsFederateAndOpenMetricsOutput() throws {
        guard let prom = Peer.binary("prometheus"), let py = Peer.binary("python3"),
              let curl = Peer.binary("curl") else { return }
        let port = Peer.freePort(), promPort = Peer.freePort()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pf-scrape-\(port)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var fed: [UInt8] = []
        var w = FederationWriter(externalLabels: Labels(["replica": "a"]))
        w.append(Labels(["__name__": "pf_fed", "job": "src", "instance": "h:1", "k": "say \"hi\"\n"]), t: now - 1000, v: 42.5, to: &fed)
        w.append(Labels(["__name__": "pf_fed", "job": "src", "k": "Grüße"]), t: now - 1000, v: -1.5e-7, to: &fed)
        w.append(Labels(["__name__": "pf_fed", "job": "src", "k": "stale"]), t: now - 1000, v: StaleNaN.value, to: &fed)
        w.append(Labels(["__name__": "pf_other", "job": "src"]), t: now - 1000, v: 1e21, to: &fed)
        try Data(fed).write(to: dir.appendingPathComponent("federate.txt"))

        var om: [UInt8] = []
        OpenMetricsWriter.appendHelp(name: "pf_om", help: "OpenMetrics \"help\".", to: &om)
        OpenMetricsWriter.appendType(name: "pf_om", type: .counter, to: &om)
        OpenMetricsWriter.appendSample(Labels(["__name__": "pf_om_total", "a": "x\\y"]), value: 7, to: &om)
        OpenMetricsWriter.appendType(name: "pf_om_seconds", type: .gauge, to: &om)
        OpenMetricsWriter.appendUnit(name: "pf_om_seconds", unit: "seconds", to: &om)
        OpenMetricsWriter.appendSample(Labels(["__name__": "pf_om_seconds"]), value: 0.25, to: &om)
        OpenMetricsWriter.appendEOF(to: &om)
        try Data(om).write(to: dir.appendingPathComponent("om.txt"))

        let config = """
        global:
          scrape_interval: 1s
        scrape_configs:
          - job_name: fed
            honor_labels: true
            metrics_path: /federate
            static_configs: [{targets: ['127.0.0.1:\(port)']}]
          - job_name: om
            metrics_path: /om
            static_configs: [{targets: ['127.0.0.1:\(port)']}]
        """
        try config.write(to: dir.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)

        let server = try Self.start(py, ["-c", Self.server, String(port), dir.path])
        defer { kill(server.processIdentifier, SIGTERM); server.waitUntilExit() }
        let p = try Self.start(prom, ["--config.file=\(dir.path)/prometheus.yml", "--storage.tsdb.path=\(dir.path)/data",
                                      "--web.listen-address=127.0.0.1:\(promPort)"])
        defer { kill(p.processIdentifier, SIGTERM); p.waitUntilExit() }
        let base = "http://127.0.0.1:\(promPort)"

        var got: [String: String] = [:]
        for _ in 0..<100 {
            got = Self.values(try Self.query(curl, base, #"{__name__=~"pf_.*"}"#))
            if got.count >= 5 { break }
            usleep(200_000)
        }
        let ups = Self.values(try Self.query(curl, base, "up"))
        #expect(ups.values.allSatisfy { $0 == "1" }, "\(ups)")
        let value = { (k: String) in got[k].flatMap { Double($0) } }
        #expect(got.count == 5, "\(got)")
        #expect(value("pf_fed{instance=h:1,job=src,k=say \"hi\"\n,replica=a}") == 42.5, "\(got)")
        #expect(got["pf_fed{instance=,job=src,k=Grüße,replica=a}"] == nil) // instance="" is no label
        #expect(value("pf_fed{job=src,k=Grüße,replica=a}") == -1.5e-7, "\(got)")
        #expect(value("pf_other{job=src,replica=a}") == 1e21, "\(got)")
        #expect(got.keys.contains { $0.contains("stale") } == false)
        #expect(value("pf_om_total{a=x\\y,instance=127.0.0.1:\(port),job=om}") == 7, "\(got)")
        #expect(value("pf_om_seconds{instance=127.0.0.1:\(port),job=om}") == 0.25, "\(got)")
    }
}
