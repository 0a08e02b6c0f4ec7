import Config
import Foundation
import Logging
import MetricModel
import Relabeling
import ServiceLifecycle
import Synchronization

/// An alert as sent to Alertmanager (Prometheus notifier.Alert). Times in ms.
public struct NotifierAlert: Sendable, Equatable {
    public var labels: Labels
    public var annotations: [Label]
    public var startsAt: Timestamp
    public var endsAt: Timestamp
    public var generatorURL: String
}

/// Where alerts go: one Alertmanager's POST URL and timeout.
public struct AlertmanagerTarget: Sendable {
    /// `scheme://host:port/path_prefix/api/v2/alerts`
    public var url: String
    public var timeoutMs: Int64
    /// This Alertmanager's own alert_relabel_configs (after the global ones).
    public var alertRelabel: [RelabelConfig] = []
}

/// Counters for /metrics (Prometheus's prometheus_notifications_* families).
public struct NotifierStats: Sendable {
    public var sent: [String: Int] = [:]
    public var errors: [String: Int] = [:]
    public var dropped = 0
    public var queueLength = 0
    public var queueCapacity = 0
    public var alertmanagers: [String] = []
}

/// The notifier (Prometheus notifier.Manager): a bounded queue of alerts (the oldest dropped when
/// full, counted), external labels added and alert_relabel_configs applied on the way in, sent in
/// batches of 64 to every configured Alertmanager with its v2 API. A Service; thread-safe.
public final class Notifier: Service, Sendable {
    struct Config: Sendable {
        var targets: [AlertmanagerTarget] = []
        var externalLabels = Labels.empty
        var relabel: [RelabelConfig] = []
    }

    let capacity: Int
    let logger: Logger
    let poster: any AlertPoster
    private let config = Mutex(Config())
    private let queue = Mutex<[NotifierAlert]>([])
    private let stats = Mutex(NotifierStats())
    private let more: AsyncStream<Void>
    private let signal: AsyncStream<Void>.Continuation
    static let maxBatchSize = 64

    /// `capacity`: --alertmanager.notification-queue-capacity (10000).
    public init(capacity: Int = 10_000, poster: any AlertPoster = HTTPAlertPoster(), logger: Logger) {
        self.capacity = capacity
        self.poster = poster
        self.logger = logger
        (more, signal) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        stats.withLock { $0.queueCapacity = capacity }
    }

    /// Takes the `alerting` section (static Alertmanagers, alert_relabel_configs) and external labels.
    public func apply(_ alerting: AlertingConfig, externalLabels: Labels) {
        var c = Config()
        c.externalLabels = externalLabels
        c.relabel = alerting.alertRelabelConfigs
        for am in alerting.alertmanagers where am.apiVersion == "v2" || am.apiVersion.isEmpty {
            var prefix = am.pathPrefix
            while prefix.hasSuffix("/") { prefix.removeLast() }
            if !prefix.isEmpty && !prefix.hasPrefix("/") { prefix = "/" + prefix }
            for g in am.staticConfigs {
                for host in g.targets {
                    // Prometheus's alertmanager target labels, then the Alertmanager's relabel_configs.
                    var pairs = g.labels.map { ($0.key, $0.value) }
                    pairs += [("__address__", host), ("__scheme__", am.scheme), ("__alerts_path__", prefix + "/api/v2/alerts")]
                    guard let l = am.relabelConfigs.isEmpty ? Labels(pairs) : relabel(labels: Labels(pairs), configs: am.relabelConfigs),
                          !l.get("__address__").isEmpty else { continue }
                    c.targets.append(AlertmanagerTarget(url: "\(l.get("__scheme__"))://\(l.get("__address__"))\(l.get("__alerts_path__"))",
                                                        timeoutMs: am.timeout.milliseconds, alertRelabel: am.alertRelabelConfigs))
                }
            }
        }
        config.withLock { $0 = c }
        stats.withLock { $0.alertmanagers = c.targets.map(\.url) }
    }

    public var statistics: NotifierStats {
        let n = queue.withLock { $0.count }
        return stats.withLock { var s = $0; s.queueLength = n; return s }
    }

    /// The alerts of one rule evaluation, as Prometheus's main.go sendAlerts converts them.
    public func send(expr: String, alerts: [Alert], externalURL: String) {
        let url = externalURL + "/graph?g0.expr=" + queryEscape(expr) + "&g0.tab=1"
        enqueue(alerts.map { a in
            NotifierAlert(labels: a.labels, annotations: a.annotations, startsAt: a.firedAt ?? a.activeAt,
                          endsAt: a.resolvedAt ?? a.validUntil ?? a.activeAt, generatorURL: url)
        })
    }

    /// Queues alerts: external labels added where unset, relabeled (dropped if emptied), the
    /// oldest dropped beyond capacity.
    public func enqueue(_ alerts: [NotifierAlert]) {
        let c = config.withLock { $0 }
        var out: [NotifierAlert] = []
        for var a in alerts {
            var l = a.labels
            for e in c.externalLabels.list where !l.has(e.name) { l = l.setting(e.name, e.value) }
            guard let r = c.relabel.isEmpty ? l : relabel(labels: l, configs: c.relabel), !r.isEmpty else { continue }
            a.labels = r
            out.append(a)
        }
        guard !out.isEmpty else { return }
        var dropped = 0
        if out.count > capacity {
            dropped += out.count - capacity
            out.removeFirst(out.count - capacity)
        }
        queue.withLock { q in
            let over = q.count + out.count - capacity
            if over > 0 {
                q.removeFirst(over)
                dropped += over
            }
            q.append(contentsOf: out)
        }
        if dropped > 0 {
            stats.withLock { $0.dropped += dropped }
            logger.warning("Alert notification queue full, dropping alerts", metadata: ["num_dropped": "\(dropped)"])
        }
        signal.yield()
    }

    func nextBatch() -> [NotifierAlert] {
        queue.withLock { q in
            let n = min(q.count, Self.maxBatchSize)
            defer { q.removeFirst(n) }
            return Array(q.prefix(n))
        }
    }

    /// Sends one batch to every Alertmanager; false when none accepted it (the batch is dropped).
    func sendAll(_ batch: [NotifierAlert]) async -> Bool {
        let targets = config.withLock { $0.targets }
        guard !targets.isEmpty else { return true }
        let body = alertsJSON(batch)
        var ok = 0
        for t in targets {
            var payload = body
            if !t.alertRelabel.isEmpty {
                let kept = batch.compactMap { a -> NotifierAlert? in
                    guard let l = relabel(labels: a.labels, configs: t.alertRelabel), !l.isEmpty else { return nil }
                    var a = a
                    a.labels = l
                    return a
                }
                if kept.isEmpty { ok += 1; continue }
                payload = alertsJSON(kept)
            }
            do {
                try await poster.post(url: t.url, body: payload, timeoutMs: t.timeoutMs)
                ok += 1
                stats.withLock { $0.sent[t.url, default: 0] += batch.count }
            } catch {
                stats.withLock { $0.errors[t.url, default: 0] += batch.count }
                logger.error("Error sending alert", metadata: ["alertmanager": "\(t.url)", "count": "\(batch.count)", "err": "\(error)"])
            }
        }
        return ok > 0
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            for await _ in self.more {
                while true {
                    let batch = self.nextBatch()
                    if batch.isEmpty { break }
                    if await !self.sendAll(batch) { self.stats.withLock { $0.dropped += batch.count } }
                }
            }
        }
        await poster.shutdown()
    }
}

/// Go's url.QueryEscape.
func queryEscape(_ s: String) -> String {
    var out = ""
    for b in s.utf8 {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            out.unicodeScalars.append(Unicode.Scalar(b))
        case UInt8(ascii: " "): out += "+"
        default: out += String(format: "%%%02X", b)
        }
    }
    return out
}
