import Config
import MetricModel
import Scrape
import Testing
@testable import Replica

@Suite struct ReplicaConfigTests {
    @Test func mapsScrapeConfigsToPools() throws {
        let c = try ReplicaConfig.parse("""
        global:
          scrape_interval: 5s
          external_labels:
            replica: a
        scrape_configs:
          - job_name: synth
            static_configs:
              - targets: ["127.0.0.1:1", "127.0.0.1:2"]
                labels: {env: test}
            relabel_configs:
              - source_labels: [__address__]
                regex: ".*:2"
                action: drop
            metric_relabel_configs:
              - source_labels: [__name__]
                regex: "drop_.*"
                action: drop
          - job_name: files
            scrape_interval: 1s
            honor_labels: true
            sample_limit: 100
            body_size_limit: 10KB
            basic_auth: {username: u, password: p}
            file_sd_configs:
              - files: ["/tmp/x/*.json"]
                refresh_interval: 30s
        """, file: "p.yml")
        #expect(c.externalLabels == Labels(["replica": "a"]))
        #expect(c.pools.count == 2)
        let synth = c.pools[0].pool, files = c.pools[1].pool
        #expect(synth.settings.intervalMs == 5000 && synth.settings.timeoutMs == 5000)
        #expect(files.settings.intervalMs == 1000 && files.settings.honorLabels)
        #expect(files.settings.sampleLimit == 100 && files.settings.bodySizeLimit == 10 * 1024)
        #expect(files.settings.auth == .basic(username: "u", password: "p"))
        guard case .staticGroups(let g) = c.pools[0].sources[0] else { Issue.record("static"); return }
        // Population through Config: relabel_configs drop :2, instance defaults to the address.
        guard let populate = synth.populate else { Issue.record("no populate"); return }
        let populated = populate(g)
        #expect(populated.targets.map(\.labels) == [Labels(["env": "test", "instance": "127.0.0.1:1", "job": "synth"])])
        #expect(populated.targets.first?.url == "http://127.0.0.1:1/metrics")
        #expect(populated.dropped.count == 1)
        guard let mr = synth.settings.metricRelabel else { Issue.record("no metric relabel"); return }
        #expect(mr(Labels(["__name__": "drop_me"])) == nil)
        #expect(mr(Labels(["__name__": "keep"])) == Labels(["__name__": "keep"]))
        guard case .file(let paths, let refresh) = c.pools[1].sources[0] else { Issue.record("file"); return }
        #expect(paths == ["/tmp/x/*.json"] && refresh == 30_000)
    }

    @Test func badConfigNamesFileLineAndField() {
        do {
            _ = try ReplicaConfig.parse("scrape_configs:\n  - job_name: a\n    scrape_intervall: 5s\n", file: "bad.yml")
            Issue.record("expected an error")
        } catch let e as ConfigError {
            #expect(e.line == 3)
            #expect(e.description.hasPrefix("bad.yml:3: "))
            #expect(e.description.contains("scrape_intervall"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func discoveredFilesParseJSONAndYAML() throws {
        let j = try ReplicaConfig.parseDiscovered("/sd/a.json", Array(#"[{"targets":["h:1"],"labels":{"x":"y"}}]"#.utf8))
        #expect(j.count == 1 && j[0].targets == [["__address__": "h:1"]] && j[0].labels["x"] == "y")
        let y = try ReplicaConfig.parseDiscovered("/sd/b.yml", Array("- targets: ['h:2', 'h:3']\n".utf8))
        #expect(y.first?.targets.count == 2 && y.first?.labels["__meta_filepath"] == "/sd/b.yml")
    }
}
