import Relabeling

/// One `scrape_configs` entry, with the globals already applied (interval, timeout, limits).
public struct ScrapeConfig: Sendable {
    public var jobName = ""
    public var honorLabels = false
    public var honorTimestamps = true
    public var trackTimestampsStaleness = false
    /// Query parameters, in file order; `__param_<name>` takes the first value.
    public var params: [(String, [String])] = []
    public var scrapeInterval = PromDuration.zero
    public var scrapeTimeout = PromDuration.zero
    public var scrapeProtocols: [String]?
    public var fallbackScrapeProtocol: String?
    public var metricsPath = "/metrics"
    public var scheme = "http"
    public var enableCompression = true
    public var limits = ScrapeLimits()
    public var httpClientConfig = HTTPClientConfig()
    public var staticConfigs: [TargetGroup] = []
    public var fileSDConfigs: [FileSDConfig] = []
    public var httpSDConfigs: [HTTPSDConfig] = []
    public var relabelConfigs: [RelabelConfig] = []
    public var metricRelabelConfigs: [RelabelConfig] = []
    /// Accepted native-histogram and naming settings (kept, not acted on yet).
    public var scrapeNativeHistograms: Bool?
    public var alwaysScrapeClassicHistograms: Bool?
    public var convertClassicHistogramsToNHCB: Bool?
    public var nativeHistogramBucketLimit: UInt64 = 0
    public var nativeHistogramMinBucketFactor: Double = 0
    public var metricNameValidationScheme: NameValidationScheme = .legacy
    public var metricNameEscapingScheme = ""
    public var scrapeFailureLogFile = ""
    public var extraScrapeMetrics: Bool?
    /// 1-based line of this entry in its file (0 when built in code).
    public var line = 0

    public init(jobName: String) { self.jobName = jobName }

    /// The static target groups with Prometheus's sources (`"0"`, `"1"`, … per static config).
    public var staticTargetGroups: [TargetGroup] {
        staticConfigs.enumerated().map { i, g in TargetGroup(targets: g.targets, labels: g.labels, source: String(i)) }
    }

    static let yamlKeys = [
        "job_name", "honor_labels", "honor_timestamps", "track_timestamps_staleness", "params",
        "scrape_interval", "scrape_timeout", "scrape_protocols", "fallback_scrape_protocol",
        "scrape_native_histograms", "always_scrape_classic_histograms", "convert_classic_histograms_to_nhcb",
        "scrape_failure_log_file", "metrics_path", "scheme", "enable_compression", "body_size_limit",
        "sample_limit", "target_limit", "label_limit", "label_name_length_limit", "label_value_length_limit",
        "native_histogram_bucket_limit", "native_histogram_min_bucket_factor", "keep_dropped_targets",
        "metric_name_validation_scheme", "metric_name_escaping_scheme", "extra_scrape_metrics",
        "relabel_configs", "metric_relabel_configs",
    ] + HTTPClientConfig.yamlKeys + ServiceDiscoveryKeys.supported
}

/// `file_sd_configs` entry: file globs re-read every `refresh_interval` (and on change).
public struct FileSDConfig: Hashable, Sendable {
    public var files: [String] = []
    public var refreshInterval = PromDuration.minutes(5)
    public init(files: [String] = [], refreshInterval: PromDuration = .minutes(5)) {
        self.files = files
        self.refreshInterval = refreshInterval
    }
}

/// `http_sd_configs` entry: a URL returning JSON target groups, polled every `refresh_interval`.
public struct HTTPSDConfig: Hashable, Sendable {
    public var url = ""
    public var refreshInterval = PromDuration.seconds(60)
    public var httpClientConfig = HTTPClientConfig()
    public init(url: String = "") { self.url = url }
}

/// Service-discovery keys: the ones promfleet implements; any other `*_sd_configs` key is
/// refused with a clear "not supported" error rather than silently discovering nothing.
enum ServiceDiscoveryKeys {
    static let supported = ["static_configs", "file_sd_configs", "http_sd_configs"]
    static let prometheusOnly = [
        "azure_sd_configs", "consul_sd_configs", "digitalocean_sd_configs", "docker_sd_configs",
        "dockerswarm_sd_configs", "dns_sd_configs", "ec2_sd_configs", "eureka_sd_configs", "gce_sd_configs",
        "hetzner_sd_configs", "ionos_sd_configs", "kubernetes_sd_configs", "kuma_sd_configs",
        "lightsail_sd_configs", "linode_sd_configs", "marathon_sd_configs", "nerve_sd_configs",
        "nomad_sd_configs", "openstack_sd_configs", "ovhcloud_sd_configs", "puppetdb_sd_configs",
        "scaleway_sd_configs", "serverset_sd_configs", "stackit_sd_configs", "triton_sd_configs",
        "uyuni_sd_configs", "vultr_sd_configs",
    ]
}
