import Foundation
import HTTPAPI
import Logging
import MetricModel
import Scrape
import ServiceLifecycle
import Synchronization
import TSDB

/// Status endpoints' facts.
final class FederatorStatus: StatusSource {
    let state: Mutex<ConfigStatus>
    let flagList: [(String, String)]
    let buildInfo: BuildInfoData
    let storageRetention: String

    init(flags: [(String, String)], version: String, retention: String) {
        flagList = flags
        buildInfo = BuildInfoData(version: version)
        storageRetention = retention
        state = Mutex(ConfigStatus(yaml: "", lastReloadSuccessful: false, lastReloadSuccessTime: 0))
    }

    func configStatus() -> ConfigStatus { state.withLock { $0 } }
    func flags() -> [(String, String)] { flagList }
    func loaded(_ c: FederatorConfig) {
        state.withLock { $0 = ConfigStatus(yaml: c.yaml, lastReloadSuccessful: true, lastReloadSuccessTime: Date().timeIntervalSince1970) }
    }
    func failed() { state.withLock { $0.lastReloadSuccessful = false } }
}

/// /api/v1/targets: one target per shard; its scrapeUrl is the federate URL of the replica the
/// last successful pull came from, lastError the reason the last pull failed.
struct ShardTargets: TargetsSource {
    let manager: PullManager

    func activeTargets() -> [ActiveTargetInfo] {
        manager.pullers.map { p in
            let s = p.settings
            let h = p.health
            let url = p.sourceURL
            let labels = s.targetLabels
            return ActiveTargetInfo(
                discoveredLabels: labels, labels: labels, scrapePool: s.source.jobName,
                scrapeURL: url, globalURL: url, lastError: h.lastError, lastScrape: h.lastScrape,
                lastScrapeDuration: h.lastScrapeDuration, health: h.health,
                scrapeInterval: Scrape.formatDuration(s.intervalMs), scrapeTimeout: Scrape.formatDuration(s.timeoutMs))
        }
    }

    func droppedTargets() -> [Labels] { [] }
}

/// promfleet_federator_* and a few Prometheus families.
struct FederatorMetrics: MetricsCollector {
    let manager: PullManager
    let storage: ServerStorage
    let readiness: Readiness
    let status: FederatorStatus

    func collect(into w: inout MetricsTextWriter) {
        w.family("promfleet_federator_pulls_total", help: "Pull attempts per shard and replica, by result.", type: "counter")
        let pullers = manager.pullers
        for p in pullers {
            let src = p.settings.source
            let pulls = p.pulls.withLock { $0 }
            for (i, r) in src.replicas.enumerated() where i < pulls.count {
                w.sample("promfleet_federator_pulls_total", labels: [("replica", r.name), ("result", "failure"), ("shard", src.shard)], Double(pulls[i].1))
                w.sample("promfleet_federator_pulls_total", labels: [("replica", r.name), ("result", "success"), ("shard", src.shard)], Double(pulls[i].0))
            }
        }
        w.family("promfleet_federator_active_source", help: "1 for the replica the shard's last successful pull came from.", type: "gauge")
        for p in pullers {
            let src = p.settings.source
            let last = p.selector.withLock { $0.lastSource }
            for (i, r) in src.replicas.enumerated() {
                w.sample("promfleet_federator_active_source", labels: [("replica", r.name), ("shard", src.shard)], last == i ? 1 : 0)
            }
        }
        w.family("promfleet_federator_body_bytes_total", help: "Decompressed /federate body bytes read per shard.", type: "counter")
        for p in pullers {
            w.sample("promfleet_federator_body_bytes_total", labels: [("shard", p.settings.source.shard)], Double(p.bytesTotal.load(ordering: .relaxed)))
        }
        w.family("promfleet_federator_line_carry_peak_bytes", help: "Largest partial line carried between body parts in the last pull (streaming memory bound).", type: "gauge")
        for p in pullers {
            w.sample("promfleet_federator_line_carry_peak_bytes", labels: [("shard", p.settings.source.shard)], Double(p.lastPeakCarry.load(ordering: .relaxed)))
        }
        let cfg = status.configStatus()
        w.family("prometheus_config_last_reload_successful", help: "Whether the last configuration reload attempt was successful.", type: "gauge")
        w.sample("prometheus_config_last_reload_successful", cfg.lastReloadSuccessful ? 1 : 0)
        w.family("prometheus_config_last_reload_success_timestamp_seconds", help: "Timestamp of the last successful configuration reload.", type: "gauge")
        w.sample("prometheus_config_last_reload_success_timestamp_seconds", cfg.lastReloadSuccessTime.rounded(.down))
        w.family("prometheus_ready", help: "Whether Prometheus startup was fully completed and the server is ready for normal operation.", type: "gauge")
        w.sample("prometheus_ready", readiness.isReady ? 1 : 0)
        if let db = storage.current {
            let s = db.head.stats
            w.family("prometheus_tsdb_head_series", help: "Total number of series in the head block.", type: "gauge")
            w.sample("prometheus_tsdb_head_series", Double(s.series))
            w.family("prometheus_tsdb_head_samples_appended_total", help: "Total number of appended samples.", type: "counter")
            w.sample("prometheus_tsdb_head_samples_appended_total", Double(s.samplesAppended))
        }
    }
}
