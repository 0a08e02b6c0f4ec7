import MetricModel
import TSDB

extension Evaluator {
    /// The range-vector argument of a call: a matrix selector or a subquery.
    enum RangeSource {
        case selector(MatrixSelector, [any Series])
        case subquery(SubqueryExpr, EvalMatrix)
    }

    func rangeArgIndex(_ c: Call) -> Int? {
        for (i, a) in c.args.enumerated() {
            switch unwrapParens(a) {
            case .matrixSelector, .subquery: return i
            default: continue
            }
        }
        return nil
    }

    /// Evaluates a range-vector function for every series and step: each series' samples are
    /// read once, and windows (ref − range, ref] slide over them.
    func evalRangeFunction(_ c: Call, _ fn: RangeFunction) throws -> EvalMatrix {
        guard let idx = rangeArgIndex(c) else { throw EvalError.exec("expected range vector argument") }
        var params = [Double](repeating: 0, count: numSteps)
        for (i, a) in c.args.enumerated() where i != idx {
            params = try evalScalar(a)
        }
        let name = c.function.name
        let keepName = name == "last_over_time" || name == "first_over_time"
        let isQuantile = name == "quantile_over_time"
        let dependsOnStepTime = name == "predict_linear"
        var out = EvalMatrix()
        var buf: [Sample] = []
        func run(labels: Labels, inputDropName: Bool, samples: [Sample], range: Int64, at: AtModifier?, offset: Int64) throws {
            var pts: [Sample] = []
            try samples.withUnsafeBufferPointer { all in
                var lo = 0, hi = 0
                // With `@` every step sees the same window: compute once, reuse (unless the
                // function depends on the step time or a varying parameter).
                var memo: (param: UInt64, value: Double?)? = nil
                let memoizable = at != nil && !dependsOnStepTime
                for step in 0..<numSteps {
                    let ts = time(step)
                    let ref = refTime(at, offset, ts)
                    let mint = ref - range
                    if memoizable, let m = memo, m.param == params[step].bitPattern {
                        if let v = m.value { pts.append(Sample(t: ts, v: v)) }
                        continue
                    }
                    // Windows only move forward (or stay, with @).
                    if at != nil { lo = 0; hi = 0 }
                    while lo < all.count && all[lo].t <= mint { lo += 1 }
                    if hi < lo { hi = lo }
                    while hi < all.count && all[hi].t <= ref { hi += 1 }
                    if hi == lo {
                        if memoizable { memo = (params[step].bitPattern, nil) }
                        continue
                    }
                    let w = RangeWindow(samples: UnsafeBufferPointer(rebasing: all[lo..<hi]), ts: ts,
                                        rangeStart: mint, rangeEnd: ref, range: range, param: params[step])
                    if isQuantile, w.param.isNaN || w.param < 0 || w.param > 1 {
                        ctx.warn("quantile value should be between 0 and 1, got \(PromFloat.formatG(w.param))", posString(c.args[0].positionRange))
                    }
                    let value = fn(w)
                    if memoizable { memo = (params[step].bitPattern, value) }
                    if let v = value {
                        if pts.isEmpty { pts.reserveCapacity(numSteps - step) }
                        pts.append(Sample(t: ts, v: v))
                    }
                }
            }
            if pts.isEmpty { return }
            try ctx.addSamples(pts.count)
            let drop = !keepName || inputDropName
            var l = labels
            if drop && !delayedNameRemoval { l = l.withoutName() }
            out.append(EvalSeries(labels: l, points: pts, dropName: drop))
            if (name == "rate" || name == "increase") {
                let metric = labels.metricName
                if !metric.isEmpty && !metric.hasSuffix("_total") && !metric.hasSuffix("_sum") &&
                    !metric.hasSuffix("_count") && !metric.hasSuffix("_bucket") {
                    ctx.info("metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \(goQuote(metric))", posString(c.args[idx].positionRange))
                }
            }
        }
        switch unwrapParens(c.args[idx]) {
        case .matrixSelector(let ms):
            let first = refTime(ms.vector.at, ms.vector.offset, start)
            let last = refTime(ms.vector.at, ms.vector.offset, time(numSteps - 1))
            let series = try ctx.select(ms.vector.matchers, hints: SelectHints(
                start: first - ms.range + 1, end: last, step: numSteps > 1 ? interval : 0, range: ms.range, function: name))
            for s in series {
                try ctx.tick()
                loadSamples(s, mint: first - ms.range, maxt: last, into: &buf)
                if buf.isEmpty { continue }
                try ctx.addSamples(buf.count)
                try run(labels: s.labels, inputDropName: false, samples: buf, range: ms.range, at: ms.vector.at, offset: ms.vector.offset)
                ctx.currentSamples -= buf.count
            }
        case .subquery(let sq):
            let inner = try evalSubqueryInner(sq)
            for s in inner {
                try ctx.tick()
                try run(labels: s.labels, inputDropName: s.dropName, samples: s.points, range: sq.range, at: sq.at, offset: sq.offset)
            }
        default:
            throw EvalError.exec("expected range vector argument")
        }
        if !delayedNameRemoval { return try mergeSameLabelset(out) }
        return out
    }

    /// absent_over_time: one series with value 1 at the steps where no input series had samples.
    func evalAbsentOverTime(_ c: Call) throws -> EvalMatrix {
        let present = try evalRangeFunction(c, { w in w.samples.isEmpty ? nil : 1 })
        var has = [Bool](repeating: false, count: numSteps)
        for s in present { for p in s.points { has[Int((p.t - start) / interval)] = true } }
        let pts = (0..<numSteps).filter { !has[$0] }.map { Sample(t: time($0), v: 1) }
        if pts.isEmpty { return [] }
        return [EvalSeries(labels: absentLabels(unwrapParens(c.args[0])), points: pts, dropName: true)]
    }
}
