/// Value equality, so a reload can tell which scrape pools changed (Prometheus compares the old
/// and new `ScrapeConfig` and restarts only the pools that differ). `line` is ignored.
extension ScrapeConfig: Equatable {
    public static func == (a: ScrapeConfig, b: ScrapeConfig) -> Bool {
        a.jobName == b.jobName && a.honorLabels == b.honorLabels && a.honorTimestamps == b.honorTimestamps
            && a.trackTimestampsStaleness == b.trackTimestampsStaleness
            && a.params.map(\.0) == b.params.map(\.0) && a.params.map(\.1) == b.params.map(\.1)
            && a.scrapeInterval == b.scrapeInterval && a.scrapeTimeout == b.scrapeTimeout
            && a.scrapeProtocols == b.scrapeProtocols && a.fallbackScrapeProtocol == b.fallbackScrapeProtocol
            && a.metricsPath == b.metricsPath && a.scheme == b.scheme && a.enableCompression == b.enableCompression
            && a.limits == b.limits && a.httpClientConfig == b.httpClientConfig
            && a.staticConfigs == b.staticConfigs && a.fileSDConfigs == b.fileSDConfigs && a.httpSDConfigs == b.httpSDConfigs
            && a.relabelConfigs == b.relabelConfigs && a.metricRelabelConfigs == b.metricRelabelConfigs
            && a.scrapeNativeHistograms == b.scrapeNativeHistograms
            && a.alwaysScrapeClassicHistograms == b.alwaysScrapeClassicHistograms
            && a.convertClassicHistogramsToNHCB == b.convertClassicHistogramsToNHCB
            && a.nativeHistogramBucketLimit == b.nativeHistogramBucketLimit
            && a.nativeHistogramMinBucketFactor == b.nativeHistogramMinBucketFactor
            && a.metricNameValidationScheme == b.metricNameValidationScheme
            && a.metricNameEscapingScheme == b.metricNameEscapingScheme
            && a.scrapeFailureLogFile == b.scrapeFailureLogFile && a.extraScrapeMetrics == b.extraScrapeMetrics
    }
}

extension GlobalConfig: Equatable {
    public static func == (a: GlobalConfig, b: GlobalConfig) -> Bool {
        a.scrapeInterval == b.scrapeInterval && a.scrapeTimeout == b.scrapeTimeout
            && a.evaluationInterval == b.evaluationInterval && a.ruleQueryOffset == b.ruleQueryOffset
            && a.queryLogFile == b.queryLogFile && a.scrapeFailureLogFile == b.scrapeFailureLogFile
            && a.externalLabels.map(\.0) == b.externalLabels.map(\.0) && a.externalLabels.map(\.1) == b.externalLabels.map(\.1)
            && a.limits == b.limits && a.scrapeProtocols == b.scrapeProtocols
            && a.metricNameValidationScheme == b.metricNameValidationScheme
            && a.metricNameEscapingScheme == b.metricNameEscapingScheme && a.scrapeNativeHistograms == b.scrapeNativeHistograms
            && a.convertClassicHistogramsToNHCB == b.convertClassicHistogramsToNHCB
            && a.alwaysScrapeClassicHistograms == b.alwaysScrapeClassicHistograms && a.extraScrapeMetrics == b.extraScrapeMetrics
    }
}
