import MetricModel
import TSDB

/// Prometheus's `for` state restoration after a restart (--rules.alert.for-outage-tolerance 1h,
/// --rules.alert.for-grace-period 10m): a pending alert's `activeAt` comes back from its last
/// ALERTS_FOR_STATE sample, so a restart does not reset `for:` clocks.
public struct RestoreOptions: Sendable {
    public var outageTolerance: Int64 = 3_600_000
    public var forGracePeriod: Int64 = 600_000
    public init() {}
}

extension RuleGroup {
    /// Prometheus's Group.RestoreForState at `t` (ms). Until it has run, the group's alerting
    /// rules write no ALERTS / ALERTS_FOR_STATE samples (as Prometheus: the first two
    /// evaluations after startup).
    func restoreForState(at t: Timestamp, context: EvalContext, options: RestoreOptions = RestoreOptions()) {
        let querier = try? context.queryable.querier(mint: t - options.outageTolerance, maxt: t)
        for rule in rules {
            guard let ar = rule as? AlertingRule else { continue }
            defer { ar.setRestored(true) }
            if ar.holdDuration < options.forGracePeriod { continue }
            guard let querier else { continue }
            ar.updateAlerts { a in
                let lbls = a.labels.setting(LabelName.metricName, "ALERTS_FOR_STATE")
                let matchers = lbls.list.compactMap { try? LabelMatcher(.equal, $0.name, $0.value) }
                guard let series = try? querier.select(sorted: false, hints: nil, matchers: matchers),
                      let s = series.first(where: { $0.labels == lbls }) else { return }
                var buf: [Sample] = []
                s.appendSamples(mint: t - options.outageTolerance, maxt: t, to: &buf)
                guard let last = buf.last, !StaleNaN.isStale(last.v) else { return }
                let downAt = last.t / 1000 * 1000
                var activeAt = Int64(last.v) * 1000
                let remaining = ar.holdDuration - (downAt - activeAt)
                if remaining <= 0 {
                    // Was firing when we went down; the next evaluation decides.
                } else if remaining < options.forGracePeriod {
                    activeAt = t + options.forGracePeriod - ar.holdDuration
                } else {
                    activeAt += t - downAt
                }
                a.activeAt = activeAt
            }
        }
    }
}
