import Catalog
import Fleet
import Foundation
import Testing
import Yams

struct RenderTests {
    /// Rendered configs of topologies/sharded.yaml, byte for byte. Refresh with
    /// `PROMFLEET_UPDATE_GOLDEN=1 swift test --filter FleetTests`.
    @Test func goldenShardedRender() throws {
        let configs = try Renderer.render(try Topology.load(path: topologyPath("sharded")))
        let golden = testsDir.appendingPathComponent("Golden/sharded")
        let update = ProcessInfo.processInfo.environment["PROMFLEET_UPDATE_GOLDEN"] == "1"
        if update {
            try? FileManager.default.removeItem(at: golden)
            try Renderer.write(configs, to: golden.path)
        }
        let expectedMembers = try FileManager.default.contentsOfDirectory(atPath: golden.path).sorted()
        #expect(configs.map(\.name).sorted() == expectedMembers)
        for config in configs {
            for file in config.files {
                let path = golden.appendingPathComponent("\(config.name)/\(file.name)")
                let expected = try String(contentsOf: path, encoding: .utf8)
                #expect(file.contents == expected, "\(config.name)/\(file.name) differs from the golden file")
            }
        }
    }

    @Test func renderIsDeterministic() throws {
        let t = try Topology.load(path: topologyPath("demo"))
        #expect(try Renderer.render(t) == Renderer.render(t))
    }

    @Test func memberDirectories() throws {
        let configs = try Renderer.render(try Topology.load(path: topologyPath("sharded")))
        #expect(configs.map(\.name) == ["shard-0-a", "shard-0-b", "shard-1-a", "shard-1-b", "shard-2-a", "shard-2-b",
                                        "federator-a", "federator-b", "router"])
        #expect(configs.map { $0.files.map(\.name) }.last == ["router.yml"])
        #expect(configs[6].files.map(\.name) == ["prometheus.yml", "federator.yml"])
        #expect(configs[0].dataDir == "./data/sharded/shard-0-a")
    }

    /// Each shard replica keeps exactly its slice: hashmod over shard_by with modulus = shards,
    /// then keep its index; external labels name fleet, shard and replica.
    @Test func shardReplicaConfig() throws {
        let t = try Topology.load(path: topologyPath("demo"))
        let configs = try Renderer.render(t)
        for config in configs where config.role == .replica {
            let root = try #require(try Yams.load(yaml: config.file("prometheus.yml")!) as? [String: Any])
            let global = root["global"] as! [String: Any]
            #expect(global["external_labels"] as? [String: String] == [
                "fleet": "demo", "shard": String(config.member.shardIndex!), "replica": config.member.replica,
            ])
            #expect(global["scrape_interval"] as? String == "5s")
            let jobs = root["scrape_configs"] as! [[String: Any]]
            #expect(jobs.map { $0["job_name"] as! String } == ["exporter", "promfleet"])
            for job in jobs {
                let rules = job["relabel_configs"] as! [[String: Any]]
                #expect(rules.count == 2)
                #expect(rules[0]["action"] as? String == "hashmod")
                #expect(rules[0]["source_labels"] as? [String] == ["__address__"])
                #expect(rules[0]["modulus"] as? Int == 2)
                #expect(rules[0]["target_label"] as? String == "__tmp_hash")
                #expect(rules[1]["action"] as? String == "keep")
                #expect(rules[1]["regex"] as? String == String(config.member.shardIndex!))
            }
            let exporterTargets = ((jobs[0]["static_configs"] as! [[String: Any]])[0]["targets"]) as? [String]
            #expect(exporterTargets == (19200...19205).map { "127.0.0.1:\($0)" })
            let selfTargets = (jobs[1]["static_configs"] as! [[String: Any]]).flatMap { $0["targets"] as! [String] }
            #expect(selfTargets == (19090...19096).map { "127.0.0.1:\($0)" })
        }
    }

    @Test func federatorAndRouterConfigs() throws {
        let t = try Topology.load(path: topologyPath("demo"))
        let configs = try Renderer.render(t)
        let fed = try #require(configs.first { $0.name == "federator-b" })
        let prom = try #require(try Yams.load(yaml: fed.file("prometheus.yml")!) as? [String: Any])
        let jobs = prom["scrape_configs"] as! [[String: Any]]
        #expect(jobs.map { $0["job_name"] as! String } == ["federate-shard-0", "federate-shard-1"])
        #expect(jobs[1]["honor_labels"] as? Bool == true)
        #expect(jobs[1]["metrics_path"] as? String == "/federate")
        #expect((jobs[1]["params"] as? [String: [String]])?["match[]"] == ["{job=~\"exporter|promfleet\"}"])
        #expect((jobs[1]["static_configs"] as! [[String: Any]])[0]["targets"] as? [String]
                == ["127.0.0.1:19095", "127.0.0.1:19096"])
        #expect((prom["global"] as! [String: Any])["external_labels"] as? [String: String] == ["fleet": "demo", "replica": "b"])

        let own = try #require(try Yams.load(yaml: fed.file("federator.yml")!) as? [String: Any])
        #expect(own["replica"] as? String == "b")
        let sources = own["sources"] as! [[String: Any]]
        #expect(sources.map { $0["shard"] as! Int } == [0, 1])
        #expect((sources[0]["replicas"] as! [[String: String]]).map { $0["url"]! }
                == ["http://127.0.0.1:19093", "http://127.0.0.1:19094"])

        let router = try #require(configs.first { $0.role == .router })
        let r = try #require(try Yams.load(yaml: router.file("router.yml")!) as? [String: Any])
        #expect(r["mode"] as? String == "merge")
        #expect(r["listen_address"] as? String == "127.0.0.1:19090")
        let groups = r["groups"] as! [[String: Any]]
        #expect(groups.map { $0["name"] as! String } == ["shard-0", "shard-1", "federator"])
        #expect(groups.map { $0["scrape_interval"] as! String } == ["5s", "5s", "15s"])
        #expect((groups[2]["members"] as! [[String: String]]).map { $0["name"]! } == ["federator-a", "federator-b"])
    }

    @Test func userRelabelRulesComeFirstAndSurviveVerbatim() throws {
        let configs = try Renderer.render(try Topology.load(path: topologyPath("sharded")))
        let root = try #require(try Yams.load(yaml: configs[0].file("prometheus.yml")!) as? [String: Any])
        let app = (root["scrape_configs"] as! [[String: Any]])[1]
        let rules = app["relabel_configs"] as! [[String: Any]]
        #expect(rules.map { $0["action"] as? String } == [nil, "hashmod", "keep"])
        #expect(rules[0]["replacement"] as? String == "${1}")
        #expect(rules[0]["regex"] as? String == "(.*):8080")
        #expect(((root["scrape_configs"] as! [[String: Any]])[0]["scrape_interval"]) as? String == "30s")
    }

    @Test func writeCreatesOneDirectoryPerMember() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let configs = try Renderer.render(try Topology.load(path: topologyPath("ha-pair")))
        try Renderer.write(configs, to: dir.path("out"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("out")).sorted()
                == ["router", "shard-0-a", "shard-0-b"])
        #expect(try String(contentsOfFile: dir.path("out/shard-0-b/prometheus.yml"), encoding: .utf8)
                == configs[1].file("prometheus.yml"))
    }
}
