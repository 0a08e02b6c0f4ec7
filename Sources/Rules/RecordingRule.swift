import MetricModel
import PromQL
import Synchronization

/// A `record:` rule: the expression's result renamed to `name`, with the rule's labels set
/// (Prometheus rules/recording.go).
public final class RecordingRule: Rule {
    public let name: String
    public let query: String
    public let labels: Labels
    let expr: Expr
    private let state = Mutex(RuleStatus())

    public init(name: String, expr: Expr, query: String, labels: Labels) {
        self.name = name
        self.expr = expr
        self.query = query
        self.labels = labels
    }

    public var status: RuleStatus { state.withLock { $0 } }
    public func setStatus(_ s: RuleStatus) { state.withLock { $0 = s } }

    public func eval(at t: Timestamp, context: EvalContext, limit: Int) async throws -> [VectorElement] {
        var v = try await context.query(expr, at: t)
        var seen = Set<Labels>()
        for i in v.indices {
            var l = v[i].labels.setting(LabelName.metricName, name)
            for lb in labels.list { l = l.setting(lb.name, lb.value) }
            v[i].labels = l
            v[i].t = t
            if !seen.insert(l).inserted {
                throw RuleEvalError("vector contains metrics with the same labelset after applying rule labels")
            }
        }
        if limit > 0 && v.count > limit {
            throw RuleEvalError("exceeded limit of \(limit) with \(v.count) series")
        }
        return v
    }
}
