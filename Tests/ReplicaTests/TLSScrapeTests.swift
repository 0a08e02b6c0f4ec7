import Foundation
import Testing

/// Scraping an https target that requires client certificates (node_exporter with
/// --web.config.file): tls_config's ca_file, cert_file/key_file and insecure_skip_verify decide
/// whether the scrape succeeds, as in Prometheus.
@Suite(.serialized) struct TLSScrapeTests {
    static let nodeExporter = "/usr/bin/prometheus-node-exporter"
    static let openssl = "/usr/bin/openssl"

    func run(_ args: [String], in dir: URL) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.openssl)
        p.arguments = args
        p.currentDirectoryURL = dir
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "openssl \(args.joined(separator: " "))")
    }

    /// A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA.
    func makeCertificates(_ dir: URL) throws {
        try run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
                 "-subj", "/CN=promfleet-test-ca"], in: dir)
        try "subjectAltName=IP:127.0.0.1\n".write(to: dir.appendingPathComponent("san.ext"), atomically: true, encoding: .utf8)
        for name in ["server", "client"] {
            try run(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(name).key", "-out", "\(name).csr",
                     "-subj", "/CN=\(name)"], in: dir)
            try run(["x509", "-req", "-in", "\(name).csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                     "-out", "\(name).crt", "-days", "2"] + (name == "server" ? ["-extfile", "san.ext"] : []), in: dir)
        }
    }

    @Test func httpsWithClientCertificates() async throws {
        guard let bin = Peer.promfleet, FileManager.default.isExecutableFile(atPath: Self.nodeExporter),
              FileManager.default.isExecutableFile(atPath: Self.openssl) else {
            print("SKIP TLS scrape test: needs promfleet, \(Self.nodeExporter) and \(Self.openssl)")
            return
        }
        let dir = Peer.tempDir()
        try makeCertificates(dir)
        try """
        tls_server_config:
          cert_file: \(dir.path)/server.crt
          key_file: \(dir.path)/server.key
          client_auth_type: RequireAndVerifyClientCert
          client_ca_file: \(dir.path)/ca.crt
        """.write(to: dir.appendingPathComponent("web.yml"), atomically: true, encoding: .utf8)
        let nePort = Peer.freePort(), port = Peer.freePort()
        let ne = try Child(Self.nodeExporter, ["--web.listen-address=127.0.0.1:\(nePort)", "--web.config.file=\(dir.path)/web.yml"],
                           log: dir.appendingPathComponent("ne.log"))
        defer { ne.stop() }
        func job(_ name: String, _ tls: String) -> String {
            """
              - job_name: \(name)
                scheme: https
                tls_config: {\(tls)}
                static_configs:
                  - targets: ["127.0.0.1:\(nePort)"]
            """
        }
        try ("""
        global:
          scrape_interval: 1s
        scrape_configs:

        """ + [
            job("mtls", "ca_file: ca.crt, cert_file: client.crt, key_file: client.key"),
            job("no_client_cert", "ca_file: ca.crt"),
            job("unknown_ca", "cert_file: client.crt, key_file: client.key"),
            job("skip_verify", "insecure_skip_verify: true, cert_file: client.crt, key_file: client.key"),
            job("missing_ca", "ca_file: nope.crt"),
        ].joined(separator: "\n")).write(to: dir.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        let replica = try Child(bin, ["replica", "--config.file", dir.appendingPathComponent("prometheus.yml").path,
                                      "--web.listen-address", "127.0.0.1:\(port)",
                                      "--storage.tsdb.path", dir.appendingPathComponent("data").path],
                                log: dir.appendingPathComponent("replica.log"))
        defer { replica.stop() }
        var health: [String: (String, String)] = [:]
        let settled = await HTTP.eventually(20) {
            let d = await HTTP.json("http://127.0.0.1:\(port)/api/v1/targets")
            let active = ((d?["data"] as? [String: Any])?["activeTargets"] as? [[String: Any]]) ?? []
            health = [:]
            for t in active {
                guard let pool = t["scrapePool"] as? String, let h = t["health"] as? String else { continue }
                health[pool] = (h, t["lastError"] as? String ?? "")
            }
            return health.count == 5 && health.values.allSatisfy { $0.0 != "unknown" }
        }
        #expect(settled, "\(health)\n\(replica.output.suffix(1500))")
        #expect(health["mtls"]?.0 == "up", "\(String(describing: health["mtls"]))")
        #expect(health["skip_verify"]?.0 == "up", "\(String(describing: health["skip_verify"]))")
        #expect(health["no_client_cert"]?.0 == "down")
        #expect(health["no_client_cert"]?.1.contains("tls: bad certificate") == true)
        #expect(health["unknown_ca"]?.0 == "down")
        #expect(health["unknown_ca"]?.1.contains("x509") == true)
        #expect(health["missing_ca"]?.0 == "down")
        #expect(health["missing_ca"]?.1.contains("unable to load specified CA cert") == true, "\(String(describing: health["missing_ca"]))")
        // The data is really there: node_exporter's series through the mTLS job.
        let series = await HTTP.json("http://127.0.0.1:\(port)/api/v1/series?match%5B%5D=\(urlEncode("node_cpu_seconds_total{job=\"mtls\"}"))")
        #expect(((series?["data"] as? [[String: String]]) ?? []).contains { $0["mode"] == "idle" })
    }
}
