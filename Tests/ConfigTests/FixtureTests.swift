import Foundation
import MetricModel
import Relabeling
import Testing
@testable import Config

/// The Fixtures directory beside these tests (copied as a resource).
func fixturePath(_ name: String) -> String {
    if let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) {
        return url.appendingPathComponent(name).path
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
}

func fixtureText(_ name: String) throws -> String {
    try String(contentsOfFile: fixturePath(name), encoding: .utf8)
}

struct BadFixture: CustomTestStringConvertible, Sendable {
    let file: String
    let line: Int
    let message: String
    /// Whether Prometheus 2.42's `promtool check config` rejects the file too (false where
    /// promfleet is stricter on purpose or newer Prometheus changed the rule).
    var prometheusRejects = true
    var field: String? = nil
    var testDescription: String { file }
}

/// Each *.bad.yml with the line and the message (substring) its error must carry.
let badFixtures: [BadFixture] = [
    BadFixture(file: "unknown_field.bad.yml", line: 12, message: "field scrape_intervall not found in type config.ScrapeConfig", field: "scrape_intervall"),
    BadFixture(file: "unknown_global_field.bad.yml", line: 3, message: "field evaluation_intervals not found in type config.GlobalConfig"),
    BadFixture(file: "unknown_top_level.bad.yml", line: 3, message: "field scrape_config not found in type config.Config"),
    BadFixture(file: "timeout_gt_interval.bad.yml", line: 4, message: "scrape timeout greater than scrape interval for scrape config with job name \"slow\"", field: "scrape_timeout"),
    BadFixture(file: "global_timeout_gt_interval.bad.yml", line: 3, message: "global scrape timeout greater than scrape interval"),
    BadFixture(file: "bad_duration.bad.yml", line: 5, message: "scrape_interval: unknown unit \"x\" in duration \"30x\"", field: "scrape_interval"),
    BadFixture(file: "bad_duration_order.bad.yml", line: 2, message: "evaluation_interval: not a valid duration string: \"30s1m\""),
    BadFixture(file: "bad_regex.bad.yml", line: 7, message: "error parsing regexp", field: "regex"),
    BadFixture(file: "lookahead_regex.bad.yml", line: 5, message: "invalid or unsupported Perl syntax: `(?!`"),
    BadFixture(file: "missing_job_name.bad.yml", line: 5, message: "job_name is empty"),
    BadFixture(file: "duplicate_job_name.bad.yml", line: 8, message: "found multiple scrape configs with job name \"node\""),
    BadFixture(file: "hashmod_no_modulus.bad.yml", line: 4, message: "relabel configuration for hashmod requires non-zero modulus"),
    BadFixture(file: "invalid_scheme.bad.yml", line: 3, message: "invalid scheme \"ftp\" for scrape config with job name \"ftp\"", prometheusRejects: false, field: "scheme"),
    BadFixture(file: "unknown_action.bad.yml", line: 5, message: "unknown relabel action \"keepit\""),
    BadFixture(file: "labeldrop_with_source.bad.yml", line: 6, message: "labeldrop action requires only 'regex', and no other fields"),
    BadFixture(file: "url_as_target.bad.yml", line: 4, message: "\"http://localhost:9100/metrics\" is not a valid hostname"),
    BadFixture(file: "bearer_and_authorization.bad.yml", line: 4, message: "authorization is not compatible with bearer_token & bearer_token_file"),
    BadFixture(file: "kubernetes_sd.bad.yml", line: 3, message: "kubernetes_sd_configs is not supported by promfleet"),
    BadFixture(file: "bad_bool.bad.yml", line: 3, message: "cannot unmarshal !!str `maybe` into bool"),
    BadFixture(file: "duplicate_key.bad.yml", line: 4, message: "field metrics_path already set in type config.ScrapeConfig"),
    BadFixture(file: "file_sd_bad_ext.bad.yml", line: 4, message: "path name \"targets/*.txt\" is not valid for file discovery"),
    BadFixture(file: "empty_relabel.bad.yml", line: 4, message: "empty or null target relabeling rule in scrape config"),
    BadFixture(file: "invalid_label_name.bad.yml", line: 4, message: "\"bad-name\" is not a valid label name"),
    BadFixture(file: "bad_yaml.bad.yml", line: 5, message: "yaml: "),
    BadFixture(file: "negative_limit.bad.yml", line: 3, message: "cannot unmarshal !!int `-5` into uint"),
    BadFixture(file: "bad_body_size.bad.yml", line: 2, message: "body_size_limit: units: unknown unit XB in 10XB"),
    BadFixture(file: "http_sd_bad_scheme.bad.yml", line: 4, message: "URL scheme must be 'http' or 'https'"),
    BadFixture(file: "alertmanager_v1.bad.yml", line: 3, message: "expected Alertmanager api version to be one of [v2] but got v1", prometheusRejects: false),
    BadFixture(file: "rule_file_pattern.bad.yml", line: 2, message: "invalid rule file path \"rules/*/alerts.yml\""),
    BadFixture(file: "empty_action.bad.yml", line: 6, message: "relabel action cannot be empty"),
    BadFixture(file: "empty_static_config.bad.yml", line: 5, message: "empty or null section in static_configs"),
    BadFixture(file: "body_size_without_unit.bad.yml", line: 3, message: "body_size_limit: units: unknown unit  in 100"),
    // 2.42 rejects these only as unknown fields (it predates them); Prometheus 3 rejects them for our reason.
    BadFixture(file: "escaping_conflict.bad.yml", line: 3, message: "utf8 metric names requested but validation scheme is not set to UTF8", prometheusRejects: false),
    BadFixture(file: "validation_scheme.bad.yml", line: 2, message: "unrecognized ValidationScheme: \"invalid_scheme\"", prometheusRejects: false),
    BadFixture(file: "keepequal_extra_field.bad.yml", line: 4, message: "keepequal action requires only 'source_labels' and `target_label`, and no other fields"),
    BadFixture(file: "http_sd_no_host.bad.yml", line: 4, message: "host is missing in URL"),
    BadFixture(file: "remote_write_url_missing.bad.yml", line: 2, message: "url for remote_write is empty"),
    BadFixture(file: "remote_write_dup.bad.yml", line: 4, message: "found multiple remote write configs with job name \"queue1\""),
    BadFixture(file: "remote_write_header.bad.yml", line: 5, message: "x-prometheus-remote-write-version is a reserved header. It must not be changed"),
    BadFixture(file: "remote_write_authorization_header.bad.yml", line: 4, message: "authorization header must be changed via the basic_auth, authorization"),
    BadFixture(file: "remote_write_unknown_queue_field.bad.yml", line: 5, message: "field max_shard not found in type config.QueueConfig"),
    BadFixture(file: "remote_write_null_relabel.bad.yml", line: 4, message: "empty or null relabeling rule in remote write config"),
]

@Suite struct FixtureTests {
    @Test(arguments: badFixtures)
    func badFixture(_ f: BadFixture) throws {
        let path = fixturePath(f.file)
        do {
            _ = try PrometheusConfig.load(file: path)
            Issue.record("\(f.file) loaded without error")
        } catch {
            #expect(error.file == path)
            #expect(error.line == f.line, "\(error)")
            #expect(error.message.contains(f.message), "\(error)")
            #expect(error.description.hasPrefix("\(path):\(f.line): "))
            if let field = f.field { #expect(error.field == field) }
        }
    }

    /// Every *.bad.yml in Fixtures has an expectation above (none silently untested).
    @Test func everyBadFixtureListed() throws {
        let dir = (fixturePath("x") as NSString).deletingLastPathComponent
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".bad.yml") }
        #expect(Set(files) == Set(badFixtures.map(\.file)))
    }

    @Test(arguments: ["prometheus.good.yml", "minimal.good.yml", "remote_write.good.yml", "remote_write_full.good.yml", "global_limits.good.yml", "targets_compare.good.yml"])
    func goodFixtureLoads(_ name: String) throws {
        let cfg = try PrometheusConfig.load(file: fixturePath(name))
        #expect(cfg.filename == fixturePath(name))
        // The rendered effective config parses back to the same effective config.
        let again = try PrometheusConfig.parse(yaml: cfg.string(), filename: "rendered")
        #expect(again.string() == cfg.string())
        #expect(again.scrapeConfigs.map(\.jobName) == cfg.scrapeConfigs.map(\.jobName))
    }

    @Test func realisticConfigValues() throws {
        let path = fixturePath("prometheus.good.yml")
        let dir = (path as NSString).deletingLastPathComponent
        let cfg = try PrometheusConfig.load(file: path)
        let g = cfg.global
        #expect(g.scrapeInterval == .seconds(15))
        #expect(g.scrapeTimeout == .seconds(10))
        #expect(g.evaluationInterval == .seconds(30))
        #expect(g.externalLabels.map(\.0) == ["cluster", "replica"])
        #expect(g.externalLabels.map(\.1) == ["eu-west-1", "a"])
        #expect(g.externalLabelSet == Labels(["cluster": "eu-west-1", "replica": "a"]))
        #expect(g.limits == ScrapeLimits())
        #expect(cfg.ruleFiles == ["\(dir)/rules/*.yml", "/etc/prometheus/alerts.yml"])
        #expect(cfg.alerting.alertmanagers.count == 1)
        #expect(cfg.alerting.alertmanagers[0].timeout == .seconds(5))
        #expect(cfg.alerting.alertmanagers[0].staticConfigs[0].targets == ["alertmanager-0:9093", "alertmanager-1:9093"])
        #expect(cfg.alerting.alertRelabelConfigs.first?.action == .labeldrop)
        #expect(cfg.scrapeConfigs.map(\.jobName) == ["prometheus", "node", "blackbox", "secure-app", "api-with-token", "pushgateway"])

        let prom = try #require(cfg.scrapeConfig(job: "prometheus"))
        #expect(prom.scrapeInterval == .seconds(15) && prom.scrapeTimeout == .seconds(10))
        #expect(prom.metricsPath == "/metrics" && prom.scheme == "http" && prom.honorTimestamps && !prom.honorLabels)
        #expect(prom.limits == ScrapeLimits())

        let node = try #require(cfg.scrapeConfig(job: "node"))
        #expect(node.scrapeInterval == .seconds(30))
        #expect(node.fileSDConfigs[0].files == ["\(dir)/targets/node-*.json", "\(dir)/targets/node.yml"])
        #expect(node.fileSDConfigs[0].refreshInterval == .minutes(1))
        #expect(node.relabelConfigs.map(\.action) == [.replace, .hashmod, .keep])
        #expect(node.relabelConfigs[1].modulus == 4)
        #expect(node.metricRelabelConfigs[0].regex.matches("node_scrape_collector_success"))

        let bb = try #require(cfg.scrapeConfig(job: "blackbox"))
        #expect(bb.scrapeTimeout == .seconds(5) && bb.metricsPath == "/probe")
        #expect(bb.params.map(\.0) == ["module"] && bb.params[0].1 == ["http_2xx"])
        #expect(bb.staticConfigs[0].labels == ["team": "web"])

        let secure = try #require(cfg.scrapeConfig(job: "secure-app"))
        #expect(secure.scheme == "https" && secure.honorLabels)
        #expect(secure.httpClientConfig.basicAuth?.username == "prom")
        #expect(secure.httpClientConfig.basicAuth?.password.value == "s3cret")
        #expect(secure.httpClientConfig.tlsConfig.caFile == "\(dir)/certs/ca.pem")
        #expect(secure.limits.sampleLimit == 1000)

        let api = try #require(cfg.scrapeConfig(job: "api-with-token"))
        #expect(api.scrapeInterval == PromDuration(milliseconds: 90_000))
        #expect(api.httpClientConfig.authorization?.type == "Bearer")
        #expect(api.httpClientConfig.authorization?.credentialsFile == "/var/run/secrets/token")
        #expect(api.httpSDConfigs[0].url == "http://sd.internal:8080/targets" && api.httpSDConfigs[0].refreshInterval == .minutes(2))
        #expect(api.limits.bodySizeLimit.bytes == 1024 * 1024 * 1024 + 512 * 1024 * 1024)

        let pg = try #require(cfg.scrapeConfig(job: "pushgateway"))
        #expect(!pg.honorTimestamps)
        #expect(pg.httpClientConfig.authorization?.credentials.value == "abc123")
    }

    @Test func globalLimitsInheritedAndTimeoutCapped() throws {
        let path = fixturePath("global_limits.good.yml")
        let cfg = try PrometheusConfig.load(file: path)
        let l = cfg.global.limits
        #expect(l.bodySizeLimit.bytes == 10 << 20 && l.sampleLimit == 50000 && l.labelLimit == 64)
        #expect(l.labelNameLengthLimit == 128 && l.labelValueLengthLimit == 2048 && l.targetLimit == 500 && l.keepDroppedTargets == 100)
        #expect(cfg.global.queryLogFile == (path as NSString).deletingLastPathComponent + "/queries.log")
        let inherits = try #require(cfg.scrapeConfig(job: "inherits"))
        #expect(inherits.limits == l)
        #expect(inherits.scrapeInterval == .seconds(20) && inherits.scrapeTimeout == .seconds(15))
        let overrides = try #require(cfg.scrapeConfig(job: "overrides"))
        #expect(overrides.limits.sampleLimit == 10 && overrides.limits.bodySizeLimit.bytes == 512 << 10)
        #expect(overrides.limits.labelLimit == 64)
        // The global timeout (15s) is capped at the job's own interval (5s), as Prometheus does.
        #expect(overrides.scrapeInterval == .seconds(5) && overrides.scrapeTimeout == .seconds(5))
    }

    @Test func renderedConfigHidesSecretsAndShowsDefaults() throws {
        let cfg = try PrometheusConfig.load(file: fixturePath("prometheus.good.yml"))
        let text = cfg.string()
        #expect(!text.contains("s3cret") && !text.contains("abc123"))
        #expect(text.contains("password: <secret>"))
        #expect(text.contains("credentials: <secret>"))
        #expect(text.contains("scrape_timeout: 10s"))
        #expect(text.contains("body_size_limit: 1GiB512MiB"))
        #expect(text.contains("replica: a"))
        #expect(text.contains("scrape_interval: 1m30s"))
        #expect(text.contains("metrics_path: /metrics"))
    }

    @Test func remoteWriteParsedWithoutWarning() throws {
        let cfg = try PrometheusConfig.load(file: fixturePath("remote_write.good.yml"))
        #expect(cfg.remoteWrite.count == 1)
        #expect(cfg.remoteWrite[0].yaml.contains("cortex:9009"))
        #expect(cfg.warnings.isEmpty)
        #expect(cfg.remoteWriteConfigs.count == 1)
        #expect(cfg.remoteWriteConfigs[0].url == "http://cortex:9009/api/v1/push")
        #expect(cfg.remoteWriteConfigs[0].queueConfig.maxShards == 10)
        #expect(cfg.otherSections.map(\.0) == ["storage"])
        #expect(cfg.string().contains("max_shards: 10"))
    }
}
