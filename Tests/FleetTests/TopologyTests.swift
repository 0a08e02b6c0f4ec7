import Catalog
import Config
import Fleet
import Testing

struct TopologyTests {
    @Test func demoTopology() throws {
        let t = try Topology.load(path: topologyPath("demo"))
        #expect(t.fleet == "demo")
        #expect(t.dataDir == "./data/demo")
        #expect(t.catalogPath == "./data/demo/catalog.sqlite")
        #expect(t.shards == 2 && t.replicas == 2)
        #expect(t.exporter == Topology.Exporter(count: 6, seriesPerTarget: 200, basePort: 19200))
        #expect(t.selfScrape)
        #expect(t.router == Topology.Router(port: nil, mode: .merge))
        #expect(t.limits == Limits(headSeries: 20000, samplesPerSecond: 5000, targets: 50, scrapeDurationRatio: 0.5,
                                   diskBytes: 1 << 30))
        let members = t.members()
        #expect(members.map(\.name) == ["router", "federator-a", "federator-b",
                                        "shard-0-a", "shard-0-b", "shard-1-a", "shard-1-b"])
        #expect(members.map(\.port) == Array(19090...19096))
        #expect(members[3].dataDir == "./data/demo/shard-0-a")
        #expect(members[3].address == "127.0.0.1:19093")
    }

    @Test func defaults() throws {
        let t = try Topology.parse("fleet: tiny\nself_scrape: true\n")
        #expect(t.replicas == 2 && t.shards == 1)
        #expect(t.shardBy == ["__address__"])
        #expect(t.scrapeInterval.milliseconds == 15_000)
        #expect(t.dataDir == FleetPaths.defaultDataDir(fleet: "tiny"))
        #expect(t.catalogPath == FleetPaths.defaultCatalog(fleet: "tiny"))
        #expect(t.members().map(\.name) == ["shard-0-a", "shard-0-b"])
        #expect(t.members().map(\.port) == [9090, 9091])
        #expect(t.federation == nil && t.router == nil)
    }

    @Test func addingShardsKeepsRouterAndFederatorPorts() throws {
        let two = try Topology.load(path: topologyPath("demo"))
        var three = two
        three.shards = 3
        let before = Dictionary(uniqueKeysWithValues: two.members().map { ($0.name, $0.port) })
        for m in three.members() where before[m.name] != nil { #expect(before[m.name] == m.port, "\(m.name)") }
        #expect(three.members().suffix(2).map(\.port) == [19097, 19098])
    }

    @Test func explicitPorts() throws {
        let t = try Topology.parse("""
            fleet: p
            self_scrape: true
            ports: {base: 7000, members: {shard-0-b: 7100}}
            router: {port: 7200}
            """)
        #expect(t.members().map(\.port) == [7200, 7001, 7100])
    }

    @Test(arguments: [("0s", 0), ("15s", 15_000), ("1m30s", 90_000), ("100ms", 100), ("2h", 7_200_000),
                      ("1d", 86_400_000), ("1s1m", nil), ("15", nil), ("s", nil), ("", nil)] as [(String, Int64?)])
    func durations(_ text: String, _ ms: Int64?) {
        #expect(PromDuration(text)?.milliseconds == ms)
    }

    static let bad: [(String, String, String, Int?)] = [
        ("fleet: f\nreplicas: 0\nself_scrape: true", "replicas", "must be at least 1 (got 0)", 2),
        ("fleet: f\nshards: 0\nself_scrape: true", "shards", "must be at least 1 (got 0)", 2),
        ("fleet: f\nshard_by: []\nself_scrape: true", "shard_by", "must name at least one label", 2),
        ("fleet: f\nshard_by: [job, 1x]\nself_scrape: true", "shard_by", "\"1x\" is not a valid label name", 2),
        ("fleet: f\nself_scrape: true\nreplicaz: 2", "replicaz", "unknown field", 3),
        ("fleet: f\nself_scrape: true\nrouter:\n  mode: failover\n  prt: 1", "router.prt", "unknown field", 5),
        ("fleet: f\nself_scrape: true\nshards: 2\nshards: 3", "shards", "duplicate field", 4),
        ("fleet: f\nself_scrape: true\nreplicas: two", "replicas", "must be an integer", 3),
        ("fleet: f\nself_scrape: true\nscrape_interval: 15", "scrape_interval", "not a positive duration", 3),
        ("fleet: F!\nself_scrape: true", "fleet", "must be lowercase letters", 1),
        ("self_scrape: true", "fleet", "is required", 1),
        ("fleet: f", "scrape_configs", "nothing to scrape", nil),
        ("fleet: f\nself_scrape: true\nrouter: {mode: random}", "router.mode", "must be failover or merge", 3),
        ("fleet: f\nself_scrape: true\nlimits:\n  head_series: -5", "limits.head_series", "must be greater than 0 (got -5)", 4),
        ("fleet: f\nself_scrape: true\nlimits:\n  disk_bytes: lots", "limits.disk_bytes", "must be a byte size", 4),
        ("fleet: f\nself_scrape: true\nfederation:\n  match: []", "federation.match", "at least one selector", 4),
        ("fleet: f\nself_scrape: true\nfederation:\n  replicas: 0", "federation.replicas", "must be at least 1", 4),
        ("fleet: f\nexporter:\n  count: 0", "exporter.count", "must be at least 1 (got 0)", 3),
        ("fleet: f\nscrape_configs:\n  - static_configs: []", "scrape_configs[0].job_name", "is required", 3),
        ("fleet: f\nscrape_configs:\n  - job_name: a\n  - job_name: a", "scrape_configs[1].job_name",
         "duplicate job name \"a\"", 4),
        ("fleet: f\nscrape_configs:\n  - job_name: exporter", "scrape_configs[0].job_name", "reserved", 3),
        // Port clashes: an explicit member port on another member's, the router on a replica, the
        // exporter's targets on members, a port beyond 65535.
        ("fleet: f\nself_scrape: true\nports:\n  base: 9000\n  members:\n    shard-0-b: 9000", "ports.members.shard-0-b",
         "port 9000 of shard-0-b clashes", 6),
        ("fleet: f\nself_scrape: true\nports: {base: 9000}\nrouter: {port: 9001}", "ports.base",
         "port 9001 of shard-0-a clashes with router", 3),
        ("fleet: f\nports: {base: 9000}\nexporter: {count: 3, base_port: 8999}", "exporter.base_port",
         "port 9000 of exporter target 1 clashes with shard-0-a", 3),
        ("fleet: f\nself_scrape: true\nports: {base: 65535}", "ports.base", "port 65536 is outside 1-65535", 3),
        ("fleet: f\nself_scrape: true\nports: {members: {shard-9-a: 1}}", "ports.members.shard-9-a", "no such member", 3),
        ("fleet: [", "", "not YAML", nil),
    ]

    @Test(arguments: bad)
    func refuses(_ yaml: String, _ field: String, _ reason: String, _ line: Int?) throws {
        let error = #expect(throws: TopologyError.self) { try Topology.parse(yaml) }
        let issue = error?.issues.first { $0.field == field }
        #expect(issue != nil, "no issue for \(field) in \(String(describing: error))")
        #expect(issue?.reason.contains(reason) == true, "\(String(describing: issue))")
        #expect(issue?.line == line, "\(String(describing: issue))")
    }

    @Test func errorNamesTheFile() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = dir.path("bad.yaml")
        try "fleet: f\nreplicas: 0\nself_scrape: true\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: TopologyError.self) { try Topology.load(path: path) }
        #expect(error?.description == "invalid topology:\n  \(path): line 2: replicas: must be at least 1 (got 0)")
    }

    @Test func duplicateFleetNamesAcrossTopologiesAreRefused() throws {
        let a = try Topology.parse("fleet: same\nself_scrape: true\n")
        let b = try Topology.parse("fleet: same\nself_scrape: true\ndata_dir: ./elsewhere\n")
        let error = #expect(throws: TopologyError.self) { try Topology.checkDistinct([("a.yaml", a), ("b.yaml", b)]) }
        #expect(error?.issues == [TopologyIssue(field: "fleet", reason: "duplicate fleet name \"same\" (a.yaml and b.yaml)")])
        let c = try Topology.parse("fleet: other\nself_scrape: true\n")
        try Topology.checkDistinct([("a.yaml", a), ("c.yaml", c)])
    }

    @Test func catalogSpecMatchesTheLayout() throws {
        let spec = try Topology.load(path: topologyPath("sharded")).catalogSpec()
        #expect(spec.shardCount == 3)
        #expect(spec.groups.map(\.name) == ["shard-0", "shard-1", "shard-2", "federator", "router"])
        #expect(spec.groups[1].members.map(\.address) == ["127.0.0.1:29095", "127.0.0.1:29096"])
        #expect(spec.groups[0].limits.headSeries == 1_000_000)
        #expect(spec.groups[3].scrapeIntervalMs == 30_000)
    }
}
