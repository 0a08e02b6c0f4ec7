import Foundation
import Testing

/// A promfleet replica scrapes `promfleet exporter` and remote-writes to a real Prometheus 2.42
/// started with --web.enable-remote-write-receiver: the receiver must hold the same raw samples
/// as the replica (write_relabel_configs respected), catch up after it was down, and a queue whose
/// requests the receiver answers with 400 must drop them without retrying.
@Suite(.serialized) struct RemoteWriteIntegrationTests {
    static let prometheus = "/usr/bin/prometheus"

    /// `selector[window]` at `time` as {series labels → [(t, v)]}.
    func raw(_ port: Int, _ selector: String, window: Int, at time: Double) async -> [String: [String]]? {
        let q = urlEncode("\(selector)[\(window)s]")
        guard let j = await HTTP.json("http://127.0.0.1:\(port)/api/v1/query?query=\(q)&time=\(time)"),
              let data = j["data"] as? [String: Any], let result = data["result"] as? [[String: Any]] else { return nil }
        var out: [String: [String]] = [:]
        for r in result {
            let metric = (r["metric"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            let values = (r["values"] as? [[Any]] ?? []).map { "\($0[0])@\($0[1])" }
            out[metric] = values
        }
        return out
    }

    func metric(_ port: Int, _ name: String, _ remote: String) async -> Double? {
        guard let r = await HTTP.get("http://127.0.0.1:\(port)/metrics") else { return nil }
        for line in r.body.split(separator: "\n") where line.hasPrefix(name + "{") && line.contains("remote_name=\"\(remote)\"") {
            return Double(line.split(separator: " ").last ?? "")
        }
        return nil
    }

    func startReceiver(_ dir: URL, _ port: Int, _ n: Int) throws -> Child {
        try Child(Self.prometheus, ["--config.file", dir.appendingPathComponent("recv.yml").path,
                                    "--storage.tsdb.path", dir.appendingPathComponent("recv-data").path,
                                    "--web.listen-address", "127.0.0.1:\(port)", "--web.enable-remote-write-receiver"],
                  log: dir.appendingPathComponent("recv-\(n).log"))
    }

    @Test func replicaRemoteWritesToPrometheus() async throws {
        guard let bin = Peer.promfleet, FileManager.default.isExecutableFile(atPath: Self.prometheus) else {
            print("SKIP remote write integration: needs the promfleet binary (swift build) and \(Self.prometheus)")
            return
        }
        let dir = Peer.tempDir()
        let exPort = Peer.freePort(), ours = Peer.freePort(), recvPort = Peer.freePort()
        let exporter = try Child(bin, ["exporter", "--targets", "1", "--series", "40", "--listen-address", "127.0.0.1:\(exPort)"],
                                 log: dir.appendingPathComponent("exporter.log"))
        defer { exporter.stop() }
        try "global:\n  scrape_interval: 1h\n".write(to: dir.appendingPathComponent("recv.yml"), atomically: true, encoding: .utf8)
        var receiver = try startReceiver(dir, recvPort, 1)
        defer { receiver.stop() }
        // A recording rule's output goes through the same storage hook as scraped samples.
        try """
        groups:
          - name: rw
            interval: 1s
            rules:
              - record: job:synthetic_requests:sum
                expr: sum by (job) (synthetic_requests_0_total)
        """.write(to: dir.appendingPathComponent("rules.yml"), atomically: true, encoding: .utf8)
        try """
        global:
          scrape_interval: 1s
        rule_files: [rules.yml]
        scrape_configs:
          - job_name: ex
            static_configs:
              - targets: ["127.0.0.1:\(exPort)"]
        remote_write:
          - url: http://127.0.0.1:\(recvPort)/api/v1/write
            name: main
            write_relabel_configs:
              - source_labels: [__name__]
                regex: synthetic_temperature_0_celsius
                action: drop
            queue_config:
              batch_send_deadline: 500ms
              min_backoff: 50ms
              max_backoff: 500ms
          # Ten counters folded onto one series, one sample per request: every request after the
          # first of a scrape is a duplicate timestamp with another value, which Prometheus refuses with 400.
          - url: http://127.0.0.1:\(recvPort)/api/v1/write
            name: collide
            write_relabel_configs:
              - source_labels: [__name__]
                regex: synthetic_requests_0_total
                action: keep
              - regex: path
                action: labeldrop
              - target_label: __name__
                replacement: collide_total
            queue_config:
              max_samples_per_send: 1
              batch_send_deadline: 100ms
              min_backoff: 50ms
              max_backoff: 500ms
        """.write(to: dir.appendingPathComponent("p.yml"), atomically: true, encoding: .utf8)
        let replica = try Child(bin, ["replica", "--config.file", dir.appendingPathComponent("p.yml").path,
                                      "--web.listen-address", "127.0.0.1:\(ours)",
                                      "--storage.tsdb.path", dir.appendingPathComponent("ours").path],
                                log: dir.appendingPathComponent("replica.log"))
        defer { replica.stop() }

        // 1. Same series, same raw samples (the dropped metric only on our side).
        let sel = "{job=\"ex\",__name__!~\"synthetic_temperature_0_celsius|collide_total\"}"
        var matched = false
        var last = ""
        let ok = await HTTP.eventually(30) {
            let t = Date().timeIntervalSince1970 - 2
            guard let a = await raw(ours, sel, window: 4, at: t), let b = await raw(recvPort, sel, window: 4, at: t) else { return false }
            last = "ours \(a.count) series, theirs \(b.count)"
            // 40 exporter series, 10 of them dropped, + up and 4 scrape_* series, + the recording
            // rule's series; 3+ samples each.
            guard a.count == 36, a.keys.contains(where: { $0.contains("job:synthetic_requests:sum") }),
                  a.values.allSatisfy({ $0.count >= 3 }) else { return false }
            matched = a == b
            return matched
        }
        #expect(ok && matched, "\(last)\nreplica log:\n\(replica.output.suffix(2000))")
        let dropped = await raw(recvPort, "synthetic_temperature_0_celsius", window: 60, at: Date().timeIntervalSince1970)
        let kept = await raw(ours, "synthetic_temperature_0_celsius", window: 60, at: Date().timeIntervalSince1970)
        #expect(dropped?.isEmpty == true && (kept?.count ?? 0) == 10)

        // 2. A 400 drops the request: failures counted, never retried; one sample per scrape arrives.
        let collided = await HTTP.eventually(10) { (await metric(ours, "prometheus_remote_storage_samples_failed_total", "collide") ?? 0) >= 9 }
        #expect(collided)
        #expect(await metric(ours, "prometheus_remote_storage_samples_retried_total", "collide") == 0)
        let one = await raw(recvPort, "collide_total", window: 3, at: Date().timeIntervalSince1970 - 1)
        #expect(one?.count == 1)

        // 3. The receiver goes away: samples queue; after it is back they arrive.
        receiver.stop()
        let downFrom = Date().timeIntervalSince1970
        let queued = await HTTP.eventually(10) { (await metric(ours, "prometheus_remote_storage_samples_pending", "main") ?? 0) > 100 }
        #expect(queued)
        try await Task.sleep(for: .seconds(3))
        receiver = try startReceiver(dir, recvPort, 2)
        let downTo = Date().timeIntervalSince1970
        let caughtUp = await HTTP.eventually(30) {
            let t = downTo + 1
            guard let a = await raw(ours, sel, window: Int(t - downFrom) + 3, at: t),
                  let b = await raw(recvPort, sel, window: Int(t - downFrom) + 3, at: t), !a.isEmpty else { return false }
            last = "ours \(a.values.map(\.count).reduce(0, +)) samples, theirs \(b.values.map(\.count).reduce(0, +))"
            return a == b
        }
        #expect(caughtUp, "\(last)\nreplica log:\n\(replica.output.suffix(2000))")
        #expect(await metric(ours, "prometheus_remote_storage_samples_retried_total", "main") ?? 0 > 0)
        #expect(await metric(ours, "prometheus_remote_storage_samples_failed_total", "main") == 0)
    }
}
