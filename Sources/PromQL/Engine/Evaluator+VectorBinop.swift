import MetricModel

extension Evaluator {
    /// Signature ordinal of every series on both sides: equal ordinals match (Prometheus
    /// rangeEval's signatureToOrdinal; `ignoring` also ignores `__name__`).
    func signatureOrdinals(_ l: EvalMatrix, _ r: EvalMatrix, _ m: VectorMatching) -> ([Int], [Int], Int) {
        var names = Set(m.matchingLabels)
        if !m.on { names.insert(LabelName.metricName) }
        var ordinals: [Labels: Int] = [:]
        func sig(_ labels: Labels) -> Int {
            let key = m.on ? labels.keeping(names) : labels.dropping(names)
            if let o = ordinals[key] { return o }
            let o = ordinals.count
            ordinals[key] = o
            return o
        }
        let ls = l.map { sig($0.labels) }
        let rs = r.map { sig($0.labels) }
        return (ls, rs, ordinals.count)
    }

    func matchLabelsString(_ l: Labels, _ m: VectorMatching) -> String {
        if m.on { return l.keeping(Set(m.matchingLabels)).description }
        var names = Set(m.matchingLabels)
        names.insert(LabelName.metricName)
        return l.dropping(names).description
    }

    func vectorBinop(_ b: BinaryExpr, _ lhsM: EvalMatrix, _ rhsM: EvalMatrix, _ matching: VectorMatching) throws -> EvalMatrix {
        let (lsig, rsig, nsig) = signatureOrdinals(lhsM, rhsM, matching)
        var present = [Bool](repeating: false, count: nsig)
        var rightSample = [Int](repeating: -1, count: nsig)
        var matched = [Bool](repeating: false, count: nsig)
        var matchedSets = [Set<Labels>](repeating: [], count: nsig)
        var metricCache: [Int: Labels] = [:]
        let op = b.op
        let card = matching.card
        let swapSides = card == .oneToMany
        let includeSet = matching.include
        let onNames = Set(matching.matchingLabels)
        let dropNameNow = op.changesMetricSchema || (!delayedNameRemoval && b.returnBool)

        func resultMetric(_ l: Labels, _ r: Labels, _ li: Int, _ ri: Int) -> Labels {
            let key = li &* 1_000_003 &+ ri
            if let c = metricCache[key] { return c }
            var out = l
            if dropNameNow { out = out.withoutName() }
            if card == .oneToOne {
                out = matching.on ? out.keeping(onNames) : out.dropping(onNames)
            }
            if !includeSet.isEmpty {
                var bld = LabelsBuilder(out)
                for n in includeSet {
                    let v = r.get(n)
                    if v.isEmpty { bld.delete(n) } else { bld.set(n, v) }
                }
                out = bld.labels()
            }
            metricCache[key] = out
            return out
        }

        return try rangeEval([lhsM, rhsM]) { _, _, vecs, out in
            var lhs = vecs[0], rhs = vecs[1]
            switch op {
            case .and:
                if lhs.isEmpty || rhs.isEmpty { return }
                for i in present.indices { present[i] = false }
                for s in rhs { present[rsig[s.series]] = true }
                for s in lhs where present[lsig[s.series]] { out.append(s) }
                return
            case .or:
                if lhs.isEmpty { out.append(contentsOf: rhs); return }
                if rhs.isEmpty { out.append(contentsOf: lhs); return }
                for i in present.indices { present[i] = false }
                for s in lhs { present[lsig[s.series]] = true; out.append(s) }
                for s in rhs where !present[rsig[s.series]] { out.append(s) }
                return
            case .unless:
                if lhs.isEmpty || rhs.isEmpty { out.append(contentsOf: lhs); return }
                for i in present.indices { present[i] = false }
                for s in rhs { present[rsig[s.series]] = true }
                for s in lhs where !present[lsig[s.series]] { out.append(s) }
                return
            default: break
            }
            if lhs.isEmpty || rhs.isEmpty { return }
            var lsigs = lsig, rsigs = rsig
            if swapSides { swap(&lhs, &rhs); swap(&lsigs, &rsigs) }
            for i in 0..<nsig { present[i] = false; rightSample[i] = -1; matched[i] = false }
            if card != .oneToOne { for i in 0..<nsig where !matchedSets[i].isEmpty { matchedSets[i].removeAll() } }
            for (j, rs) in rhs.enumerated() {
                let sg = rsigs[rs.series]
                if present[sg] {
                    let dup = rhs[rightSample[sg]]
                    var d1 = rs.labels.description, d2 = dup.labels.description
                    if d1 > d2 { swap(&d1, &d2) }
                    let side = card == .oneToMany ? "left" : "right"
                    throw EvalError.exec("found duplicate series for the match group \(matchLabelsString(rs.labels, matching)) on the \(side) hand-side of the operation: [\(d1), \(d2)];many-to-many matching not allowed: matching labels must be unique on one side")
                }
                present[sg] = true
                rightSample[sg] = j
            }
            for ls in lhs {
                let sg = lsigs[ls.series]
                if !present[sg] { continue }
                let rs = rhs[rightSample[sg]]
                var (fl, fr) = (ls.f, rs.f)
                if swapSides { swap(&fl, &fr) }
                var (v, keep) = vectorElemBinop(op, fl, fr)
                if b.returnBool { v = keep ? 1 : 0 }
                let metric = swapSides ? resultMetric(ls.labels, rs.labels, rs.series, ls.series + 1 << 40)
                    : resultMetric(ls.labels, rs.labels, ls.series, rs.series + 1 << 40)
                if card == .oneToOne {
                    if matched[sg] {
                        throw EvalError.exec("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)")
                    }
                    matched[sg] = true
                } else if !matchedSets[sg].insert(metric).inserted {
                    throw EvalError.exec("multiple matches for labels: grouping labels must ensure unique matches")
                }
                if !keep && !b.returnBool { continue }
                out.append(VSample(labels: metric, f: v, dropName: b.returnBool))
            }
        }
    }
}
