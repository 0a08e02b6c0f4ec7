import Config
import Foundation
import Logging
import MetricModel
import Remote
import Testing
@testable import Replica

import Synchronization

let keepAlive = Mutex<[Replica]>([])

/// remote_write entries become Remote's queue settings; a reload keeps, adds and removes queues.
@Suite struct RemoteWriteWiringTests {
    @Test func mapsRemoteWriteConfigsToQueueSettings() throws {
        let c = try ReplicaConfig.parse("""
        global:
          external_labels: {replica: a}
        remote_write:
          - url: http://127.0.0.1:9/api/v1/write
            name: lts
            remote_timeout: 7s
            headers: {X-Scope-OrgID: t1}
            authorization: {type: Bearer, credentials: tok}
            write_relabel_configs:
              - source_labels: [__name__]
                regex: "go_.*"
                action: drop
            queue_config: {capacity: 500, min_shards: 3, max_shards: 8, max_samples_per_send: 100, batch_send_deadline: 1s,
                           min_backoff: 10ms, max_backoff: 1s, retry_on_http_429: false, sample_age_limit: 1h}
          - url: http://127.0.0.1:9/other
            queue_config: {max_shards: 1}
        """, file: "p.yml")
        let s = c.remoteWriteSettings(userAgent: "Prometheus/x")
        #expect(s.count == 2)
        let a = s[0]
        #expect(a.name == "lts" && a.url == "http://127.0.0.1:9/api/v1/write")
        #expect(a.timeout == .seconds(7))
        #expect(a.headers.map(\.0) == ["X-Scope-OrgID"] && a.headers.map(\.1) == ["t1"])
        #expect(a.auth == .authorization(type: "Bearer", credentials: "tok", credentialsFile: nil))
        #expect([a.capacity, a.shards, a.maxSamplesPerSend] as [Int] == [500, 3, 100])
        #expect(a.batchSendDeadline == .seconds(1) && a.minBackoff == .milliseconds(10) && a.maxBackoff == .seconds(1))
        #expect(a.retryOnRateLimit == false)
        #expect(a.sampleAgeLimit == .seconds(3600))
        #expect(a.externalLabels == Labels(["replica": "a"]))
        #expect(a.userAgent == "Prometheus/x")
        #expect(a.relabel?(Labels(["__name__": "go_gc"])) == .some(nil))
        #expect(a.relabel?(Labels(["__name__": "up"])) == Labels(["__name__": "up"]))
        // Defaults: 2 shards unless max_shards is lower; an unnamed queue is named by its hash.
        #expect(s[1].shards == 1)
        #expect(s[1].name.count == 6)
        #expect(s[1].relabel == nil)
        #expect(a.identity != s[1].identity)
    }

    @Test func reloadReplacesQueuesAndKeepsConfigOnError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rw-wiring-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("p.yml")
        func write(_ names: [String]) throws {
            try ("remote_write:\n" + names.map { "  - {url: 'http://127.0.0.1:9/\($0)', name: \($0)}\n" }.joined())
                .write(to: file, atomically: true, encoding: .utf8)
        }
        try write(["a", "b"])
        var o = ReplicaOptions()
        o.configFile = file.path
        o.tsdbPath = dir.appendingPathComponent("data").path
        o.listenAddress = "127.0.0.1:0"
        var logger = Logger(label: "t")
        logger.logLevel = .critical
        let r = try Replica(options: o, version: "test", logger: logger)
        // Never run, so never shut down: keep it alive (the scrape fetcher's HTTP client traps
        // in deinit when not shut down).
        keepAlive.withLock { $0.append(r) }
        #expect(r.remoteWrite.stats().map(\.name) == ["a", "b"])
        try write(["a", "c"])
        try r.reload()
        #expect(r.remoteWrite.stats().map(\.name) == ["a", "c"])
        try "remote_write:\n  - {name: nourl}\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try r.reload() }
        #expect(r.remoteWrite.stats().map(\.name) == ["a", "c"])
    }
}
