import Exposition
import Foundation
import HTTPAPI
import MetricModel
import Scrape
import Synchronization

/// Mutable process status behind the status endpoints and `prometheus_config_*`.
final class ReplicaStatus: StatusSource {
    struct State {
        var config: ConfigStatus
        var externalLabels: Labels
    }
    let state: Mutex<State>
    let options: ReplicaOptions
    let buildInfo: BuildInfoData

    init(options: ReplicaOptions, version: String) {
        self.options = options
        buildInfo = BuildInfoData(version: version)
        state = Mutex(State(config: ConfigStatus(yaml: "", lastReloadSuccessful: false, lastReloadSuccessTime: 0), externalLabels: .empty))
    }

    func configStatus() -> ConfigStatus { state.withLock { $0.config } }
    func flags() -> [(String, String)] { options.flagList }
    var storageRetention: String { options.retentionTime }
    var externalLabels: Labels { state.withLock { $0.externalLabels } }

    func loaded(_ c: ReplicaConfig) {
        state.withLock {
            $0.config = ConfigStatus(yaml: c.yaml, lastReloadSuccessful: true, lastReloadSuccessTime: Date().timeIntervalSince1970)
            $0.externalLabels = c.externalLabels
        }
    }

    func failed() { state.withLock { $0.config.lastReloadSuccessful = false } }
}

/// /api/v1/targets from the scrape manager.
struct ScrapeTargets: TargetsSource {
    let manager: ScrapeManager
    let external: ExternalURL

    func activeTargets() -> [ActiveTargetInfo] {
        manager.activeTargets().map { pool, t, h in
            ActiveTargetInfo(discoveredLabels: t.discoveredLabels, labels: t.labels, scrapePool: pool,
                             scrapeURL: t.url, globalURL: external.globalURL(t.url), lastError: h.lastError, lastScrape: h.lastScrape,
                             lastScrapeDuration: h.lastScrapeDuration, health: h.health,
                             scrapeInterval: formatDuration(t.settings.intervalMs), scrapeTimeout: formatDuration(t.settings.timeoutMs))
        }
    }

    func droppedTargets() -> [Labels] { manager.droppedTargets().map(\.1) }

    func targetMetadata() -> [(labels: Labels, metadata: [MetricMetadata])] {
        manager.targetMetadata().map { (labels: $0.0, metadata: $0.1) }
    }

    func scrapePools() -> [String] { manager.poolNames }
}
