import Foundation
import MetricModel
import Relabeling
import Testing
@testable import Config

@Suite struct RemoteWriteConfigTests {
    @Test func fullEntryValuesAndDefaults() throws {
        let path = fixturePath("remote_write_full.good.yml")
        let dir = (path as NSString).deletingLastPathComponent
        let cfg = try PrometheusConfig.load(file: path)
        #expect(cfg.warnings.isEmpty)
        #expect(cfg.remoteWriteConfigs.count == 2)
        let c = cfg.remoteWriteConfigs[0]
        #expect(c.url == "https://cortex.example:9009/api/v1/push")
        #expect(c.name == "cortex" && c.effectiveName == "cortex")
        #expect(c.remoteTimeout == .seconds(10))
        #expect(c.headers == [.init(name: "X-Scope-OrgID", value: "tenant-1")])
        #expect(c.httpClientConfig.basicAuth?.username == "promfleet")
        #expect(c.httpClientConfig.basicAuth?.passwordFile == dir + "/secrets/rw-password")
        #expect(c.httpClientConfig.tlsConfig.caFile == dir + "/certs/ca.pem")
        #expect(c.httpClientConfig.proxyURL == "http://proxy.internal:3128")
        #expect(c.writeRelabelConfigs.count == 1)
        #expect(relabel(labels: Labels(["__name__": "go_goroutines"]), configs: c.writeRelabelConfigs) == nil)
        #expect(relabel(labels: Labels(["__name__": "up"]), configs: c.writeRelabelConfigs) == Labels(["__name__": "up"]))
        let q = c.queueConfig
        #expect([q.capacity, q.maxShards, q.minShards, q.maxSamplesPerSend] as [Int] == [2500, 8, 2, 500])
        #expect(q.batchSendDeadline == .seconds(2))
        #expect(q.minBackoff == PromDuration(milliseconds: 50))
        #expect(q.maxBackoff == .seconds(10))
        #expect(q.retryOnRateLimit == false)
        #expect(c.metadataConfig.send == false && c.metadataConfig.sendInterval == .minutes(2))
        #expect(c.sendExemplars)

        // The second entry: all defaults, named by its config hash.
        let d = cfg.remoteWriteConfigs[1]
        #expect(d.name.isEmpty)
        #expect(d.effectiveName.count == 6 && d.effectiveName.allSatisfy(\.isHexDigit))
        #expect(d.effectiveName != c.effectiveName)
        #expect(d.remoteTimeout == .seconds(30))
        let dq = d.queueConfig
        #expect([dq.capacity, dq.maxShards, dq.minShards, dq.maxSamplesPerSend] as [Int] == [10_000, 50, 1, 2000])
        #expect(dq.batchSendDeadline == .seconds(5))
        #expect(dq.minBackoff == PromDuration(milliseconds: 30))
        #expect(dq.maxBackoff == .seconds(5))
        #expect(dq.retryOnRateLimit)
        #expect(d.httpClientConfig.basicAuth == nil)
    }

    @Test(arguments: [
        ("remote_write: [{url: 'ftp://x/y'}]", 1, "remote_write url must be http:// or https://"),
        ("remote_write: [{url: 'http://x/y', queue_config: {min_shards: 5, max_shards: 2}}]", 1, "min_shards (5) must not be greater than max_shards (2)"),
        ("remote_write:\n  - url: http://x/y\n    sigv4: {region: eu}\n", 3, "sigv4 is not supported"),
        ("remote_write:\n  - url: http://x/y\n    basic_auth: {username: u}\n    authorization: {credentials: c}\n", 4, "at most one of basic_auth, oauth2 & authorization must be configured"),
        ("remote_write:\n  - url: http://x/y\n    protobuf_message: io.prometheus.write.v2.Request\n", 3, "remote write 2.0) is not supported"),
        ("remote_write:\n  -\n", 2, "empty or null remote write config section"),
        ("remote_write:\n  - url: http://x/y\n    queue_config: {capacity: abc}\n", 3, "cannot unmarshal !!str `abc` into uint"),
    ])
    func rejects(_ yaml: String, _ line: Int, _ message: String) {
        do {
            _ = try PrometheusConfig.parse(yaml: yaml, filename: "p.yml")
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(message), "\(error)")
        }
    }

    /// /api/v1/status/config shows remote_write with secrets hidden, as Prometheus does.
    @Test func renderedConfigHidesSecrets() throws {
        let cfg = try PrometheusConfig.parse(yaml: """
            remote_write:
              - url: http://x/write
                basic_auth: {username: u, password: s3cret}
                tls_config: {cert: "-----BEGIN CERT-----", key: "-----BEGIN KEY-----"}
              - url: http://y/write
                authorization: {credentials: tok3n}
            """)
        let text = cfg.string()
        #expect(!text.contains("s3cret") && !text.contains("tok3n") && !text.contains("BEGIN KEY"))
        #expect(text.contains("password: <secret>") && text.contains("credentials: <secret>"))
        #expect(text.contains("username: u"))
        #expect(cfg.remoteWriteConfigs[0].httpClientConfig.basicAuth?.password.value == "s3cret")
    }

    @Test func remoteReadStillWarns() throws {
        let cfg = try PrometheusConfig.parse(yaml: "remote_read:\n  - url: http://x/read\nremote_write:\n  - url: http://x/write\n")
        #expect(cfg.remoteWriteConfigs.count == 1)
        #expect(cfg.warnings.count == 1)
        #expect(cfg.warnings.first?.contains("remote_read is accepted but not implemented") == true)
    }

    @Test func unnamedQueueNameIsStableAndFollowsTheText() throws {
        let a = try PrometheusConfig.parse(yaml: "remote_write:\n  - url: http://x/write\n").remoteWriteConfigs[0]
        let b = try PrometheusConfig.parse(yaml: "remote_write:\n  - url: http://x/write\n").remoteWriteConfigs[0]
        let c = try PrometheusConfig.parse(yaml: "remote_write:\n  - url: http://y/write\n").remoteWriteConfigs[0]
        #expect(a.effectiveName == b.effectiveName)
        #expect(a.effectiveName != c.effectiveName)
    }
}
