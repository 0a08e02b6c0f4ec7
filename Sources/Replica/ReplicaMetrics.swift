import HTTPAPI
import Scrape

/// Prometheus's own metric families for the replica (names as Prometheus 2.42 exports them).
struct ReplicaMetrics: MetricsCollector {
    let status: ReplicaStatus
    let scrape: ScrapeManager
    let storage: StorageStatsSource
    let readiness: Readiness

    func collect(into w: inout MetricsTextWriter) {
        let b = status.buildInfo
        w.family("prometheus_build_info", help: "A metric with a constant '1' value labeled by version, revision, branch, and goversion from which prometheus was built.", type: "gauge")
        w.sample("prometheus_build_info", labels: [("branch", b.branch), ("goversion", b.goVersion), ("revision", b.revision), ("version", b.version)], 1)
        let cs = status.configStatus()
        w.family("prometheus_config_last_reload_success_timestamp_seconds", help: "Timestamp of the last successful configuration reload.", type: "gauge")
        w.sample("prometheus_config_last_reload_success_timestamp_seconds", cs.lastReloadSuccessTime)
        w.family("prometheus_config_last_reload_successful", help: "Whether the last configuration reload attempt was successful.", type: "gauge")
        w.sample("prometheus_config_last_reload_successful", cs.lastReloadSuccessful ? 1 : 0)
        w.family("prometheus_ready", help: "Whether Prometheus startup was fully completed and the server is ready for normal operation.", type: "gauge")
        w.sample("prometheus_ready", readiness.isReady ? 1 : 0)

        w.family("prometheus_sd_discovered_targets", help: "Current number of discovered targets.", type: "gauge")
        for (pool, n) in scrape.targetCounts().sorted(by: { $0.key < $1.key }) {
            w.sample("prometheus_sd_discovered_targets", labels: [("config", pool), ("name", "scrape")], Double(n))
        }
        let st = scrape.stats
        w.family("prometheus_target_interval_length_seconds", help: "Actual intervals between scrapes.", type: "summary")
        for (interval, obs) in st.intervalObservations().sorted(by: { $0.key < $1.key }) {
            let sorted = obs.sorted()
            for q in [0.01, 0.05, 0.5, 0.9, 0.99] {
                let v = sorted.isEmpty ? Double.nan : sorted[min(sorted.count - 1, Int(q * Double(sorted.count)))]
                w.sample("prometheus_target_interval_length_seconds", labels: [("interval", interval), ("quantile", String(q))], v)
            }
            w.sample("prometheus_target_interval_length_seconds_sum", labels: [("interval", interval)], obs.reduce(0, +))
            w.sample("prometheus_target_interval_length_seconds_count", labels: [("interval", interval)], Double(obs.count))
        }
        func counter(_ name: String, _ help: String, _ v: Int) {
            w.family(name, help: help, type: "counter")
            w.sample(name, Double(v))
        }
        counter("prometheus_target_scrapes_exceeded_sample_limit_total", "Total number of scrapes that hit the sample limit and were rejected.", st.exceededSampleLimit.value)
        counter("prometheus_target_scrapes_exceeded_body_size_limit_total", "Total number of scrapes that hit the body size limit", st.exceededBodySizeLimit.value)
        counter("prometheus_target_scrape_pool_exceeded_label_limits_total", "Total number of times scrape pools hit the label limits, during sync or config reload.", st.exceededLabelLimits.value)
        counter("prometheus_target_scrapes_sample_out_of_order_total", "Total number of samples rejected due to not being out of the expected order.", st.outOfOrder.value)
        counter("prometheus_target_scrapes_sample_duplicate_timestamp_total", "Total number of samples rejected due to duplicate timestamps but different values.", st.duplicates.value)
        counter("prometheus_target_scrapes_sample_out_of_bounds_total", "Total number of samples rejected due to timestamp falling outside of the time bounds.", st.outOfBounds.value)

        let (series, appended) = storage.stats()
        w.family("prometheus_tsdb_head_series", help: "Total number of series in the head block.", type: "gauge")
        w.sample("prometheus_tsdb_head_series", Double(series))
        w.family("prometheus_tsdb_head_samples_appended_total", help: "Total number of appended samples.", type: "counter")
        w.sample("prometheus_tsdb_head_samples_appended_total", labels: [("type", "float")], Double(appended))
    }
}

/// Head series and samples appended, from whichever storage runs.
struct StorageStatsSource: Sendable {
    let stats: @Sendable () -> (series: Int, samplesAppended: Int)
}
