import MetricModel
import TSDB

func unwrapParens(_ e: Expr) -> Expr {
    if case .paren(let x, _) = e { return unwrapParens(x) }
    return e
}

extension Evaluator {
    func evalCall(_ c: Call) throws -> EvalValue {
        let name = c.function.name
        switch name {
        case "timestamp":
            if case .vectorSelector(let vs) = unwrapParens(c.args[0]) {
                var m = try evalVectorSelector(vs, timestampValues: true)
                dropNames(&m)
                return .vector(try finishDropped(m))
            }
            // Any other argument: its samples carry the evaluation time.
            var m = try evalVector(c.args[0])
            for i in m.indices { for j in m[i].points.indices { m[i].points[j].v = Double(m[i].points[j].t) / 1000 } }
            dropNames(&m)
            return .vector(try finishDropped(m))
        case "label_replace": return .vector(try evalLabelReplace(c))
        case "label_join": return .vector(try evalLabelJoin(c))
        case "absent_over_time": return .vector(try evalAbsentOverTime(c))
        case "time": return .scalar((0..<numSteps).map { Double(time($0)) / 1000 })
        case "pi": return .scalar([Double](repeating: .pi, count: numSteps))
        default: break
        }
        if let rf = rangeFunctions[name] { return .vector(try evalRangeFunction(c, rf)) }
        if let f = simpleFunctions[name] {
            var m = try evalVector(c.args[0])
            mapValues(&m, f)
            return .vector(try finishDropped(m))
        }
        switch name {
        case "vector":
            let v = try evalScalar(c.args[0])
            return .vector([EvalSeries(labels: .empty, points: v.enumerated().map { Sample(t: time($0.offset), v: $0.element) })])
        case "scalar":
            let m = try evalVector(c.args[0])
            var out = [Double](repeating: .nan, count: numSteps)
            var count = [UInt8](repeating: 0, count: numSteps)
            for s in m {
                for p in s.points {
                    let i = Int((p.t - start) / interval)
                    if count[i] == 0 { out[i] = p.v; count[i] = 1 } else { out[i] = .nan; count[i] = 2 }
                }
            }
            return .scalar(out)
        case "round":
            var m = try evalVector(c.args[0])
            let nearest = c.args.count > 1 ? try evalScalar(c.args[1]) : [Double](repeating: 1, count: numSteps)
            mapValuesWithStep(&m) { v, i in
                let inv = 1.0 / nearest[i]
                return (v * inv + 0.5).rounded(.down) / inv
            }
            return .vector(try finishDropped(m))
        case "clamp", "clamp_min", "clamp_max":
            var m = try evalVector(c.args[0])
            let lo: [Double], hi: [Double]
            switch name {
            case "clamp": lo = try evalScalar(c.args[1]); hi = try evalScalar(c.args[2])
            case "clamp_min": lo = try evalScalar(c.args[1]); hi = [Double](repeating: .infinity, count: numSteps)
            default: lo = [Double](repeating: -.infinity, count: numSteps); hi = try evalScalar(c.args[1])
            }
            for i in m.indices {
                m[i].points = m[i].points.compactMap { p in
                    let k = Int((p.t - start) / interval)
                    if hi[k] < lo[k] { return nil }
                    return Sample(t: p.t, v: goMax(lo[k], goMin(hi[k], p.v)))
                }
            }
            m.removeAll { $0.points.isEmpty }
            dropNames(&m)
            return .vector(try finishDropped(m))
        case "days_in_month", "day_of_month", "day_of_week", "day_of_year", "hour", "minute", "month", "year":
            let f = dateFunctions[name]!
            if c.args.isEmpty {
                return .vector([EvalSeries(labels: .empty, points: (0..<numSteps).map { Sample(t: time($0), v: f(time($0) / 1000)) })])
            }
            var m = try evalVector(c.args[0])
            mapValues(&m) { v in
                if v.isNaN || v.isInfinite || abs(v) > 9.2e15 { return .nan }
                return f(Int64(v))
            }
            return .vector(try finishDropped(m))
        case "absent":
            let m = try evalVector(c.args[0])
            var present = [Bool](repeating: false, count: numSteps)
            for s in m { for p in s.points { present[Int((p.t - start) / interval)] = true } }
            let pts = (0..<numSteps).filter { !present[$0] }.map { Sample(t: time($0), v: 1) }
            if pts.isEmpty { return .vector([]) }
            return .vector([EvalSeries(labels: absentLabels(c.args[0]), points: pts)])
        case "sort", "sort_desc":
            let m = try evalVector(c.args[0])
            if numSteps > 1 {
                ctx.warn("sort is ineffective for range queries since results are always ordered by labels", posString(c.position))
            }
            let desc = name == "sort_desc"
            return .vector(try rangeEval([m], checkDuplicates: false) { _, _, vecs, out in
                out = goSortByValue(vecs[0], descending: desc)
            })
        case "histogram_quantile":
            return .vector(try evalHistogramQuantile(c))
        case "histogram_fraction":
            return .vector(try evalHistogramFraction(c))
        case "histogram_count", "histogram_sum", "histogram_avg", "histogram_stddev", "histogram_stdvar":
            // Native histograms only: float samples are ignored.
            _ = try evalVector(c.args[0])
            return .vector([])
        default:
            throw EvalError.exec("function \"\(name)\" is not supported")
        }
    }

    func dropNames(_ m: inout EvalMatrix) {
        for i in m.indices {
            if !delayedNameRemoval { m[i].labels = m[i].labels.withoutName() }
            m[i].dropName = true
        }
    }

    /// After names were dropped immediately, series that now share labels are merged (or an
    /// error raised when they overlap in time), as rangeEval's duplicate check does.
    func finishDropped(_ m: EvalMatrix) throws -> EvalMatrix {
        if delayedNameRemoval { return m }
        return try mergeSameLabelset(m)
    }

    func mapValues(_ m: inout EvalMatrix, _ f: (Double) -> Double) {
        for i in m.indices {
            for j in m[i].points.indices { m[i].points[j].v = f(m[i].points[j].v) }
        }
        dropNames(&m)
    }

    func mapValuesWithStep(_ m: inout EvalMatrix, _ f: (Double, Int) -> Double) {
        for i in m.indices {
            for j in m[i].points.indices {
                let p = m[i].points[j]
                m[i].points[j].v = f(p.v, Int((p.t - start) / interval))
            }
        }
        dropNames(&m)
    }

    func posString(_ p: PositionRange) -> String {
        "1:\(p.start + 1)"
    }
}

@inline(__always) func goMax(_ a: Double, _ b: Double) -> Double {
    if a.isNaN || b.isNaN { return .nan }
    return Swift.max(a, b)
}

@inline(__always) func goMin(_ a: Double, _ b: Double) -> Double {
    if a.isNaN || b.isNaN { return .nan }
    return Swift.min(a, b)
}

/// Labels for absent()/absent_over_time(): the equality matchers of a selector argument, minus
/// names matched more than once (Prometheus `createLabelsForAbsentFunction`).
func absentLabels(_ e: Expr) -> Labels {
    let matchers: [LabelMatcher]
    switch e {
    case .vectorSelector(let vs): matchers = vs.matchers
    case .matrixSelector(let ms): matchers = ms.vector.matchers
    default: return .empty
    }
    var b = LabelsBuilder()
    var has = Set<String>()
    for m in matchers where m.name != LabelName.metricName {
        if m.type == .equal && !has.contains(m.name) {
            b.set(m.name, m.value)
            has.insert(m.name)
        } else {
            b.delete(m.name)
        }
    }
    return b.labels()
}

/// Go's sort.Sort(sort.Reverse(heap)) over the value heaps, as funcSort/funcSortDesc do.
/// NaNs sort last in both directions.
func goSortByValue(_ v: Vector, descending: Bool) -> Vector {
    // Reverse of vectorByReverseValueHeap (sort): ascending, NaN last.
    // Reverse of vectorByValueHeap (sort_desc): descending, NaN last.
    var a = v
    goInsertionOrStableSort(&a) { x, y in
        let vx = x.f, vy = y.f
        // less(i, j) of the reversed heap = heapLess(j, i)
        if vy.isNaN { return true }
        return descending ? vy < vx : vy > vx
    }
    return a
}

/// Insertion sort (what Go's pdqsort does for n ≤ 12), stable merge for longer inputs.
func goInsertionOrStableSort<T>(_ a: inout [T], _ less: (T, T) -> Bool) {
    if a.count <= 12 {
        if a.count < 2 { return }
        for i in 1..<a.count {
            var j = i
            while j > 0 && less(a[j], a[j - 1]) { a.swapAt(j, j - 1); j -= 1 }
        }
        return
    }
    let indexed = a.enumerated().map { ($0.offset, $0.element) }
    a = indexed.sorted { x, y in
        if less(x.1, y.1) { return true }
        if less(y.1, x.1) { return false }
        return x.0 < y.0
    }.map(\.1)
}
