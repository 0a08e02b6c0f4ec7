import Catalog
import Foundation
import MetricModel
import Testing
@testable import Router

@Suite struct CatalogConfigTests {
    func spec(shards: Int, replicas: [String], base: Int) -> FleetSpec {
        var groups: [FleetSpec.Group] = (0..<shards).map { s in
            FleetSpec.Group(name: "shard-\(s)", kind: .shard, shardIndex: s, shardBy: ["__address__"], scrapeIntervalMs: 10_000,
                            members: replicas.enumerated().map { i, r in
                                FleetSpec.Member(name: "shard-\(s)-\(r)", role: .replica, replica: r,
                                                 address: "127.0.0.1:\(base + s * 10 + i)", dataDir: "/tmp/x")
                            })
        }
        groups.append(FleetSpec.Group(name: "router", kind: .router, scrapeIntervalMs: 10_000, members: [
            FleetSpec.Member(name: "router", role: .router, replica: "a", address: "127.0.0.1:9999", dataDir: "/tmp/r")]))
        return FleetSpec(fleet: "demo", dataDir: "/tmp/demo", source: "test", shardCount: shards, groups: groups)
    }

    @Test func followsTheCatalog() throws {
        let path = NSTemporaryDirectory() + "router-catalog-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let catalog = try Catalog(path: path)
        _ = try catalog.applyTopology(spec(shards: 2, replicas: ["a", "b"], base: 20_000), at: 1_000)
        var base = RouterConfig(mode: .merge, groups: [])
        base.replicaLabel = "rep"
        let c = RouterConfig.from(snapshot: try catalog.snapshot(fleet: "demo"), base: base)
        #expect(c.fleet == "demo")
        #expect(c.mode == .merge && c.replicaLabel == "rep")
        #expect(c.groups.map(\.name) == ["shard-0", "shard-1"])   // the router's own group is not a query group
        #expect(c.groups[1].shard == 1 && c.groups[1].shards == 2 && c.groups[1].shardBy == ["__address__"])
        #expect(c.groups[1].scrapeIntervalMs == 10_000)
        // External labels as `promfleet up` renders them into the members' prometheus.yml.
        #expect(c.groups[1].externalLabels == Labels(["fleet": "demo", "shard": "1"]))
        #expect(c.groups[1].members == [MemberConfig(name: "shard-1-a", replica: "a", url: "http://127.0.0.1:20010"),
                                        MemberConfig(name: "shard-1-b", replica: "b", url: "http://127.0.0.1:20011")])

        // A topology change (a third replica) shows up on the next read; health of kept members survives.
        let reg = MemberRegistry(config: c)
        reg.record("shard-0-a", ok: false, source: .probe, reason: "x")
        _ = try catalog.applyTopology(spec(shards: 2, replicas: ["a", "b", "c"], base: 20_000), at: 2_000)
        let c2 = RouterConfig.from(snapshot: try catalog.snapshot(fleet: "demo"), base: base)
        #expect(c2.groups[0].members.map(\.name) == ["shard-0-a", "shard-0-b", "shard-0-c"])
        reg.update(config: c2)
        #expect(reg.state(of: "shard-0-a") == .suspect)
        #expect(reg.state(of: "shard-0-c") == .up)
    }
}
