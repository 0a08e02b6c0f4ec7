import MetricModel

extension Evaluator {
    func evalAggregate(_ a: AggregateExpr) throws -> EvalValue {
        let grouping = a.grouping.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        if a.op == .countValues {
            guard let p = a.param else { throw EvalError.exec("count_values requires a label") }
            let label = try stringArg(p)
            if !isValidLabelName(label) { throw EvalError.exec("invalid label name \"\(label)\"") }
            return .vector(try evalCountValues(a, grouping: grouping, label: label))
        }
        var params: [Double] = []
        if let p = a.param, a.op.takesParameter { params = try evalScalar(p) }
        let input = try evalVector(a.expr)

        // Map input series to groups once (Prometheus rangeEvalAgg).
        var groupIndex: [LabelsKey: Int] = [:]
        var seriesToGroup = [Int](repeating: 0, count: input.count)
        var groupLabels: [Labels] = []
        let nameSet = NameSet(a.without ? grouping + [LabelName.metricName] : grouping)
        for (i, s) in input.enumerated() {
            let key = a.without ? s.labels.droppingNames(nameSet) : s.labels.keepingNames(nameSet)
            let lk = LabelsKey(key)
            if let g = groupIndex[lk] { seriesToGroup[i] = g } else {
                groupIndex[lk] = groupLabels.count
                seriesToGroup[i] = groupLabels.count
                groupLabels.append(key)
            }
        }

        switch a.op {
        case .topk, .bottomk, .limitk, .limitRatio:
            return .vector(try evalTopK(a, input, seriesToGroup, groupCount: groupLabels.count, params: params))
        case .quantile:
            if params.contains(where: { $0.isNaN }) { warnQuantile(.nan, a) }
            if let mx = params.max(), mx > 1 { warnQuantile(mx, a) }
            if let mn = params.min(), mn < 0 { warnQuantile(mn, a) }
        default: break
        }

        let ng = groupLabels.count
        // Struct-of-arrays group state (Prometheus `groupedAggregation`), reset per step.
        var seen = [Bool](repeating: false, count: ng)
        var value = [Double](repeating: 0, count: ng)
        var mean = [Double](repeating: 0, count: ng)
        var kahanC = [Double](repeating: 0, count: ng)
        var count = [Double](repeating: 0, count: ng)
        var incremental = [Bool](repeating: false, count: ng)
        var dropName = [Bool](repeating: false, count: ng)
        var qvalues = [[Double]](repeating: [], count: a.op == .quantile ? ng : 0)
        var pos = [Int](repeating: 0, count: input.count)
        var result = [EvalSeries](repeating: EvalSeries(labels: .empty, points: []), count: ng)
        for g in 0..<ng { result[g].labels = groupLabels[g] }
        let op = a.op
        for step in 0..<numSteps {
            try ctx.tick()
            let t = time(step)
            for g in 0..<ng { seen[g] = false }
            for si in 0..<input.count {
                let p = pos[si]
                guard p < input[si].points.count, input[si].points[p].t == t else { continue }
                pos[si] = p + 1
                let f = input[si].points[p].v
                let g = seriesToGroup[si]
                if !seen[g] {
                    seen[g] = true
                    value[g] = f; mean[g] = f; kahanC[g] = 0; count[g] = 1; incremental[g] = false
                    dropName[g] = input[si].dropName
                    switch op {
                    case .stddev, .stdvar: value[g] = (f.isNaN || f.isInfinite) ? .nan : 0
                    case .quantile: qvalues[g].removeAll(keepingCapacity: true); qvalues[g].append(f)
                    case .group: value[g] = 1
                    default: break
                    }
                    continue
                }
                if input[si].dropName { dropName[g] = true }
                switch op {
                case .sum:
                    (value[g], kahanC[g]) = kahanInc(f, value[g], kahanC[g])
                case .avg:
                    count[g] += 1
                    let n = count[g]
                    if !incremental[g] {
                        let (nv, nc) = kahanInc(f, value[g], kahanC[g])
                        if !nv.isInfinite { value[g] = nv; kahanC[g] = nc; break }
                        incremental[g] = true
                        mean[g] = value[g] / (n - 1)
                        kahanC[g] /= (n - 1)
                    }
                    let q = (n - 1) / n
                    (mean[g], kahanC[g]) = kahanInc(f / n, q * mean[g], q * kahanC[g])
                case .max:
                    if value[g] < f || value[g].isNaN { value[g] = f }
                case .min:
                    if value[g] > f || value[g].isNaN { value[g] = f }
                case .count:
                    count[g] += 1
                case .stddev, .stdvar:
                    count[g] += 1
                    let delta = f - mean[g]
                    mean[g] += delta / count[g]
                    value[g] += delta * (f - mean[g])
                case .quantile:
                    qvalues[g].append(f)
                default: break
                }
            }
            for g in 0..<ng where seen[g] {
                var v = value[g]
                switch op {
                case .avg: v = incremental[g] ? mean[g] + kahanC[g] : value[g] / count[g] + kahanC[g] / count[g]
                case .count: v = count[g]
                case .stdvar: v = value[g] / count[g]
                case .stddev: v = (value[g] / count[g]).squareRoot()
                case .quantile: v = quantile(params[step], &qvalues[g])
                case .sum: v = value[g] + kahanC[g]
                default: break
                }
                if result[g].points.isEmpty { result[g].points.reserveCapacity(numSteps - step) }
                result[g].points.append(Sample(t: t, v: v))
                result[g].dropName = dropName[g]
            }
        }
        result.removeAll { $0.points.isEmpty }
        try ctx.addSamples(result.reduce(0) { $0 + $1.points.count })
        return .vector(result)
    }

    func warnQuantile(_ q: Double, _ a: AggregateExpr) {
        let pos = a.param.map { posString($0.positionRange) } ?? posString(a.position)
        ctx.warn("quantile value should be between 0 and 1, got \(PromFloat.formatG(q))", pos)
    }


    func evalCountValues(_ a: AggregateExpr, grouping: [String], label: String) throws -> EvalMatrix {
        let input = try evalVector(a.expr)
        var names = Set(grouping)
        if a.without { names.insert(LabelName.metricName) } else { names.insert(label) }
        let nameSet = NameSet(names)
        return try rangeEval([input]) { _, _, vecs, out in
            var index: [LabelsKey: Int] = [:]
            for s in vecs[0] {
                let l = s.labels.setting(label, PromFloat.formatF(s.f))
                let key = a.without ? l.droppingNames(nameSet) : l.keepingNames(nameSet)
                let lk = LabelsKey(key)
                if let i = index[lk] { out[i].f += 1 } else {
                    index[lk] = out.count
                    out.append(VSample(labels: key, f: 1))
                }
            }
        }
    }
}
