import MetricModel
import PromQL

/// The raw data a query needs: each selector's matchers with the time window its evaluation
/// reads (Prometheus `getTimeRangesForSelector`): evaluation range, minus the lookback delta or
/// the selector's range, shifted by offsets and `@`, widened by enclosing subqueries.
public struct SelectorPlan: Sendable, Equatable {
    public struct Fetch: Sendable, Equatable {
        public var matchers: [LabelMatcher]
        /// Samples with mint < t <= maxt are needed (ms).
        public var mint: Timestamp
        public var maxt: Timestamp
    }

    public var fetches: [Fetch] = []

    /// Plans `expr` evaluated over [start, end] (start == end for an instant query).
    public static func plan(_ expr: Expr, start: Timestamp, end: Timestamp, step: Int64, lookbackMs: Int64) -> SelectorPlan {
        var p = SelectorPlan()
        p.walk(expr, start: start, end: end, qStart: start, qEnd: end, lookback: lookbackMs, step: step)
        p.coalesce()
        return p
    }

    private func resolve(_ at: AtModifier?, qStart: Timestamp, qEnd: Timestamp) -> Timestamp? {
        switch at {
        case .none: return nil
        case .timestamp(let t): return t
        case .start: return qStart
        case .end: return qEnd
        }
    }

    private mutating func walk(_ e: Expr, start: Timestamp, end: Timestamp, qStart: Timestamp, qEnd: Timestamp, lookback: Int64, step: Int64) {
        switch e {
        case .number, .string:
            return
        case .vectorSelector(let vs):
            add(vs, range: 0, start: start, end: end, qStart: qStart, qEnd: qEnd, lookback: lookback)
        case .matrixSelector(let ms):
            add(ms.vector, range: ms.range, start: start, end: end, qStart: qStart, qEnd: qEnd, lookback: lookback)
        case .subquery(let sq):
            var s = start, en = end
            if let at = resolve(sq.at, qStart: qStart, qEnd: qEnd) { s = at; en = at }
            s -= sq.offset + sq.range + max(sq.step, step, 1)
            en -= sq.offset
            walk(sq.expr, start: s, end: en, qStart: qStart, qEnd: qEnd, lookback: lookback, step: sq.step)
        case .aggregate(let a):
            if let p = a.param { walk(p, start: start, end: end, qStart: qStart, qEnd: qEnd, lookback: lookback, step: step) }
            walk(a.expr, start: start, end: end, qStart: qStart, qEnd: qEnd, lookback: lookback, step: step)
        case .binary(let b):
            walk(b.lhs, start: start, end: end, qStart: qStart, qEnd: qEnd, lookback: lookback, step: step)
            walk(b.rhs, start: start, end: end, qStart: qStart, qEnd: qEnd, lookback: lookback, step: step)
        case .call(let c):
            for a in c.args { walk(a, start: start, end: end, qStart: qStart, qEnd: qEnd, lookback: lookback, step: step) }
        case .paren(let x, _), .unary(_, let x, _):
            walk(x, start: start, end: end, qStart: qStart, qEnd: qEnd, lookback: lookback, step: step)
        }
    }

    private mutating func add(_ vs: VectorSelector, range: Int64, start: Timestamp, end: Timestamp,
                              qStart: Timestamp, qEnd: Timestamp, lookback: Int64) {
        var s = start, en = end
        if let at = resolve(vs.at, qStart: qStart, qEnd: qEnd) { s = at; en = at }
        let mint = s - vs.offset - (range > 0 ? range : lookback)
        let maxt = en - vs.offset
        fetches.append(Fetch(matchers: vs.matchers, mint: mint, maxt: maxt))
    }

    /// One fetch per distinct matcher set, covering the union of its windows.
    private mutating func coalesce() {
        var out: [Fetch] = []
        for f in fetches {
            if let i = out.firstIndex(where: { Set($0.matchers) == Set(f.matchers) }) {
                out[i].mint = min(out[i].mint, f.mint)
                out[i].maxt = max(out[i].maxt, f.maxt)
            } else {
                out.append(f)
            }
        }
        fetches = out
    }
}

extension SelectorPlan.Fetch {
    /// The selector in PromQL text: `{__name__="x",job=~"a|b"}`.
    public var selectorText: String { ExternalLabels.selectorText(matchers) }
}
