import Foundation
import MetricModel
import Testing
@testable import Router

@Suite struct RouterConfigTests {
    @Test func parsesTheRenderedShape() throws {
        let yaml = """
        # comment
        fleet: sharded
        listen_address: "127.0.0.1:29090"
        mode: merge
        replica_label: replica
        gap_factor: 2
        probe_interval: 500ms
        groups:
        - name: shard-0
          kind: shard
          shard: 0
          shards: 2
          shard_by: [__address__]
          scrape_interval: 15s
          external_labels: {fleet: sharded, shard: "0"}
          members:
          - name: shard-0-a
            replica: a
            url: "http://127.0.0.1:29093/"
          - name: shard-0-b
            replica: b
            url: "http://127.0.0.1:29094"
        - name: federator
          kind: federator
          scrape_interval: 1m30s
          members:
          - {name: federator-a, replica: a, url: "http://127.0.0.1:29091"}
        """
        let c = try RouterConfig.parse(yaml: yaml)
        #expect(c.fleet == "sharded")
        #expect(c.mode == .merge)
        #expect(c.gapFactor == 2)
        #expect(c.probeIntervalMs == 500)
        #expect(c.groups.count == 2)
        #expect(c.groups[0] == GroupConfig(name: "shard-0", kind: .shard, shard: 0, shards: 2, shardBy: ["__address__"],
                                           scrapeIntervalMs: 15_000, externalLabels: Labels(["fleet": "sharded", "shard": "0"]), members: [
                                               MemberConfig(name: "shard-0-a", replica: "a", url: "http://127.0.0.1:29093"),
                                               MemberConfig(name: "shard-0-b", replica: "b", url: "http://127.0.0.1:29094")]))
        #expect(c.groups[1].kind == .federator)
        #expect(c.groups[1].scrapeIntervalMs == 90_000)
        #expect(c.shardGroups.map(\.name) == ["shard-0"])
        // merge mode queries the shard groups; failover with one shard too.
        #expect(c.queryGroups.map(\.name) == ["shard-0"])
    }

    @Test(arguments: [
        ("groups: []", "groups: at least one group is required"),
        ("mode: fast\ngroups: [{name: g, members: [{url: 'http://x:1'}]}]", "mode: unknown mode \"fast\""),
        ("grups: []", "field grups not found"),
        ("groups: [{name: g, members: [{url: 'x:1'}]}]", "groups[0].members[0].url: required, http:// or https://"),
        ("groups: [{name: g, scrape_interval: 15q, members: [{url: 'http://x:1'}]}]", "groups[0].scrape_interval: not a duration"),
        ("groups: [{name: g, members: [{name: m, url: 'http://x:1'}, {name: m, url: 'http://x:2'}]}]", "member name \"m\" is used twice"),
        ("groups: [{name: g, external_labels: {0bad: x}, members: [{url: 'http://x:1'}]}]", "is not a valid label name"),
    ])
    func badConfigs(_ yaml: String, _ message: String) {
        do {
            _ = try RouterConfig.parse(yaml: yaml)
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
    }

    /// The renderer's router.yml (FleetTests' golden copy) is read by the router.
    @Test func readsTheRenderedGolden() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../FleetTests/Golden/sharded/router/router.yml").standardized.path
        let c = try RouterConfig.load(file: path)
        #expect(c.fleet == "sharded")
        #expect(c.groups.map(\.name) == ["shard-0", "shard-1", "shard-2", "federator"])
        #expect(c.groups[1].shard == 1 && c.groups[1].shards == 3 && c.groups[1].shardBy == ["__address__"])
        #expect(c.groups[3].kind == .federator && c.groups[3].scrapeIntervalMs == 30_000)
        #expect(c.queryGroups.map(\.name) == ["federator"])
    }

    @Test func failoverWithShardsUsesTheFederators() throws {
        let m = { (n: String) in MemberConfig(name: n, replica: "a", url: "http://127.0.0.1:1") }
        var c = RouterConfig(groups: [GroupConfig(name: "shard-0", shard: 0, shards: 2, members: [m("s0")]),
                                      GroupConfig(name: "shard-1", shard: 1, shards: 2, members: [m("s1")]),
                                      GroupConfig(name: "federator", kind: .federator, members: [m("f")])])
        #expect(c.queryGroups.map(\.name) == ["federator"])
        c.mode = .merge
        #expect(c.queryGroups.map(\.name) == ["shard-0", "shard-1"])
    }

    @Test(arguments: [("15s", 15_000), ("1m30s", 90_000), ("500ms", 500), ("2h", 7_200_000)] as [(String, Int64)])
    func durations(_ s: String, _ ms: Int64) {
        #expect(RouterConfig.parseDuration(s) == ms)
    }
}
