import MetricModel
import PromQL
import Synchronization

public enum AlertState: String, Sendable {
    case inactive, pending, firing
}

/// One alert of an alerting rule (Prometheus rules.Alert). Times in ms; nil = Go's zero time.
public struct Alert: Sendable, Equatable {
    public var labels: Labels
    /// Sorted by name; empty values kept (Prometheus keeps them, unlike labels).
    public var annotations: [Label]
    public var state: AlertState
    public var value: Double
    public var activeAt: Timestamp
    public var firedAt: Timestamp?
    public var resolvedAt: Timestamp?
    public var lastSentAt: Timestamp?
    public var validUntil: Timestamp?
    public var keepFiringSince: Timestamp?

    /// Prometheus's needsSending: never pending ones; resolved ones once; firing ones every resendDelay.
    func needsSending(at t: Timestamp, resendDelay: Int64) -> Bool {
        if state == .pending { return false }
        if let r = resolvedAt, r > (lastSentAt ?? Int64.min) { return true }
        return (lastSentAt ?? Int64.min / 2) + resendDelay < t
    }
}

/// How long a resolved alert stays for the notifier (Prometheus's resolvedRetention, 15m).
let resolvedRetention: Int64 = 15 * 60_000

/// An `alert:` rule (Prometheus rules/alerting.go): per label set of the expression's result an
/// alert goes pending, fires after `for`, stays firing `keep_firing_for` after the condition
/// stops, and is kept 15 minutes after resolving so the notifier can report it resolved.
public final class AlertingRule: Rule {
    public let name: String
    public let query: String
    public let labels: Labels
    public let holdDuration: Int64
    public let keepFiringFor: Int64
    let expr: Expr
    let labelTemplates: [(String, Template)]
    let annotationTemplates: [(String, Template)]
    /// Annotations as written (for /api/v1/rules).
    public let annotations: [Label]
    private let state = Mutex(RuleStatus())
    private let active = Mutex<[Labels: Alert]>([:])
    /// False from startup until the group restored `for` state: no ALERTS samples until then.
    private let restored = Atomic<Bool>(true)

    func setRestored(_ v: Bool) { restored.store(v, ordering: .relaxed) }
    var isRestored: Bool { restored.load(ordering: .relaxed) }

    /// Changes every current alert in place.
    func updateAlerts(_ body: (inout Alert) -> Void) {
        active.withLock { active in
            for k in Array(active.keys) { body(&active[k]!) }
        }
    }

    public init(name: String, expr: Expr, query: String, holdDuration: Int64, keepFiringFor: Int64,
                labels: [(String, String)], annotations: [(String, String)]) throws(TemplateError) {
        self.name = name
        self.expr = expr
        self.query = query
        self.holdDuration = holdDuration
        self.keepFiringFor = keepFiringFor
        self.labels = Labels(labels)
        self.annotations = annotations.map { Label($0.0, $0.1) }.sorted()
        var lt: [(String, Template)] = []
        for (k, v) in labels { lt.append((k, try Template(name: "__alert_" + name, text: v))) }
        var at: [(String, Template)] = []
        for (k, v) in annotations.sorted(by: { $0.0 < $1.0 }) { at.append((k, try Template(name: "__alert_" + name, text: v))) }
        labelTemplates = lt
        annotationTemplates = at
    }

    public var status: RuleStatus { state.withLock { $0 } }
    public func setStatus(_ s: RuleStatus) { state.withLock { $0 = s } }

    /// The current alerts (pending, firing, and resolved ones still retained), sorted by labels.
    public var alerts: [Alert] { active.withLock { Array($0.values) }.sorted { $0.labels < $1.labels } }

    /// The rule's overall state: the most severe of its alerts.
    public var ruleState: AlertState {
        var s = AlertState.inactive
        for a in alerts {
            if a.state == .firing { return .firing }
            if a.state == .pending { s = .pending }
        }
        return s
    }

    /// Takes over another rule's alerts (same rule across a reload).
    func copyAlerts(from other: AlertingRule) {
        let a = other.active.withLock { $0 }
        active.withLock { $0 = a }
    }

    public func eval(at t: Timestamp, context: EvalContext, limit: Int) async throws -> [VectorElement] {
        let res = try await context.query(expr, at: t)
        var ext: [String: String] = [:]
        for l in context.externalLabels.list { ext[l.name] = l.value }
        var fresh: [Labels: Alert] = [:]
        for s in res {
            var lm: [String: String] = [:]
            for l in s.labels.list { lm[l.name] = l.value }
            let data = TemplateData(labels: lm, externalLabels: ext, externalURL: context.externalURL, value: s.v)
            var l = s.labels.droppingMetricName()
            for (k, tmpl) in labelTemplates { l = l.setting(k, tmpl.expandForAlert(data)) }
            l = l.setting("alertname", name)
            var ann: [Label] = []
            for (k, tmpl) in annotationTemplates { ann.append(Label(k, tmpl.expandForAlert(data))) }
            if fresh[l] != nil {
                throw RuleEvalError("vector contains metrics with the same labelset after applying alert labels")
            }
            fresh[l] = Alert(labels: l, annotations: ann, state: .pending, value: s.v, activeAt: t)
        }
        let writeSeries = isRestored
        return try active.withLock { active throws -> [VectorElement] in
            for (h, a) in fresh {
                if var old = active[h], old.state != .inactive {
                    old.value = a.value
                    old.annotations = a.annotations
                    active[h] = old
                } else {
                    active[h] = a
                }
            }
            var out: [VectorElement] = []
            var numActive = 0
            for key in Array(active.keys) {
                var a = active[key]!
                if fresh[key] == nil {
                    var keepFiring = false
                    if a.state == .firing && keepFiringFor > 0 {
                        if a.keepFiringSince == nil { a.keepFiringSince = t }
                        if t - a.keepFiringSince! < keepFiringFor { keepFiring = true }
                    }
                    if !keepFiring {
                        if a.state == .pending || (a.resolvedAt.map { t - $0 > resolvedRetention } ?? false) {
                            active[key] = nil
                            continue
                        }
                        if a.state != .inactive {
                            a.state = .inactive
                            a.resolvedAt = t
                        }
                        active[key] = a
                        continue
                    }
                } else if a.keepFiringSince != nil {
                    a.keepFiringSince = nil
                }
                numActive += 1
                if a.state == .pending && t - a.activeAt >= holdDuration {
                    a.state = .firing
                    a.firedAt = t
                }
                active[key] = a
                if !writeSeries { continue }
                out.append(VectorElement(labels: a.labels.setting(LabelName.metricName, "ALERTS").setting("alertstate", a.state.rawValue), t: t, v: 1))
                out.append(VectorElement(labels: a.labels.setting(LabelName.metricName, "ALERTS_FOR_STATE"), t: t,
                                         v: Double(a.activeAt / 1000)))
            }
            if limit > 0 && numActive > limit {
                active = [:]
                throw RuleEvalError("exceeded limit of \(limit) with \(numActive) alerts")
            }
            return out
        }
    }

    /// The alerts due for the notifier at `t`, marking them sent (Prometheus's sendAlerts).
    func alertsToSend(at t: Timestamp, resendDelay: Int64, interval: Int64) -> [Alert] {
        active.withLock { active in
            var out: [Alert] = []
            for key in Array(active.keys) {
                var a = active[key]!
                guard a.needsSending(at: t, resendDelay: resendDelay) else { continue }
                a.lastSentAt = t
                a.validUntil = t + 4 * max(resendDelay, interval)
                active[key] = a
                out.append(a)
            }
            return out.sorted { $0.labels < $1.labels }
        }
    }
}
