import MetricModel
import TSDB

/// Evaluates expressions over the steps start, start+interval, …, end (Prometheus `evaluator`).
/// An instant query is a range evaluation with one step. Every node returns its value at all
/// steps at once, so storage is read once per selector.
final class Evaluator {
    let ctx: QueryContext
    let start: Int64
    let end: Int64
    let interval: Int64
    let numSteps: Int

    init(ctx: QueryContext, start: Int64, end: Int64, interval: Int64) {
        self.ctx = ctx
        self.start = start
        self.end = end
        self.interval = interval
        self.numSteps = Int((end - start) / interval) + 1
    }

    @inline(__always)
    func time(_ step: Int) -> Int64 { start + Int64(step) * interval }

    var delayedNameRemoval: Bool { ctx.options.enableDelayedNameRemoval }

    /// Reference time of a selector evaluated at `ts`: the `@` time (if any) minus the offset.
    @inline(__always)
    func refTime(_ at: AtModifier?, _ offset: Int64, _ ts: Int64) -> Int64 {
        (ctx.atTime(at) ?? ts) - offset
    }

    func eval(_ expr: Expr) throws -> EvalValue {
        try ctx.checkNow()
        switch expr {
        case .number(let v, _):
            return .scalar([Double](repeating: v, count: numSteps))
        case .string(let s, _):
            return .string(s)
        case .paren(let x, _):
            return try eval(x)
        case .unary(let op, let x, _):
            let v = try eval(x)
            if op == .pos { return v }
            switch v {
            case .scalar(let a):
                return .scalar(a.map { -$0 })
            case .vector(var m):
                for i in m.indices {
                    if !delayedNameRemoval { m[i].labels = m[i].labels.withoutName() }
                    m[i].dropName = true
                    for j in m[i].points.indices { m[i].points[j].v = -m[i].points[j].v }
                }
                if !delayedNameRemoval { m = try mergeSameLabelset(m) }
                return .vector(m)
            default:
                throw EvalError.exec("unary expression only allowed on expressions of type scalar or instant vector")
            }
        case .vectorSelector(let vs):
            return .vector(try evalVectorSelector(vs, timestampValues: false))
        case .matrixSelector(let ms):
            return .matrix(try evalRawMatrix(ms))
        case .subquery(let sq):
            return .matrix(try evalSubqueryRaw(sq))
        case .aggregate(let a):
            return try evalAggregate(a)
        case .binary(let b):
            return try evalBinary(b)
        case .call(let c):
            return try evalCall(c)
        }
    }

    /// Evaluates an expression expected to be an instant vector (a scalar is an error).
    func evalVector(_ e: Expr) throws -> EvalMatrix {
        switch try eval(e) {
        case .vector(let m): return m
        case .matrix(let m): return m
        default: throw EvalError.exec("expected instant vector")
        }
    }

    /// Evaluates a scalar expression to one value per step.
    func evalScalar(_ e: Expr) throws -> [Double] {
        switch try eval(e) {
        case .scalar(let v): return v
        default: throw EvalError.exec("expected scalar")
        }
    }

    func evalString(_ e: Expr) throws -> String {
        switch try eval(e) {
        case .string(let s): return s
        default: throw EvalError.exec("expected string")
        }
    }
}

/// Walks a step-aligned matrix one step at a time (series points are in step order).
struct MatrixStepper {
    var pos: [Int]

    init(count: Int) { pos = [Int](repeating: 0, count: count) }

    /// Calls `body(seriesIndex, value)` for each series with a point at `t`.
    @inline(__always)
    mutating func forEach(_ m: EvalMatrix, at t: Int64, _ body: (Int, Double) throws -> Void) rethrows {
        for i in m.indices {
            let p = pos[i]
            let pts = m[i].points
            if p < pts.count && pts[p].t == t {
                pos[i] = p + 1
                try body(i, pts[p].v)
            }
        }
    }
}

/// Collects per-step output samples into series keyed by labels (Prometheus rangeEval's output
/// map), detecting duplicate label sets at one step.
struct OutputCollector {
    var index: [LabelsKey: Int] = [:]
    var series: EvalMatrix = []
    var lastStep: [Int] = []
    let numSteps: Int

    init(numSteps: Int) { self.numSteps = numSteps }

    mutating func add(_ labels: Labels, _ t: Int64, _ v: Double, dropName: Bool, step: Int) throws {
        let lk = LabelsKey(labels)
        if let i = index[lk] {
            if lastStep[i] == step { throw EvalError.exec("vector cannot contain metrics with the same labelset") }
            lastStep[i] = step
            series[i].points.append(Sample(t: t, v: v))
            if dropName { series[i].dropName = true }
        } else {
            index[lk] = series.count
            var pts: [Sample] = []
            pts.reserveCapacity(numSteps - step)
            pts.append(Sample(t: t, v: v))
            series.append(EvalSeries(labels: labels, points: pts, dropName: dropName))
            lastStep.append(step)
        }
    }
}

extension Evaluator {
    /// Generic per-step evaluation over vector inputs (Prometheus `rangeEval`): `body` gets the
    /// step index, time and the inputs' vectors and appends to `out`. Instant queries keep the
    /// body's output order.
    func rangeEval(_ inputs: [EvalMatrix], checkDuplicates: Bool = true,
                   _ body: (Int, Int64, [Vector], inout Vector) throws -> Void) throws -> EvalMatrix {
        var steppers = inputs.map { MatrixStepper(count: $0.count) }
        var vecs = [Vector](repeating: [], count: inputs.count)
        var out = Vector()
        var collector = OutputCollector(numSteps: numSteps)
        for step in 0..<numSteps {
            try ctx.tick()
            let t = time(step)
            for k in inputs.indices {
                vecs[k].removeAll(keepingCapacity: true)
                let m = inputs[k]
                steppers[k].forEach(m, at: t) { i, v in
                    vecs[k].append(VSample(labels: m[i].labels, f: v, dropName: m[i].dropName, series: i))
                }
            }
            out.removeAll(keepingCapacity: true)
            try body(step, t, vecs, &out)
            if numSteps == 1 {
                if checkDuplicates && !delayedNameRemoval { try checkNoDuplicates(out) }
                return out.map { EvalSeries(labels: $0.labels, points: [Sample(t: t, v: $0.f)], dropName: $0.dropName) }
            }
            for s in out { try collector.add(s.labels, t, s.f, dropName: s.dropName, step: step) }
        }
        return collector.series
    }

    func checkNoDuplicates(_ v: Vector) throws {
        if v.count < 2 { return }
        var seen = Set<LabelsKey>()
        seen.reserveCapacity(v.count)
        for s in v where !seen.insert(LabelsKey(s.labels)).inserted {
            throw EvalError.exec("vector cannot contain metrics with the same labelset")
        }
    }
}
