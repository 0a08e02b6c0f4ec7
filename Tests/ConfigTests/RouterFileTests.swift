import Foundation
import MetricModel
import Testing
@testable import Config

/// router.yml (docs/router.md), parsed strictly with file:line:field errors.
@Suite struct RouterFileTests {
    @Test func parsesEveryField() throws {
        let yaml = """
        fleet: demo
        listen_address: "127.0.0.1:29090"
        mode: merge
        replica_label: rep
        gap_factor: 2.5
        probe_interval: 500ms
        probe_timeout: 1s
        query_timeout: 1m
        failures_to_down: 3
        successes_to_up: 4
        lookback_delta: 2m
        groups:
        - name: shard-1
          kind: shard
          shard: 1
          shards: 2
          shard_by: [__address__, job]
          scrape_interval: 1m30s
          external_labels: {fleet: demo, shard: "1"}
          members:
          - {name: s1a, replica: a, url: "http://127.0.0.1:1"}
          - url: "https://127.0.0.1:2"
        - name: federator
          kind: federator
          members: [{url: "http://127.0.0.1:3"}]
        """
        let f = try RouterFile.parse(yaml: yaml, filename: "router.yml")
        #expect(f.fleet == "demo" && f.listenAddress == "127.0.0.1:29090" && f.mode == .merge && f.replicaLabel == "rep")
        #expect(f.gapFactor == 2.5)
        #expect(f.probeInterval == PromDuration(milliseconds: 500) && f.probeTimeout == .seconds(1) && f.queryTimeout == .minutes(1))
        #expect(f.failuresToDown == 3 && f.successesToUp == 4 && f.lookbackDelta == .minutes(2))
        #expect(f.groups == [
            RouterFile.Group(name: "shard-1", kind: .shard, shard: 1, shards: 2, shardBy: ["__address__", "job"],
                             scrapeInterval: .seconds(90), externalLabels: [Label("fleet", "demo"), Label("shard", "1")],
                             members: [RouterFile.Member(name: "s1a", replica: "a", url: "http://127.0.0.1:1"),
                                       RouterFile.Member(url: "https://127.0.0.1:2")]),
            RouterFile.Group(name: "federator", kind: .federator, members: [RouterFile.Member(url: "http://127.0.0.1:3")]),
        ])
    }

    @Test func leftOutFieldsAreNil() throws {
        let f = try RouterFile.parse(yaml: "groups: [{name: g, members: [{url: 'http://x:1'}]}]")
        #expect(f.fleet == nil && f.mode == nil && f.gapFactor == nil && f.probeInterval == nil && f.failuresToDown == nil)
        #expect(f.groups[0].kind == nil && f.groups[0].scrapeInterval == nil && f.groups[0].externalLabels.isEmpty)
        #expect(RouterFile.defaultReplica(0) == "a" && RouterFile.defaultReplica(2) == "c")
    }

    /// Each error names the file, the line of the field at fault and the field.
    @Test(arguments: [
        ("groups: []", 1, "groups", "groups: at least one group is required"),
        ("fleet: x\nmode: fast\ngroups: [{name: g, members: [{url: 'http://x:1'}]}]", 2, "mode", "mode: unknown mode \"fast\" (failover or merge)"),
        ("fleet: x\ngrups: []", 2, "grups", "field grups not found in type router config"),
        ("groups:\n- name: g\n  members:\n  - url: 'x:1'", 4, "url", "groups[0].members[0].url: required, http:// or https://"),
        ("groups:\n- name: g\n  scrape_interval: 15q\n  members: [{url: 'http://x:1'}]", 3, "scrape_interval", "groups[0].scrape_interval: not a duration: 15q"),
        ("groups:\n- name: g\n  members: [{name: m, url: 'http://x:1'}, {name: m, url: 'http://x:2'}]", 2, "name", "groups[0]: member name \"m\" is used twice"),
        ("groups:\n- name: g\n  external_labels:\n    0bad: x\n  members: [{url: 'http://x:1'}]", 4, "external_labels", "\"0bad\" is not a valid label name"),
        ("groups:\n- name: g\n  kind: shards\n  members: [{url: 'http://x:1'}]", 3, "kind", "groups[0].kind: unknown kind \"shards\""),
        ("gap_factor: 0.5\ngroups: [{name: g, members: [{url: 'http://x:1'}]}]", 1, "gap_factor", "gap_factor: must be a number ≥ 1"),
        ("failures_to_down: 0\ngroups: [{name: g, members: [{url: 'http://x:1'}]}]", 1, "failures_to_down", "failures_to_down: must be an integer ≥ 1"),
        ("groups:\n- name: g\n  shards: x\n  members: [{url: 'http://x:1'}]", 3, "shards", "groups[0].shards: must be an integer ≥ 1"),
        ("groups:\n- name: g\n  members: [{url: 'http://x:1', weight: 2}]", 3, "weight", "field weight not found in type router member"),
        ("groups:\n- members: [{url: 'http://x:1'}]", 2, "name", "groups[0].name: required"),
    ] as [(String, Int, String, String)])
    func badFiles(_ yaml: String, _ line: Int, _ field: String, _ message: String) {
        do {
            _ = try RouterFile.parse(yaml: yaml, filename: "router.yml")
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.file == "router.yml")
            #expect(error.line == line, "\(error)")
            #expect(error.field == field, "\(error)")
            #expect(error.message.contains(message), "\(error)")
            #expect(error.description.hasPrefix("router.yml:\(line): "), "\(error)")
        }
    }

    @Test func loadNamesTheFile() throws {
        let path = NSTemporaryDirectory() + "router-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).yml"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "groups:\n- name: g\n  members:\n  - url: ftp://x\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ConfigError.self) { try RouterFile.load(file: path) }
        do { _ = try RouterFile.load(file: path) } catch {
            #expect(error.description == "\(path):4: groups[0].members[0].url: required, http:// or https://")
        }
        #expect(throws: ConfigError.self) { try RouterFile.load(file: path + ".missing") }
    }
}
