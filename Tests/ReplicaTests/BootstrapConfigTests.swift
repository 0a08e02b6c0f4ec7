import MetricModel
import Scrape
import Testing
@testable import Replica

@Suite struct BootstrapConfigTests {
    @Test func goodConfig() throws {
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
          - job_name: files
            scrape_interval: 1s
            honor_labels: true
            sample_limit: 100
            body_size_limit: 10KB
            file_sd_configs:
              - files: ["/tmp/x/*.json"]
                refresh_interval: 30s
        """, file: "p.yml")
        #expect(c.externalLabels == Labels(["replica": "a"]))
        #expect(c.pools.count == 2)
        #expect(c.pools[0].pool.settings.intervalMs == 5000)
        #expect(c.pools[0].pool.settings.timeoutMs == 5000)
        #expect(c.pools[1].pool.settings.intervalMs == 1000 && c.pools[1].pool.settings.honorLabels)
        #expect(c.pools[1].pool.settings.sampleLimit == 100 && c.pools[1].pool.settings.bodySizeLimit == 10 * 1024)
        guard case .staticGroups(let g) = c.pools[0].sources[0] else { Issue.record("static"); return }
        #expect(g[0].targets.count == 2 && g[0].labels == ["env": "test"])
        guard case .file(let paths, let refresh) = c.pools[1].sources[0] else { Issue.record("file"); return }
        #expect(paths == ["/tmp/x/*.json"] && refresh == 30_000)
    }

    @Test(arguments: [
        ("scrape_configs:\n  - job_name: a\n    scrape_intervall: 5s\n", 3, "field scrape_intervall not found"),
        ("global:\n  scrape_interval: five\n", 2, "not a valid duration"),
        ("scrape_configs:\n  - job_name: a\n  - job_name: a\n", 3, "found multiple scrape configs with job name \"a\""),
        ("scrape_configs:\n  - job_name: a\n    scrape_interval: 1s\n    scrape_timeout: 2s\n", 2, "scrape timeout greater than scrape interval"),
    ])
    func badConfigNamesLineAndField(yaml: String, line: Int, message: String) {
        do {
            _ = try ReplicaConfig.parse(yaml, file: "bad.yml")
            Issue.record("expected an error")
        } catch let e as ConfigLoadError {
            #expect(e.line == line, "\(e)")
            #expect(e.description.contains(message), "\(e)")
            #expect(e.description.hasPrefix("bad.yml:"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
