import Federator
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

    @Test func poolsHonorLabelsAndDropReplicaLabel() throws {
        let c = try FederatorConfig.parse(Self.yaml)
        let pools = Federator.pools(c)
        #expect(pools.count == 2)
        let s = pools[0].settings
        #expect(s.honorLabels)
        #expect(s.honorTimestamps)
        #expect(pools[0].targets.count == 1)
        #expect(pools[0].targets[0].labels.get("shard") == "0")
        let relabeled = s.metricRelabel?(["__name__": "up", "replica": "b", "shard": "0"])
        #expect(relabeled == ["__name__": "up", "shard": "0"])
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
