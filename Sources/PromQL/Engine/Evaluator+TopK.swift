import MetricModel

/// Go's container/heap over samples with a `less`, to reproduce Prometheus's topk/bottomk order.
struct GoHeap {
    var items: [VSample] = []
    let less: (VSample, VSample) -> Bool

    mutating func push(_ s: VSample) {
        items.append(s)
        up(items.count - 1)
    }

    mutating func up(_ j0: Int) {
        var j = j0
        while true {
            let i = (j - 1) / 2
            if i == j || j == 0 || !less(items[j], items[i]) { break }
            items.swapAt(i, j)
            j = i
        }
    }

    @discardableResult
    mutating func down(_ i0: Int, _ n: Int) -> Bool {
        var i = i0
        while true {
            let j1 = 2 * i + 1
            if j1 >= n || j1 < 0 { break }
            var j = j1
            let j2 = j1 + 1
            if j2 < n && less(items[j2], items[j1]) { j = j2 }
            if !less(items[j], items[i]) { break }
            items.swapAt(i, j)
            i = j
        }
        return i > i0
    }

    mutating func fix(_ i: Int) {
        if !down(i, items.count) { up(i) }
    }
}

/// vectorByValueHeap.Less (min-heap on value, NaN smallest).
func valueHeapLess(_ a: VSample, _ b: VSample) -> Bool {
    if a.f.isNaN { return true }
    return a.f < b.f
}

/// vectorByReverseValueHeap.Less (max-heap on value, NaN "smallest").
func reverseValueHeapLess(_ a: VSample, _ b: VSample) -> Bool {
    if a.f.isNaN { return true }
    return a.f > b.f
}

extension Evaluator {
    func evalTopK(_ a: AggregateExpr, _ input: EvalMatrix, _ seriesToGroup: [Int], groupCount: Int, params: [Double]) throws -> EvalMatrix {
        if a.op == .limitRatio { throw EvalError.exec("limit_ratio is not supported") }
        if (params.max() ?? 0) < 1 { return [] }
        if params.contains(where: { $0.isNaN }) { throw EvalError.exec("Parameter value is NaN") }
        if let mn = params.min(), mn <= -9.223372036854775e18 { throw EvalError.exec("Scalar value \(PromFloat.formatG(mn)) underflows int64") }
        if let mx = params.max(), mx >= 9.223372036854775e18 { throw EvalError.exec("Scalar value \(PromFloat.formatG(mx)) overflows int64") }
        let op = a.op
        let less: (VSample, VSample) -> Bool
        if op == .bottomk { less = reverseValueHeapLess } else { less = valueHeapLess }
        var heaps = [GoHeap](repeating: GoHeap(less: less), count: groupCount)
        var seen = [Bool](repeating: false, count: groupCount)
        var stepper = MatrixStepper(count: input.count)
        var collector = OutputCollector(numSteps: numSteps)
        for step in 0..<numSteps {
            try ctx.tick()
            let t = time(step)
            let k = min(Int(params[step]), input.count)
            for g in 0..<groupCount { seen[g] = false; heaps[g].items.removeAll(keepingCapacity: true) }
            stepper.forEach(input, at: t) { (si: Int, f: Double) -> Void in
                if k < 1 { return }
                let s = VSample(labels: input[si].labels, f: f, dropName: input[si].dropName, series: si)
                let g = seriesToGroup[si]
                if !seen[g] {
                    seen[g] = true
                    heaps[g].push(s)
                    return
                }
                switch op {
                case .topk:
                    if heaps[g].items.count < k {
                        heaps[g].push(s)
                    } else if heaps[g].items[0].f < s.f || (heaps[g].items[0].f.isNaN && !s.f.isNaN) {
                        heaps[g].items[0] = s
                        if k > 1 { heaps[g].fix(0) }
                    }
                case .bottomk:
                    if heaps[g].items.count < k {
                        heaps[g].push(s)
                    } else if heaps[g].items[0].f > s.f || (heaps[g].items[0].f.isNaN && !s.f.isNaN) {
                        heaps[g].items[0] = s
                        if k > 1 { heaps[g].fix(0) }
                    }
                default: // limitk
                    if heaps[g].items.count < k { heaps[g].push(s) }
                }
            }
            if k < 1 { continue }
            var stepOut = Vector()
            for g in 0..<groupCount where seen[g] {
                var items = heaps[g].items
                if op != .limitk && items.count > 1 {
                    // sort.Sort(sort.Reverse(heap)): less(i, j) = heapLess(j, i)
                    goInsertionOrStableSort(&items) { x, y in less(y, x) }
                }
                stepOut.append(contentsOf: items)
            }
            if numSteps == 1 {
                return stepOut.map { EvalSeries(labels: $0.labels, points: [Sample(t: t, v: $0.f)], dropName: $0.dropName) }
            }
            for s in stepOut { try collector.add(s.labels, t, s.f, dropName: s.dropName, step: step) }
        }
        return collector.series
    }
}
