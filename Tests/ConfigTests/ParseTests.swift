import Foundation
import Relabeling
import Testing
@testable import Config

@Suite struct ParseTests {
    @Test func emptyDocumentIsDefaults() throws {
        let cfg = try PrometheusConfig.parse(yaml: "", filename: "empty.yml")
        #expect(cfg.global.scrapeInterval == .minutes(1) && cfg.global.scrapeTimeout == .seconds(10))
        #expect(cfg.global.evaluationInterval == .minutes(1))
        #expect(cfg.scrapeConfigs.isEmpty)
        let emptyGlobal = try PrometheusConfig.parse(yaml: "global:\n", filename: "g.yml")
        #expect(emptyGlobal.global.scrapeInterval == .minutes(1))
    }

    @Test func globalTimeoutDefaultCappedAtShortInterval() throws {
        let cfg = try PrometheusConfig.parse(yaml: "global:\n  scrape_interval: 5s\n")
        #expect(cfg.global.scrapeTimeout == .seconds(5))
    }

    @Test func externalLabelsExpandEnvironment() {
        let env = ["REGION": "eu", "ZONE": "b"]
        #expect(expandEnv("$REGION-${ZONE}", env) == "eu-b")
        #expect(expandEnv("cost $$5", env) == "cost $5")
        #expect(expandEnv("${MISSING}x", env) == "x")
        #expect(expandEnv("plain", env) == "plain")
    }

    @Test func relabelDefaultsAndNullRegex() throws {
        let sc = try scrapeConfig("""
        scrape_configs:
          - job_name: x
            relabel_configs:
              - source_labels: [a]
                target_label: b
              - regex:
                replacement: static
                target_label: c
              - action: LabelDrop
                regex: tmp_.*
        """)
        let r = sc.relabelConfigs
        #expect(r[0].separator == ";" && r[0].replacement == "$1" && r[0].action == .replace && r[0].regex.isDefault)
        #expect(r[1].regex.pattern == "" && !r[1].regex.isDefault)
        #expect(r[2].action == .labeldrop)
    }

    @Test(arguments: [
        ("scrape_configs:\n  - job_name: x\n    static_configs: nope\n", 3, "static_configs", "cannot unmarshal !!str `nope` into []*targetgroup.Group"),
        ("- a\n- b\n", 1, nil, "cannot unmarshal !!seq into config.Config"),
        ("scrape_configs:\n  - job_name: x\n    sample_limit: lots\n", 3, "sample_limit", "cannot unmarshal !!str `lots` into uint"),
        ("global:\n  external_labels: [a]\n", 2, "external_labels", "cannot unmarshal !!seq into model.LabelSet"),
    ] as [(String, Int, String?, String)])
    func typeErrorsNameTheField(_ yaml: String, _ line: Int, _ field: String?, _ message: String) {
        do {
            _ = try PrometheusConfig.parse(yaml: yaml, filename: "t.yml")
            Issue.record("accepted")
        } catch {
            #expect(error.file == "t.yml" && error.line == line && error.field == field && error.message == message, "\(error)")
        }
    }

    @Test func bearerTokenBecomesAuthorization() throws {
        let sc = try scrapeConfig("scrape_configs:\n  - job_name: x\n    bearer_token: tok\n")
        #expect(sc.httpClientConfig.authorization?.type == "Bearer")
        #expect(sc.httpClientConfig.authorization?.credentials.value == "tok")
        #expect(sc.httpClientConfig.authorization?.credentials.description == "<secret>")
    }

    @Test func scrapeProtocolsValidated() throws {
        let sc = try scrapeConfig("scrape_configs:\n  - job_name: x\n    scrape_protocols: [PrometheusText0.0.4, OpenMetricsText1.0.0]\n")
        #expect(sc.scrapeProtocols == ["PrometheusText0.0.4", "OpenMetricsText1.0.0"])
        #expect(throws: ConfigError.self) {
            _ = try PrometheusConfig.parse(yaml: "scrape_configs:\n  - job_name: x\n    scrape_protocols: [Carrier-Pigeon]\n")
        }
    }

    @Test func utf8SchemeAllowsDottedTargets() throws {
        let yaml = """
        global:
          metric_name_validation_scheme: utf8
        scrape_configs:
          - job_name: x
            relabel_configs:
              - target_label: service.name
                replacement: api
        """
        let sc = try scrapeConfig(yaml)
        #expect(sc.relabelConfigs[0].nameValidationScheme == .utf8)
        let legacy = yaml.replacingOccurrences(of: "utf8", with: "legacy")
        #expect(throws: ConfigError.self) { _ = try PrometheusConfig.parse(yaml: legacy) }
    }

    @Test func scrapeConfigFilesMergedWithUniqueJobs() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("promfleet-scf-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: dir + "/jobs", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        global: {scrape_interval: 20s}
        scrape_config_files: ['jobs/*.yml']
        scrape_configs:
          - job_name: main
        """.write(toFile: dir + "/prometheus.yml", atomically: true, encoding: .utf8)
        try "scrape_configs:\n  - job_name: extra\n    file_sd_configs: [{files: [sd.json]}]\n".write(toFile: dir + "/jobs/a.yml", atomically: true, encoding: .utf8)
        let cfg = try PrometheusConfig.load(file: dir + "/prometheus.yml")
        let all = try cfg.allScrapeConfigs()
        #expect(all.map(\.jobName) == ["main", "extra"])
        #expect(all[1].scrapeInterval == .seconds(20))
        #expect(all[1].fileSDConfigs[0].files == [dir + "/jobs/sd.json"])

        try "scrape_configs:\n  - job_name: main\n".write(toFile: dir + "/jobs/b.yml", atomically: true, encoding: .utf8)
        do {
            _ = try cfg.allScrapeConfigs()
            Issue.record("duplicate job across files accepted")
        } catch {
            #expect(error.file == dir + "/jobs/b.yml" && error.line == 2)
            #expect(error.message == "found multiple scrape configs with job name \"main\", first found in main config file")
        }
    }

    @Test func anchorsAliasesAndMergeKeys() throws {
        let cfg = try PrometheusConfig.parse(yaml: """
        scrape_configs:
          - job_name: a
            static_configs: &sc
              - targets: ['a:1']
            relabel_configs: &rl
              - target_label: x
                replacement: y
          - &common
            job_name: b
            scrape_interval: 7s
            static_configs: *sc
            relabel_configs: *rl
          - <<: *common
            job_name: c
        """, filename: "anchors.yml")
        #expect(cfg.scrapeConfigs.map(\.jobName) == ["a", "b", "c"])
        #expect(cfg.scrapeConfigs.map { $0.staticConfigs.first?.targets ?? [] } == [["a:1"], ["a:1"], ["a:1"]])
        #expect(cfg.scrapeConfigs[2].scrapeInterval == .seconds(7))
        #expect(cfg.scrapeConfigs[2].relabelConfigs.first?.targetLabel == "x")
    }

    @Test func changedJobsDetectable() throws {
        let base = "scrape_configs:\n  - job_name: a\n    relabel_configs: [{target_label: x, replacement: y}]\n  - job_name: b\n"
        let one = try PrometheusConfig.parse(yaml: base)
        let same = try PrometheusConfig.parse(yaml: "# comment\n" + base)
        let changed = try PrometheusConfig.parse(yaml: base.replacingOccurrences(of: "replacement: y", with: "replacement: z"))
        #expect(one.scrapeConfigs == same.scrapeConfigs)
        #expect(one.scrapeConfigs[0] != changed.scrapeConfigs[0])
        #expect(one.scrapeConfigs[1] == changed.scrapeConfigs[1])
        #expect(one.global == changed.global)
    }

    @Test func missingFileError() {
        #expect(throws: ConfigError.self) { _ = try PrometheusConfig.load(file: "/nonexistent/prometheus.yml") }
    }
}
