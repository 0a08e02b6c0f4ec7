import Relabeling
import Yams

extension YAMLContext {
    /// The `scrape_configs` list; `seen` holds job names already defined (for scrape_config_files).
    func scrapeConfigs(_ node: Node, global: GlobalConfig, seen: [String: String]) throws(ConfigError) -> [ScrapeConfig] {
        var out: [ScrapeConfig] = []
        var jobs = seen
        for item in try sequence(node, field: "scrape_configs", of: "*config.ScrapeConfig") {
            if isNull(item) { throw error(item, field: "scrape_configs", "empty or null scrape config section") }
            let sc = try scrapeConfig(item, global: global)
            if let first = jobs[sc.jobName] {
                let jobNode = item.mapping?["job_name"] ?? item
                let whereFirst = first.isEmpty ? "" : ", first found in \(first)"
                throw error(jobNode, field: "job_name", "found multiple scrape configs with job name \(quoteGo(sc.jobName))\(whereFirst)")
            }
            jobs[sc.jobName] = ""
            out.append(sc)
        }
        return out
    }

    /// One scrape config: Prometheus's `ScrapeConfig.UnmarshalYAML` then `Validate(global)`.
    func scrapeConfig(_ node: Node, global g: GlobalConfig) throws(ConfigError) -> ScrapeConfig {
        try refuseUnsupportedSD(node)
        guard let m = try mapping(node, type: "config.ScrapeConfig", known: ScrapeConfig.yamlKeys) else {
            throw error(node, "empty or null scrape config section")
        }
        var c = ScrapeConfig(jobName: try m.string("job_name") ?? "")
        c.line = node.mark?.line ?? 0
        if c.jobName.isEmpty { throw m.error("job_name", "job_name is empty") }
        let job = quoteGo(c.jobName)

        c.metricNameValidationScheme = try validationScheme(m) ?? g.metricNameValidationScheme
        c.metricNameEscapingScheme = try escapingScheme(m, validation: c.metricNameValidationScheme, what: "scrape config")
        c.honorLabels = try m.bool("honor_labels") ?? false
        c.honorTimestamps = try m.bool("honor_timestamps") ?? true
        c.trackTimestampsStaleness = try m.bool("track_timestamps_staleness") ?? false
        if let n = m.value("params"), !isNull(n) {
            guard case .mapping(let pm) = n else { throw error(n, field: "params", "cannot unmarshal \(kindName(n)) into url.Values") }
            for (k, v) in pm {
                let name = try string(k, field: "params")
                c.params.append((name, try stringList(v, field: "params")))
            }
        }
        c.metricsPath = try m.string("metrics_path") ?? "/metrics"
        if c.metricsPath.isEmpty { c.metricsPath = "/metrics" }
        c.scheme = try m.string("scheme") ?? "http"
        if c.scheme.isEmpty { c.scheme = "http" }
        if c.scheme != "http" && c.scheme != "https" {
            throw m.error("scheme", "invalid scheme \(quoteGo(c.scheme)) for scrape config with job name \(job): must be \"http\" or \"https\"")
        }
        c.enableCompression = try m.bool("enable_compression") ?? true
        c.httpClientConfig = try httpClientConfig(m)
        c.staticConfigs = try staticConfigs(m, scheme: c.metricNameValidationScheme)
        c.fileSDConfigs = try fileSDConfigs(m)
        c.httpSDConfigs = try httpSDConfigs(m)
        c.relabelConfigs = try relabelConfigs(m, "relabel_configs", scheme: c.metricNameValidationScheme,
                                              nullMessage: "empty or null target relabeling rule in scrape config")
        c.metricRelabelConfigs = try relabelConfigs(m, "metric_relabel_configs", scheme: c.metricNameValidationScheme,
                                                    nullMessage: "empty or null metric relabeling rule in scrape config")
        if c.relabelConfigs.isEmpty { try checkStaticTargets(c.staticConfigs, m) }

        // Intervals: the interval first, then the (explicit or inherited) timeout against it.
        let interval = try m.duration("scrape_interval") ?? .zero
        c.scrapeInterval = interval == .zero ? g.scrapeInterval : interval
        let timeout = try m.duration("scrape_timeout") ?? .zero
        if timeout > c.scrapeInterval {
            throw m.error("scrape_timeout", "scrape timeout greater than scrape interval for scrape config with job name \(job)")
        }
        c.scrapeTimeout = timeout == .zero ? min(g.scrapeTimeout, c.scrapeInterval) : timeout
        c.limits = try limits(m).inheriting(g.limits)
        c.nativeHistogramBucketLimit = try m.uint("native_histogram_bucket_limit") ?? 0
        if let n = m.value("native_histogram_min_bucket_factor") { c.nativeHistogramMinBucketFactor = try double(n, field: "native_histogram_min_bucket_factor") }
        c.scrapeFailureLogFile = try m.string("scrape_failure_log_file") ?? g.scrapeFailureLogFile
        c.scrapeNativeHistograms = try m.bool("scrape_native_histograms") ?? g.scrapeNativeHistograms
        c.alwaysScrapeClassicHistograms = try m.bool("always_scrape_classic_histograms") ?? g.alwaysScrapeClassicHistograms
        c.convertClassicHistogramsToNHCB = try m.bool("convert_classic_histograms_to_nhcb") ?? g.convertClassicHistogramsToNHCB
        c.extraScrapeMetrics = try m.bool("extra_scrape_metrics") ?? g.extraScrapeMetrics
        if let p = try m.stringList("scrape_protocols") {
            try validateProtocols(p, m, suffix: "for scrape config with job name \(job)")
            c.scrapeProtocols = p
        } else {
            c.scrapeProtocols = g.scrapeProtocols
        }
        if let f = try m.string("fallback_scrape_protocol"), !f.isEmpty {
            if !knownScrapeProtocols.contains(f) {
                throw m.error("fallback_scrape_protocol", "invalid fallback_scrape_protocol for scrape config with job name \(job): unknown scrape protocol \(f), supported: [\(knownScrapeProtocols.joined(separator: " "))]")
            }
            c.fallbackScrapeProtocol = f
        }
        return c
    }
}
