import MetricModel
import Relabeling

/// prometheus.yml, as Prometheus reads it: defaults filled, globals inherited by every scrape
/// config, validated. Built by `PrometheusConfig.load(file:)` or `.parse(yaml:filename:)`; an
/// immutable value, safe to share. A failed load throws `ConfigError` naming file, line and field
/// (a reload keeps the running config when that happens).
public struct PrometheusConfig: Sendable {
    public var global = GlobalConfig()
    public var alerting = AlertingConfig()
    public var ruleFiles: [String] = []
    public var scrapeConfigFiles: [String] = []
    public var scrapeConfigs: [ScrapeConfig] = []
    /// `remote_write` entries as written (rendered back by `string()`); parsed in `remoteWriteConfigs`.
    public var remoteWrite: [RawYAML] = []
    /// `remote_write`, parsed and validated (protocol 1.0 sender in the Remote module).
    public var remoteWriteConfigs: [RemoteWriteConfig] = []
    /// Accepted and kept, not implemented yet (a warning is listed in `warnings`).
    public var remoteRead: [RawYAML] = []
    /// Other top-level sections Prometheus knows (`storage`, `tracing`, `otlp`, `runtime`): kept raw.
    public var otherSections: [(String, RawYAML)] = []
    /// Things accepted but not acted on (e.g. remote_write), for the caller to log.
    public var warnings: [String] = []
    /// The file this came from (as given).
    public var filename = "<string>"

    public init() {}

    static let yamlKeys = [
        "global", "runtime", "alerting", "rule_files", "scrape_config_files", "scrape_configs",
        "storage", "tracing", "remote_write", "remote_read", "otlp",
    ]

    /// The scrape config with this job name.
    public func scrapeConfig(job: String) -> ScrapeConfig? { scrapeConfigs.first { $0.jobName == job } }
}

/// The `global` section.
public struct GlobalConfig: Sendable {
    public var scrapeInterval = PromDuration.minutes(1)
    public var scrapeTimeout = PromDuration.seconds(10)
    public var evaluationInterval = PromDuration.minutes(1)
    public var ruleQueryOffset = PromDuration.zero
    /// Accepted; promfleet does not write a query log.
    public var queryLogFile = ""
    public var scrapeFailureLogFile = ""
    /// In file order; values have `$VAR` / `${VAR}` expanded from the environment like Prometheus.
    public var externalLabels: [(String, String)] = []
    public var limits = ScrapeLimits()
    public var scrapeProtocols: [String]?
    public var metricNameValidationScheme: NameValidationScheme = .legacy
    public var metricNameEscapingScheme = ""
    public var scrapeNativeHistograms: Bool?
    public var convertClassicHistogramsToNHCB = false
    public var alwaysScrapeClassicHistograms = false
    public var extraScrapeMetrics: Bool?

    public init() {}

    /// `external_labels` as a label set (empty values dropped, as Prometheus drops them).
    public var externalLabelSet: Labels { Labels(externalLabels) }

    static let yamlKeys = [
        "scrape_interval", "scrape_timeout", "scrape_protocols", "evaluation_interval", "rule_query_offset",
        "query_log_file", "scrape_failure_log_file", "external_labels", "body_size_limit", "sample_limit",
        "target_limit", "label_limit", "label_name_length_limit", "label_value_length_limit",
        "keep_dropped_targets", "metric_name_validation_scheme", "metric_name_escaping_scheme",
        "scrape_native_histograms", "convert_classic_histograms_to_nhcb", "always_scrape_classic_histograms",
        "extra_scrape_metrics",
    ]
}

/// Per-scrape limits (0 = no limit), set globally and overridden per job.
public struct ScrapeLimits: Hashable, Sendable {
    public var bodySizeLimit = ByteSize.zero
    public var sampleLimit: UInt64 = 0
    public var targetLimit: UInt64 = 0
    public var labelLimit: UInt64 = 0
    public var labelNameLengthLimit: UInt64 = 0
    public var labelValueLengthLimit: UInt64 = 0
    public var keepDroppedTargets: UInt64 = 0
    public init() {}

    /// Fields left at 0 take the global value (Prometheus's `ScrapeConfig.Validate`).
    func inheriting(_ g: ScrapeLimits) -> ScrapeLimits {
        var l = self
        if l.bodySizeLimit.bytes == 0 { l.bodySizeLimit = g.bodySizeLimit }
        if l.sampleLimit == 0 { l.sampleLimit = g.sampleLimit }
        if l.targetLimit == 0 { l.targetLimit = g.targetLimit }
        if l.labelLimit == 0 { l.labelLimit = g.labelLimit }
        if l.labelNameLengthLimit == 0 { l.labelNameLengthLimit = g.labelNameLengthLimit }
        if l.labelValueLengthLimit == 0 { l.labelValueLengthLimit = g.labelValueLengthLimit }
        if l.keepDroppedTargets == 0 { l.keepDroppedTargets = g.keepDroppedTargets }
        return l
    }
}

/// The `alerting` section.
public struct AlertingConfig: Sendable {
    public var alertRelabelConfigs: [RelabelConfig] = []
    public var alertmanagers: [AlertmanagerConfig] = []
    public init() {}
}

/// One entry of `alerting.alertmanagers`.
public struct AlertmanagerConfig: Sendable {
    public var scheme = "http"
    public var pathPrefix = ""
    public var timeout = PromDuration.seconds(10)
    public var apiVersion = "v2"
    public var httpClientConfig = HTTPClientConfig()
    public var staticConfigs: [TargetGroup] = []
    public var fileSDConfigs: [FileSDConfig] = []
    public var httpSDConfigs: [HTTPSDConfig] = []
    public var relabelConfigs: [RelabelConfig] = []
    public var alertRelabelConfigs: [RelabelConfig] = []
    public var sigv4: RawYAML?
    public init() {}

    static let yamlKeys = ["scheme", "path_prefix", "timeout", "api_version", "relabel_configs", "alert_relabel_configs", "sigv4"]
        + HTTPClientConfig.yamlKeys + ServiceDiscoveryKeys.supported
}
