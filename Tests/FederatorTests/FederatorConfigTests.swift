@testable import Federator
import MetricModel
import Scrape
import Testing

@Suite struct FederatorConfigTests {
    static let yaml = """
    fleet: sharded
    replica: a
    listen_address: "127.0.0.1:29091"
    scrape_interval: 30s
    replica_label: replica
    match: ['{__name__=~"job:.*"}', up]
    sources:
      - shard: 0
        job_name: federate-shard-0
        replicas:
          - {name: shard-0-a, replica: a, url: "http://127.0.0.1:29093"}
          - {name: shard-0-b, replica: b, url: "http://127.0.0.1:29094/"}
      - shard: 1
        job_name: federate-shard-1
        replicas:
          - {name: shard-1-a, replica: a, url: "http://127.0.0.1:29095"}
    """

    @Test func parsesRenderedConfig() throws {
        let c = try FederatorConfig.parse(Self.yaml)
        #expect(c.fleet == "sharded")
        #expect(c.scrapeIntervalMs == 30_000)
        #expect(c.scrapeTimeoutMs == 30_000)
        #expect(c.replicaLabel == "replica")
        #expect(c.match == ["{__name__=~\"job:.*\"}", "up"])
        #expect(c.sources.map(\.shard) == ["0", "1"])
        #expect(c.sources[0].replicas.map(\.url) == ["http://127.0.0.1:29093", "http://127.0.0.1:29094"])
        #expect(c.sources[1].jobName == "federate-shard-1")
    }

    @Test func pullsHonorLabelsAndDropReplicaLabel() throws {
        let c = try FederatorConfig.parse(Self.yaml)
        let s = PullSettings(source: c.sources[0], config: c)
        #expect(s.targetLabels == ["job": "federate-shard-0", "instance": "shard-0", "shard": "0"])
        #expect(s.federateURLs[1] == "http://127.0.0.1:29094/federate?match%5B%5D=%7B__name__%3D~%22job%3A.%2A%22%7D&match%5B%5D=up")
        #expect(s.compression && s.bodySizeLimit == 512 * 1024 * 1024)
        // Exposed labels win (honor_labels), target labels fill gaps, the replica label goes.
        let l = BodyAppender.finalLabels(exposed: ["__name__": "up", "replica": "b", "shard": "0", "job": "node"],
                                         target: s.targetLabels, drop: "replica")
        #expect(l == ["__name__": "up", "shard": "0", "job": "node", "instance": "shard-0"])
    }

    @Test(arguments: [
        ("match: [up]\nsources:\n  - shard: 0\n    replicas: [{url: 'http://x:1', weight: 2}]", "f.yml:4: sources[0].replicas[0]: field weight not found"),
        ("match: [up]\nscrape_intervall: 5s\nsources: []", "f.yml:2: top level: field scrape_intervall not found"),
        ("match: [up]\nscrape_interval: 5x\nsources:\n  - replicas: [{url: 'http://x:1'}]", "f.yml:2: scrape_interval:"),
        ("match: [up]\nsources:\n  - shard: 0\n    replicas: [{url: 'ftp://x'}]", "f.yml:4: sources[0].replicas[0]: url must be"),
        ("match: [up\nsources: []", "f.yml: "),
    ])
    func errorsNameFileAndLine(_ text: String, _ prefix: String) {
        #expect {
            _ = try FederatorConfig.parse(text, file: "f.yml")
        } throws: { e in "\(e)".hasPrefix(prefix) }
    }

    @Test(arguments: [
        ("match: [up]\nsources: []", "sources"),
        ("sources:\n  - shard: 0\n    replicas: [{url: 'http://x:1'}]", "match"),
        ("match: [up]\nsources:\n  - shard: 0\n    replicas: [{url: 'ftp://x'}]", "url"),
        ("match: [up]\nscrape_interval: 5s\nscrape_timeout: 10s\nsources:\n  - shard: 0\n    replicas: [{url: 'http://x:1'}]", "timeout"),
    ])
    func rejectsBadConfigs(_ text: String, _ word: String) {
        #expect {
            _ = try FederatorConfig.parse(text)
        } throws: { e in "\(e)".contains(word) }
    }
}
