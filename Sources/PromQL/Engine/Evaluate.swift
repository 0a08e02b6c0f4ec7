import MetricModel
import TSDB

/// Runs one query: opens the querier over the needed range, evaluates, shapes the result.
func evaluateQuery(_ q: any Queryable, expr: Expr, start: Timestamp, end: Timestamp, step: Int64,
                   options: EngineOptions, deadline: UInt64?) throws -> QueryResult {
    do {
        if !options.enableExperimentalFunctions, let name = firstExperimentalFunction(expr) {
            throw PromQLError.badData("function \"\(name)\" is not enabled (--enable-feature=promql-experimental-functions)")
        }
        var range: (Int64, Int64)? = nil
        collectTimeRange(expr, start, end, options.lookbackDelta, start, end, &range)
        let (mint, maxt) = range ?? (start, end)
        let querier = try q.querier(mint: mint, maxt: maxt)
        let ctx = QueryContext(querier: querier, options: options, deadline: deadline, queryStart: start, queryEnd: end)
        try ctx.checkNow()
        let ev = Evaluator(ctx: ctx, start: start, end: end, interval: step == 0 ? 1 : step)
        var val = try ev.eval(expr)
        if options.enableDelayedNameRemoval { val = try cleanupNames(val) }
        let result: QueryValue
        switch val {
        case .scalar(let vs):
            if step == 0 {
                result = .scalar(t: start, v: vs[0])
            } else {
                result = .matrix([MatrixSeries(labels: .empty, samples: vs.enumerated().map { Sample(t: start + Int64($0.offset) * step, v: $0.element) })])
            }
        case .string(let s):
            result = .string(t: start, s: s)
        case .vector(let m):
            if step == 0 {
                result = .vector(m.map { VectorElement(labels: $0.labels, t: start, v: $0.points[0].v) })
            } else {
                result = .matrix(sortedMatrix(m))
            }
        case .matrix(let m):
            result = .matrix(sortedMatrix(m))
        }
        return QueryResult(value: result, annotations: ctx.annotations)
    } catch let e as EvalError {
        throw e.error
    }
}

func sortedMatrix(_ m: EvalMatrix) -> [MatrixSeries] {
    m.filter { !$0.points.isEmpty }
        .map { MatrixSeries(labels: $0.labels, samples: $0.points) }
        .sorted { Labels.compare($0.labels, $1.labels) < 0 }
}

/// Delayed name removal: drop `__name__` where marked, merge series that now collide when their
/// timestamps do not overlap (Prometheus `cleanupMetricLabels` / `mergeSeriesWithSameLabelset`).
func cleanupNames(_ v: EvalValue) throws -> EvalValue {
    switch v {
    case .vector(var m):
        for i in m.indices where m[i].dropName { m[i].labels = m[i].labels.withoutName(); m[i].dropName = false }
        return .vector(try mergeSameLabelset(m))
    case .matrix(var m):
        for i in m.indices where m[i].dropName { m[i].labels = m[i].labels.withoutName(); m[i].dropName = false }
        return .matrix(try mergeSameLabelset(m))
    default:
        return v
    }
}

func mergeSameLabelset(_ m: EvalMatrix) throws -> EvalMatrix {
    if m.count <= 1 { return m }
    var index: [LabelsKey: Int] = [:]
    index.reserveCapacity(m.count)
    var out: EvalMatrix = []
    out.reserveCapacity(m.count)
    var merged = false
    for s in m {
        if let i = index[LabelsKey(s.labels)] {
            out[i].points.append(contentsOf: s.points)
            merged = true
            out[i].points.sort { $0.t < $1.t }
            for k in 1..<out[i].points.count where out[i].points[k].t == out[i].points[k - 1].t {
                throw EvalError.exec("vector cannot contain metrics with the same labelset")
            }
        } else {
            index[LabelsKey(s.labels)] = out.count
            out.append(s)
        }
    }
    return merged ? out : m
}

/// The [mint, maxt] of samples the expression reads when evaluated over [s, e].
func collectTimeRange(_ expr: Expr, _ s: Int64, _ e: Int64, _ lookback: Int64, _ qs: Int64, _ qe: Int64, _ r: inout (Int64, Int64)?) {
    func atT(_ at: AtModifier?) -> Int64? {
        switch at {
        case nil: return nil
        case .timestamp(let t): return t
        case .start: return qs
        case .end: return qe
        }
    }
    func add(_ lo: Int64, _ hi: Int64) {
        if let cur = r { r = (min(cur.0, lo), max(cur.1, hi)) } else { r = (lo, hi) }
    }
    switch expr {
    case .number, .string: return
    case .vectorSelector(let vs):
        let a = atT(vs.at)
        add((a ?? s) - vs.offset - lookback, (a ?? e) - vs.offset)
    case .matrixSelector(let ms):
        let a = atT(ms.vector.at)
        add((a ?? s) - ms.vector.offset - ms.range, (a ?? e) - ms.vector.offset)
    case .subquery(let sq):
        let a = atT(sq.at)
        collectTimeRange(sq.expr, (a ?? s) - sq.offset - sq.range, (a ?? e) - sq.offset, lookback, qs, qe, &r)
    case .aggregate(let ag):
        if let p = ag.param { collectTimeRange(p, s, e, lookback, qs, qe, &r) }
        collectTimeRange(ag.expr, s, e, lookback, qs, qe, &r)
    case .binary(let b):
        collectTimeRange(b.lhs, s, e, lookback, qs, qe, &r)
        collectTimeRange(b.rhs, s, e, lookback, qs, qe, &r)
    case .call(let c):
        for a in c.args { collectTimeRange(a, s, e, lookback, qs, qe, &r) }
    case .paren(let x, _), .unary(_, let x, _):
        collectTimeRange(x, s, e, lookback, qs, qe, &r)
    }
}

func firstExperimentalFunction(_ expr: Expr) -> String? {
    switch expr {
    case .call(let c):
        if c.function.experimental { return c.function.name }
        for a in c.args { if let n = firstExperimentalFunction(a) { return n } }
        return nil
    case .aggregate(let a):
        if a.op == .limitk || a.op == .limitRatio { return a.op.rawValue }
        if let p = a.param, let n = firstExperimentalFunction(p) { return n }
        return firstExperimentalFunction(a.expr)
    case .binary(let b): return firstExperimentalFunction(b.lhs) ?? firstExperimentalFunction(b.rhs)
    case .subquery(let s): return firstExperimentalFunction(s.expr)
    case .paren(let x, _), .unary(_, let x, _): return firstExperimentalFunction(x)
    default: return nil
    }
}
