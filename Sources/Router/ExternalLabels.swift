import MetricModel
import PromQL

/// A group's external labels in merge mode (Thanos Query's habit, Prometheus's /federate rule).
///
/// Replicas store samples without their `global.external_labels` (as Prometheus does) and add
/// them only on the way out (/federate, remote write, alerts). The router merges raw series of
/// several groups, so it adds each group's external labels itself: a label is added only when
/// the series lacks that name (`web/federate.go`: series labels win). The replica label is never
/// added — replicas are deduplicated away.
public enum ExternalLabels {
    /// `labels` with every label of `ext` whose name it lacks.
    public static func apply(_ ext: Labels, to labels: Labels) -> Labels {
        if ext.isEmpty { return labels }
        var out = labels
        for l in ext.list where !labels.has(l.name) { out = out.setting(l.name, l.value) }
        return out
    }

    /// The selector to send to a group whose external labels are `ext`, or nil when the group
    /// cannot hold a matching series: a matcher on an external label that rejects the group's value
    /// skips the group (as Thanos Query skips a store whose external labels do not match). Matchers
    /// on external labels that accept the value are removed, since the members do not store those
    /// labels; when only matchers that accept the empty string remain, `__name__=~".+"` is added
    /// (Prometheus refuses a selector without a non-empty matcher). The caller filters the fetched
    /// series, labelled with `apply`, by the original matchers.
    public static func rewrite(_ matchers: [LabelMatcher], ext: Labels) -> [LabelMatcher]? {
        if ext.isEmpty { return matchers }
        var out: [LabelMatcher] = []
        for m in matchers {
            if ext.has(m.name) {
                if !m.matches(ext.get(m.name)) { return nil }
            } else {
                out.append(m)
            }
        }
        if out.count == matchers.count { return matchers }
        if out.allSatisfy(\.matchesEmpty) { out.append(anyMetric) }
        return out
    }

    static let anyMetric = try! LabelMatcher(.regexMatch, LabelName.metricName, ".+")

    /// `{__name__="x",job=~"a|b"}`: matchers as PromQL selector text.
    public static func selectorText(_ matchers: [LabelMatcher]) -> String {
        var s = "{"
        for (i, m) in matchers.enumerated() {
            if i > 0 { s += "," }
            s += m.name + m.type.rawValue + PromQLString.quote(m.value)
        }
        return s + "}"
    }
}
