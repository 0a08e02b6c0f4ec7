import MetricModel

/// Per-group state of one aggregation step (Prometheus `groupedAggregation`).
struct GroupState {
    var seen = false
    var value = 0.0
    var mean = 0.0
    var kahanC = 0.0
    var count = 0.0
    var incrementalMean = false
    var dropName = false
    var values: [Double] = []
}

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
        var groupIndex: [Labels: Int] = [:]
        var seriesToGroup = [Int](repeating: 0, count: input.count)
        var groupLabels: [Labels] = []
        let nameSet: Set<String> = Set(grouping)
        for (i, s) in input.enumerated() {
            let key = groupingLabels(s.labels, grouping: grouping, names: nameSet, without: a.without)
            if let g = groupIndex[key] { seriesToGroup[i] = g } else {
                groupIndex[key] = groupLabels.count
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

        var groups = [GroupState](repeating: GroupState(), count: groupLabels.count)
        var stepper = MatrixStepper(count: input.count)
        var result = [EvalSeries](repeating: EvalSeries(labels: .empty, points: []), count: groupLabels.count)
        for g in groupLabels.indices { result[g].labels = groupLabels[g] }
        let op = a.op
        for step in 0..<numSteps {
            try ctx.tick()
            let t = time(step)
            for g in groups.indices { groups[g].seen = false }
            stepper.forEach(input, at: t) { si, f in
                let g = seriesToGroup[si]
                if !groups[g].seen {
                    var st = GroupState(seen: true, value: f, mean: f, kahanC: 0, count: 1, dropName: input[si].dropName)
                    switch op {
                    case .stddev, .stdvar: st.value = (f.isNaN || f.isInfinite) ? .nan : 0
                    case .quantile: st.values = groups[g].values; st.values.removeAll(keepingCapacity: true); st.values.append(f)
                    case .group: st.value = 1
                    default: break
                    }
                    groups[g] = st
                    return
                }
                if input[si].dropName { groups[g].dropName = true }
                switch op {
                case .sum:
                    (groups[g].value, groups[g].kahanC) = kahanInc(f, groups[g].value, groups[g].kahanC)
                case .avg:
                    groups[g].count += 1
                    let n = groups[g].count
                    if !groups[g].incrementalMean {
                        let (nv, nc) = kahanInc(f, groups[g].value, groups[g].kahanC)
                        if !nv.isInfinite { groups[g].value = nv; groups[g].kahanC = nc; break }
                        groups[g].incrementalMean = true
                        groups[g].mean = groups[g].value / (n - 1)
                        groups[g].kahanC /= (n - 1)
                    }
                    let q = (n - 1) / n
                    (groups[g].mean, groups[g].kahanC) = kahanInc(f / n, q * groups[g].mean, q * groups[g].kahanC)
                case .group: break
                case .max:
                    if groups[g].value < f || groups[g].value.isNaN { groups[g].value = f }
                case .min:
                    if groups[g].value > f || groups[g].value.isNaN { groups[g].value = f }
                case .count:
                    groups[g].count += 1
                case .stddev, .stdvar:
                    groups[g].count += 1
                    let delta = f - groups[g].mean
                    groups[g].mean += delta / groups[g].count
                    groups[g].value += delta * (f - groups[g].mean)
                case .quantile:
                    groups[g].values.append(f)
                default: break
                }
            }
            for g in groups.indices where groups[g].seen {
                var v = groups[g].value
                switch op {
                case .avg:
                    v = groups[g].incrementalMean ? groups[g].mean + groups[g].kahanC
                        : groups[g].value / groups[g].count + groups[g].kahanC / groups[g].count
                case .count: v = groups[g].count
                case .stdvar: v = groups[g].value / groups[g].count
                case .stddev: v = (groups[g].value / groups[g].count).squareRoot()
                case .quantile: v = quantile(params[step], &groups[g].values)
                case .sum: v = groups[g].value + groups[g].kahanC
                default: break
                }
                if result[g].points.isEmpty { result[g].points.reserveCapacity(numSteps - step) }
                result[g].points.append(Sample(t: t, v: v))
                result[g].dropName = groups[g].dropName
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

    /// Output labels of a group: `by` keeps the listed labels, `without` drops them and the name.
    func groupingLabels(_ l: Labels, grouping: [String], names: Set<String>, without: Bool) -> Labels {
        if without {
            var drop = names
            drop.insert(LabelName.metricName)
            return l.dropping(drop)
        }
        if grouping.isEmpty { return .empty }
        return l.keeping(names)
    }

    func evalCountValues(_ a: AggregateExpr, grouping: [String], label: String) throws -> EvalMatrix {
        let input = try evalVector(a.expr)
        var names = Set(grouping)
        if !a.without { names.insert(label) }
        let sortedNames = names.sorted()
        return try rangeEval([input]) { _, _, vecs, out in
            var index: [Labels: Int] = [:]
            for s in vecs[0] {
                let l = s.labels.setting(label, PromFloat.formatF(s.f))
                let key = groupingLabels(l, grouping: sortedNames, names: names, without: a.without)
                if let i = index[key] { out[i].f += 1 } else {
                    index[key] = out.count
                    out.append(VSample(labels: key, f: 1))
                }
            }
        }
    }
}
