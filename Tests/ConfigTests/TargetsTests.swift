import MetricModel
import Relabeling
import Testing
@testable import Config

func scrapeConfig(_ yaml: String) throws -> ScrapeConfig {
    let cfg = try PrometheusConfig.parse(yaml: yaml, filename: "test.yml")
    return try #require(cfg.scrapeConfigs.first)
}

@Suite struct TargetsTests {
    @Test func staticTargetDefaults() throws {
        let sc = try scrapeConfig("""
        global: {scrape_interval: 15s}
        scrape_configs:
          - job_name: node
            static_configs:
              - targets: ['10.0.0.1:9100']
                labels: {env: prod}
        """)
        let set = targets(for: sc, groups: sc.staticTargetGroups)
        #expect(set.dropped.isEmpty && set.failures.isEmpty)
        let t = try #require(set.active.first)
        #expect(t.labels == Labels(["env": "prod", "instance": "10.0.0.1:9100", "job": "node"]))
        #expect(t.url == "http://10.0.0.1:9100/metrics")
        #expect(t.scrapeInterval == .seconds(15) && t.scrapeTimeout == .seconds(10))
        #expect(t.scrapePool == "node" && t.source == "0")
        #expect(t.discoveredLabels == Labels([
            "__address__": "10.0.0.1:9100", "__metrics_path__": "/metrics", "__scheme__": "http",
            "__scrape_interval__": "15s", "__scrape_timeout__": "10s", "env": "prod", "job": "node",
        ]))
        #expect(t.allLabels.get("__address__") == "10.0.0.1:9100")
    }

    @Test func blackboxStyleRelabelingAndParams() throws {
        let sc = try scrapeConfig("""
        scrape_configs:
          - job_name: blackbox
            metrics_path: /probe
            params:
              module: [http_2xx, ignored]
              debug: ['true']
            static_configs:
              - targets: ['https://example.org/a b']
            relabel_configs:
              - source_labels: [__address__]
                target_label: __param_target
              - source_labels: [__param_target]
                target_label: instance
              - target_label: __address__
                replacement: 127.0.0.1:9115
        """)
        let t = try #require(targets(for: sc, groups: sc.staticTargetGroups).active.first)
        #expect(t.labels == Labels(["instance": "https://example.org/a b", "job": "blackbox"]))
        #expect(t.url == "http://127.0.0.1:9115/probe?debug=true&module=http_2xx&module=ignored&target=https%3A%2F%2Fexample.org%2Fa+b")
        #expect(t.allLabels.get("__param_module") == "http_2xx")
    }

    @Test func paramLabelOverridesFirstValue() throws {
        let sc = try scrapeConfig("""
        scrape_configs:
          - job_name: x
            params: {module: [a, b]}
            relabel_configs:
              - target_label: __param_module
                replacement: c
        """)
        let t = try #require(targets(for: sc, groups: [TargetGroup(targets: ["h:1"], source: "s")]).active.first)
        #expect(t.url == "http://h:1/metrics?module=c&module=b")
    }

    @Test func hashmodShardDropsAndKeepsDiscoveredLabels() throws {
        let sc = try scrapeConfig("""
        scrape_configs:
          - job_name: shard
            keep_dropped_targets: 2
            relabel_configs:
              - source_labels: [__address__]
                modulus: 2
                target_label: __tmp_hash
                action: hashmod
              - source_labels: [__tmp_hash]
                regex: '0'
                action: keep
        """)
        let addrs = (1...20).map { "127.0.0.1:\($0)" }
        let set = targets(for: sc, groups: [TargetGroup(targets: addrs, labels: ["__meta_x": "y"], source: "g")])
        let expectedKept = addrs.filter { MD5.hashmod($0, modulus: 2) == 0 }
        #expect(set.active.map { $0.labels.get("instance") } == expectedKept)
        #expect(set.active.allSatisfy { !$0.allLabels.has("__meta_x") && $0.allLabels.get("__tmp_hash") == "0" })
        #expect(set.dropped.count == 2)  // capped by keep_dropped_targets
        #expect(set.dropped.allSatisfy { $0.get("__meta_x") == "y" && !$0.has("__tmp_hash") })
    }

    @Test func relabeledIntervalAndSchemeAndFailures() throws {
        let sc = try scrapeConfig("""
        scrape_configs:
          - job_name: x
            scrape_interval: 1m
            relabel_configs:
              - source_labels: [__address__]
                regex: 'slow:.*'
                target_label: __scrape_interval__
                replacement: 5m
              - source_labels: [__address__]
                regex: 'tls:.*'
                target_label: __scheme__
                replacement: https
              - source_labels: [__address__]
                regex: 'bad:.*'
                target_label: __scrape_timeout__
                replacement: 2m
              - source_labels: [__address__]
                regex: 'gone:.*'
                target_label: __address__
                replacement: ''
        """)
        let set = targets(for: sc, groups: [TargetGroup(targets: ["slow:1", "tls:1", "bad:1", "gone:1"], source: "g")])
        #expect(set.active.map(\.url) == ["http://slow:1/metrics", "https://tls:1/metrics"])
        #expect(set.active[0].scrapeInterval == .minutes(5))
        #expect(set.failures.map(\.description) == [
            "instance 2 in group g: scrape timeout cannot be greater than scrape interval (\"2m\" > \"1m\")",
            "instance 3 in group g: no address",
        ])
    }

    @Test func duplicatesCollapsedAndJobLabelRelabelable() throws {
        let sc = try scrapeConfig("""
        scrape_configs:
          - job_name: pool
            relabel_configs:
              - target_label: job
                replacement: renamed
        """)
        let set = targets(for: sc, groups: [TargetGroup(targets: ["a:1", "a:1"], source: "0"), TargetGroup(targets: ["a:1"], source: "1")])
        #expect(set.active.count == 1)
        #expect(set.active[0].labels.get("job") == "renamed")
        #expect(set.active[0].scrapePool == "pool")
    }

    @Test func groupLabelsDoNotOverrideAddressAndInstanceKept() throws {
        let sc = try scrapeConfig("scrape_configs:\n  - job_name: x\n")
        let g = TargetGroup(targets: ["h:1"], labels: ["__address__": "other:2", "instance": "custom", "job": "fromgroup"], source: "s")
        let t = try #require(targets(for: sc, groups: [g]).active.first)
        #expect(t.url == "http://h:1/metrics")
        #expect(t.labels == Labels(["instance": "custom", "job": "fromgroup"]))
    }
}
