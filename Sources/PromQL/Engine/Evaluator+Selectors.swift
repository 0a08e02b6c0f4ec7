import MetricModel
import TSDB

extension Evaluator {
    /// Instant vector selector at every step: the newest sample in (ref − lookback, ref], unless
    /// it is a stale marker. With `timestampValues`, the value is the sample's timestamp in
    /// seconds (the `timestamp()` function over a selector).
    func evalVectorSelector(_ vs: VectorSelector, timestampValues: Bool) throws -> EvalMatrix {
        let lookback = ctx.options.lookbackDelta
        let series = try ctx.select(vs.matchers, hints: SelectHints(
            start: refTime(vs.at, vs.offset, start) - lookback + 1, end: refTime(vs.at, vs.offset, time(numSteps - 1)),
            step: numSteps > 1 ? interval : 0))
        var out = EvalMatrix()
        out.reserveCapacity(series.count)
        let fixed = ctx.atTime(vs.at)
        let mint = refTime(vs.at, vs.offset, start) - lookback + 1
        let maxt = refTime(vs.at, vs.offset, time(numSteps - 1))
        var buf: [Sample] = []
        for s in series {
            try ctx.tick()
            buf.removeAll(keepingCapacity: true)
            s.appendSamples(mint: mint, maxt: maxt, to: &buf)
            if buf.isEmpty { continue }
            var pts: [Sample] = []
            if fixed != nil {
                // Every step sees the newest sample at or before the fixed reference time.
                let c = buf[buf.count - 1]
                if !isStale(c.v) {
                    let v = timestampValues ? Double(c.t) / 1000 : c.v
                    pts.reserveCapacity(numSteps)
                    for i in 0..<numSteps { pts.append(Sample(t: time(i), v: v)) }
                }
            } else {
                buf.withUnsafeBufferPointer { b in
                    var j = 0  // first sample after the current reference time
                    for i in 0..<numSteps {
                        let t = time(i)
                        let ref = t - vs.offset
                        while j < b.count && b[j].t <= ref { j += 1 }
                        if j == 0 { continue }
                        let c = b[j - 1]
                        if c.t > ref - lookback, !isStale(c.v) {
                            if pts.isEmpty { pts.reserveCapacity(numSteps - i) }
                            pts.append(Sample(t: t, v: timestampValues ? Double(c.t) / 1000 : c.v))
                        }
                    }
                }
            }
            if !pts.isEmpty {
                try ctx.addSamples(pts.count)
                out.append(EvalSeries(labels: s.labels, points: pts))
            }
        }
        return out
    }

    /// Loads a series' non-stale samples with mint < t ≤ maxt into `buf`.
    func loadSamples(_ s: any Series, mint: Int64, maxt: Int64, into buf: inout [Sample]) {
        buf.removeAll(keepingCapacity: true)
        s.appendSamples(mint: mint + 1, maxt: maxt, to: &buf)
        buf.removeAll { isStale($0.v) }
    }

    /// A range selector at the (single) evaluation time: raw samples, for instant queries
    /// returning a range vector.
    func evalRawMatrix(_ ms: MatrixSelector) throws -> EvalMatrix {
        let ref = refTime(ms.vector.at, ms.vector.offset, start)
        let series = try ctx.select(ms.vector.matchers, hints: SelectHints(start: ref - ms.range + 1, end: ref, range: ms.range))
        var out = EvalMatrix()
        var buf: [Sample] = []
        for s in series {
            try ctx.tick()
            loadSamples(s, mint: ref - ms.range, maxt: ref, into: &buf)
            if !buf.isEmpty {
                try ctx.addSamples(buf.count)
                out.append(EvalSeries(labels: s.labels, points: buf))
            }
        }
        return out
    }

    /// Evaluates a subquery's inner expression over its aligned steps, covering every window the
    /// outer steps need (Prometheus `subqueryTimeRange`: the first step is the first multiple of
    /// the step strictly after start − offset − range).
    func evalSubqueryInner(_ sq: SubqueryExpr) throws -> EvalMatrix {
        let step = sq.step > 0 ? sq.step : ctx.options.defaultEvalInterval
        let firstRef = refTime(sq.at, sq.offset, start)
        let lastRef = refTime(sq.at, sq.offset, time(numSteps - 1))
        let lo = firstRef - sq.range
        var s0 = step * (lo / step)   // truncating division, as Go
        if s0 <= lo { s0 += step }
        if s0 > lastRef { return [] }
        let inner = Evaluator(ctx: ctx, start: s0, end: lastRef, interval: step)
        switch try inner.eval(sq.expr) {
        case .vector(let m): return m
        case .scalar(let v):
            return [EvalSeries(labels: .empty, points: v.enumerated().map { Sample(t: inner.time($0.offset), v: $0.element) })]
        default: throw EvalError.exec("subquery is only allowed on instant vector")
        }
    }

    /// A subquery at the (single) evaluation time: its points, for instant queries returning a
    /// range vector.
    func evalSubqueryRaw(_ sq: SubqueryExpr) throws -> EvalMatrix {
        let m = try evalSubqueryInner(sq)
        let ref = refTime(sq.at, sq.offset, start)
        var out = EvalMatrix()
        for var s in m {
            s.points = s.points.filter { $0.t > ref - sq.range && $0.t <= ref }
            if !s.points.isEmpty { out.append(s) }
        }
        return out
    }
}
