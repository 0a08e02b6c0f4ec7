import Catalog
import Fleet
import Testing

/// Command lines of the fleet's processes and what a topology change does to them.
struct ProcessPlanTests {
    static let yaml = """
        fleet: t
        data_dir: /d
        shards: 2
        replicas: 2
        ports: {base: 20000}
        exporter: {count: 6, series_per_target: 20, base_port: 21000}
        federation: {replicas: 1}
        router: {}
        """

    @Test func replicasExporterAndFederatorAsReplica() throws {
        let t = try Topology.parse(Self.yaml)
        let plan = ProcessPlanner(subcommands: ["replica", "exporter"]).plan(t, try Renderer.render(t))
        #expect(plan.processes.map(\.name) == ["exporter", "shard-0-a", "shard-0-b", "shard-1-a", "shard-1-b", "federator-a"])
        #expect(plan.processes[0].arguments
            == ["exporter", "--targets", "6", "--series", "20", "--listen-address", "127.0.0.1:21000"])
        #expect(plan.processes[0].readyPath == "/metrics")
        #expect(plan.processes[0].isCatalogMember == false)
        // router 20000, federator-a 20001, shard-0-a 20002 …
        #expect(plan.processes[1].arguments == [
            "replica", "--config.file", "/d/shard-0-a/prometheus.yml", "--storage.tsdb.path", "/d/shard-0-a/data",
            "--web.listen-address", "127.0.0.1:20002", "--web.enable-lifecycle"])
        #expect(plan.processes[1].logFile == "/d/shard-0-a/member.log")
        #expect(plan.processes[5].arguments == [
            "replica", "--config.file", "/d/federator-a/prometheus.yml", "--storage.tsdb.path", "/d/federator-a/data",
            "--web.listen-address", "127.0.0.1:20001", "--web.enable-lifecycle"])
        #expect(plan.skipped.map(\.name) == ["router"])
    }

    @Test func federatorAndRouterSubcommandsWhenPresent() throws {
        let t = try Topology.parse(Self.yaml)
        let plan = ProcessPlanner(subcommands: ["replica", "exporter", "federator", "router"]).plan(t, try Renderer.render(t))
        #expect(plan.skipped.isEmpty)
        let fed = try #require(plan.processes.first { $0.name == "federator-a" })
        #expect(fed.arguments.prefix(3) == ["federator", "--config.file", "/d/federator-a/federator.yml"])
        let router = try #require(plan.processes.last)
        #expect(router.arguments == ["router", "--config", "/d/router/router.yml", "--web.listen-address", "127.0.0.1:20000"])
        #expect(router.kind == .member(.router))
    }

    @Test func withoutReplicaNothingRuns() throws {
        let t = try Topology.parse(Self.yaml)
        let plan = ProcessPlanner(subcommands: []).plan(t, try Renderer.render(t))
        #expect(plan.processes.isEmpty)
        #expect(plan.skipped.count == 7)
    }

    @Test func reshardingStartsNewReplicasAndReloadsTheOthers() throws {
        let planner = ProcessPlanner(subcommands: ["replica", "exporter"])
        let old = try Topology.parse(Self.yaml)
        let new = try Topology.parse(Self.yaml.replacingOccurrences(of: "shards: 2", with: "shards: 3"))
        let (oc, nc) = (try Renderer.render(old), try Renderer.render(new))
        let change = FleetChange.between(
            old: planner.plan(old, oc).processes, oldFiles: Dictionary(uniqueKeysWithValues: oc.map { ($0.name, $0.files) }),
            new: planner.plan(new, nc).processes, newFiles: Dictionary(uniqueKeysWithValues: nc.map { ($0.name, $0.files) }))
        #expect(change.start == ["shard-2-a", "shard-2-b"])
        #expect(change.stop == [])
        #expect(change.restart == [])
        // The modulus changed in every replica's relabeling; the federator gained a /federate job.
        #expect(change.reload == ["shard-0-a", "shard-0-b", "shard-1-a", "shard-1-b", "federator-a"])
        #expect(change.unchanged == ["exporter"])
        #expect(change.summary == "start shard-2-a, shard-2-b; reload shard-0-a, shard-0-b, shard-1-a, shard-1-b, federator-a")
    }

    @Test func shrinkingStopsAndPortChangeRestarts() throws {
        let planner = ProcessPlanner(subcommands: ["replica", "exporter"])
        let old = try Topology.parse(Self.yaml)
        let new = try Topology.parse(Self.yaml.replacingOccurrences(of: "replicas: 2", with: "replicas: 1")
            .replacingOccurrences(of: "series_per_target: 20", with: "series_per_target: 30"))
        let (oc, nc) = (try Renderer.render(old), try Renderer.render(new))
        let change = FleetChange.between(
            old: planner.plan(old, oc).processes, oldFiles: Dictionary(uniqueKeysWithValues: oc.map { ($0.name, $0.files) }),
            new: planner.plan(new, nc).processes, newFiles: Dictionary(uniqueKeysWithValues: nc.map { ($0.name, $0.files) }))
        #expect(change.stop == ["shard-0-b", "shard-1-b"])
        // shard-1-a moved from port 20004 to 20003; the exporter's series flag changed.
        #expect(change.restart == ["exporter", "shard-1-a"])
        #expect(change.start == [])
        // shard-0-a's prometheus.yml is the same (no self-scrape); the federator lost shard targets.
        #expect(change.reload == ["federator-a"])
        #expect(change.unchanged == ["shard-0-a"])
    }

    @Test func sameTopologyChangesNothing() throws {
        let planner = ProcessPlanner(subcommands: ["replica", "exporter"])
        let t = try Topology.parse(Self.yaml)
        let c = try Renderer.render(t)
        let files = Dictionary(uniqueKeysWithValues: c.map { ($0.name, $0.files) })
        let change = FleetChange.between(old: planner.plan(t, c).processes, oldFiles: files,
                                         new: planner.plan(t, c).processes, newFiles: files)
        #expect(change.isEmpty)
        #expect(change.unchanged.count == 6)
        #expect(change.summary == "no change")
    }

    @Test func subcommandsFromHelp() {
        let help = """
            OVERVIEW: A Prometheus-compatible HA and federation cluster controller.

            USAGE: promfleet <subcommand>

            OPTIONS:
              --version               Show the version.

            SUBCOMMANDS:
              tsdb                    Work with TSDB directories (import, analyze).
              replica                 Run a Prometheus-compatible server: scrape targets
                                      from prometheus.yml, store, serve the HTTP API and
                                      /federate.
              exporter                Serve synthetic scrape targets.

              See 'promfleet help <subcommand>' for detailed help.
            """
        #expect(ProcessPlanner.subcommands(fromHelp: help) == ["tsdb", "replica", "exporter"])
        #expect(ProcessPlanner.subcommands(fromHelp: "USAGE: x") == [])
    }
}
