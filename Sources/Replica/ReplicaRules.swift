import Config
import Foundation
import HTTPAPI
import Logging
import MetricModel
import PromQL
import Rules
import ServiceLifecycle

/// The replica's rule manager and notifier: rule files loaded with the config (a bad rule file
/// refuses the whole load), groups evaluated over the replica's storage, alerts to Alertmanager.
final class ReplicaRules: RulesSource {
    let manager: RuleManager
    let notifier: Notifier
    let logger: Logger

    init(engine: Engine, storage: ServerStorage, externalURL: String, logger: Logger) {
        self.logger = logger
        let notifier = Notifier(logger: logger)
        self.notifier = notifier
        manager = RuleManager(context: EvalContext(
            engine: engine, queryable: storage, appendable: storage, externalLabels: .empty, externalURL: externalURL,
            logger: logger, notify: { expr, alerts in notifier.send(expr: expr, alerts: alerts, externalURL: externalURL) }))
    }

    /// Loads the config's rule files (throws the first bad file's errors; nothing changes then).
    static func load(_ c: ReplicaConfig) throws -> [RuleGroup] {
        let g = c.prometheus.global
        return try RuleLoader.load(files: RuleFiles.resolve(c.prometheus.ruleFiles), defaultInterval: g.evaluationInterval.milliseconds,
                                   defaultQueryOffset: g.ruleQueryOffset.milliseconds)
    }

    /// Takes a loaded config and its groups.
    func apply(_ c: ReplicaConfig, groups: [RuleGroup]) {
        notifier.apply(c.prometheus.alerting, externalLabels: c.externalLabels)
        manager.update(groups, externalLabels: c.externalLabels)
    }

    /// Sorted by file, then name (Prometheus's Manager.RuleGroups).
    func ruleGroups() -> [RuleGroupInfo] {
        manager.groups.sorted { ($0.file, $0.name) < ($1.file, $1.name) }.map { g in
            let st = g.statistics
            return RuleGroupInfo(name: g.name, file: g.file, rules: g.rules.map(Self.info), interval: Double(g.interval) / 1000,
                                 limit: g.limit, evaluationTime: st.lastDuration, lastEvaluation: st.lastEvaluation)
        }
    }

    static func info(_ r: any Rule) -> RuleInfo {
        let st = r.status
        let query = (try? Parser.parseExpr(r.query)).map { Printer.format($0) } ?? r.query
        var info = RuleInfo(isAlerting: r is AlertingRule, name: r.name, query: query, labels: r.labels, health: st.health.rawValue,
                            lastError: st.lastError, evaluationTime: st.evaluationTime, lastEvaluation: st.lastEvaluation)
        if let a = r as? AlertingRule {
            info.duration = Double(a.holdDuration) / 1000
            info.keepFiringFor = Double(a.keepFiringFor) / 1000
            info.annotations = a.annotations
            info.state = a.ruleState.rawValue
            info.alerts = a.alerts.filter { $0.state != .inactive }.map {
                AlertInfo(labels: $0.labels, annotations: $0.annotations, state: $0.state.rawValue, activeAt: $0.activeAt,
                          keepFiringSince: $0.keepFiringSince, value: $0.value)
            }
        }
        return info
    }

    func alertmanagers() -> [String] { notifier.statistics.alertmanagers }
}

/// Starts rule evaluation once storage is open (rules read and write it).
struct RulesService: Service {
    let manager: RuleManager
    let readiness: Readiness

    func run() async throws {
        let ready: Bool = await cancelWhenGracefulShutdown {
            while !readiness.isReady {
                do { try await Task.sleep(nanoseconds: 50_000_000) } catch { return false }
            }
            return true
        }
        if ready { try await manager.run() }
    }
}

/// Prometheus's rule and notifier metric families.
struct RulesMetrics: MetricsCollector {
    let rules: ReplicaRules

    func collect(into w: inout MetricsTextWriter) {
        let groups = rules.manager.groups.map { ($0.key, $0.statistics) }
        w.family("prometheus_rule_evaluations_total", help: "The total number of rule evaluations.", type: "counter")
        for (k, s) in groups { w.sample("prometheus_rule_evaluations_total", labels: [("rule_group", k)], Double(s.evaluations)) }
        w.family("prometheus_rule_evaluation_failures_total", help: "The total number of rule evaluation failures.", type: "counter")
        for (k, s) in groups { w.sample("prometheus_rule_evaluation_failures_total", labels: [("rule_group", k)], Double(s.failures)) }
        w.family("prometheus_rule_group_last_duration_seconds", help: "The duration of the last rule group evaluation.", type: "gauge")
        for (k, s) in groups { w.sample("prometheus_rule_group_last_duration_seconds", labels: [("rule_group", k)], s.lastDuration) }
        w.family("prometheus_rule_group_iterations_total", help: "The total number of scheduled rule group evaluations, whether executed or missed.", type: "counter")
        for (k, s) in groups { w.sample("prometheus_rule_group_iterations_total", labels: [("rule_group", k)], Double(s.iterations)) }
        w.family("prometheus_rule_group_iterations_missed_total", help: "The total number of rule group evaluations missed due to slow rule group evaluation.", type: "counter")
        for (k, s) in groups { w.sample("prometheus_rule_group_iterations_missed_total", labels: [("rule_group", k)], Double(s.missedIterations)) }
        w.family("prometheus_rule_group_rules", help: "The number of rules.", type: "gauge")
        for g in rules.manager.groups { w.sample("prometheus_rule_group_rules", labels: [("rule_group", g.key)], Double(g.rules.count)) }
        w.family("prometheus_rule_group_interval_seconds", help: "The interval of a rule group.", type: "gauge")
        for g in rules.manager.groups { w.sample("prometheus_rule_group_interval_seconds", labels: [("rule_group", g.key)], Double(g.interval) / 1000) }
        w.family("prometheus_rule_group_last_evaluation_timestamp_seconds", help: "The timestamp of the last rule group evaluation in seconds.", type: "gauge")
        for (k, s) in groups {
            w.sample("prometheus_rule_group_last_evaluation_timestamp_seconds", labels: [("rule_group", k)], Double(s.lastEvalTimestamp ?? 0) / 1000)
        }
        w.family("prometheus_rule_group_last_evaluation_samples", help: "The number of samples returned during the last rule group evaluation.", type: "gauge")
        for (k, s) in groups { w.sample("prometheus_rule_group_last_evaluation_samples", labels: [("rule_group", k)], Double(s.lastSamples)) }

        let n = rules.notifier.statistics
        w.family("prometheus_notifications_sent_total", help: "Total number of alerts sent.", type: "counter")
        for am in n.alertmanagers { w.sample("prometheus_notifications_sent_total", labels: [("alertmanager", am)], Double(n.sent[am] ?? 0)) }
        w.family("prometheus_notifications_errors_total", help: "Total number of errors sending alert notifications.", type: "counter")
        for am in n.alertmanagers { w.sample("prometheus_notifications_errors_total", labels: [("alertmanager", am)], Double(n.errors[am] ?? 0)) }
        w.family("prometheus_notifications_dropped_total", help: "Total number of alerts dropped due to errors when sending to Alertmanager.", type: "counter")
        w.sample("prometheus_notifications_dropped_total", Double(n.dropped))
        w.family("prometheus_notifications_queue_length", help: "The number of alert notifications in the queue.", type: "gauge")
        w.sample("prometheus_notifications_queue_length", Double(n.queueLength))
        w.family("prometheus_notifications_queue_capacity", help: "The capacity of the alert notifications queue.", type: "gauge")
        w.sample("prometheus_notifications_queue_capacity", Double(n.queueCapacity))
        w.family("prometheus_notifications_alertmanagers_discovered", help: "The number of alertmanagers discovered and active.", type: "gauge")
        w.sample("prometheus_notifications_alertmanagers_discovered", Double(n.alertmanagers.count))
    }
}

/// The external URL as alert generatorURLs and `$externalURL` use it: --web.external-url, else
/// `http://<hostname>:<port>`, without a trailing slash (Prometheus trims it).
func rulesExternalURL(_ o: ReplicaOptions) -> String {
    var s = (o.externalURL?.isEmpty == false) ? o.externalURL! : ExternalURL(flag: nil, listenAddress: o.listenAddress).url
    while s.hasSuffix("/") { s.removeLast() }
    return s
}
