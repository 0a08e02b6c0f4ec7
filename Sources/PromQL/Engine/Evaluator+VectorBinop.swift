import MetricModel

extension Evaluator {
    /// Signature ordinal of every series on both sides: equal ordinals match (Prometheus
    /// rangeEval's signatureToOrdinal; `ignoring` also ignores `__name__`).
    func signatureOrdinals(_ l: EvalMatrix, _ r: EvalMatrix, _ m: VectorMatching) -> ([Int], [Int], Int) {
        var names = Set(m.matchingLabels)
        if !m.on { names.insert(LabelName.metricName) }
        let nameSet = NameSet(names)
        var ordinals: [LabelsKey: Int] = [:]
        func sig(_ labels: Labels) -> Int {
            let key = m.on ? labels.keepingNames(nameSet) : labels.droppingNames(nameSet)
            let lk = LabelsKey(key)
            if let o = ordinals[lk] { return o }
            let o = ordinals.count
            ordinals[lk] = o
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

    /// Vector-vector operations (Prometheus `VectorAnd`/`VectorOr`/`VectorUnless`/`VectorBinop`),
    /// step by step. Signatures are computed once per series and result label sets once per
    /// matched pair, so a step costs no hashing of labels.
    func vectorBinop(_ b: BinaryExpr, _ lhsM: EvalMatrix, _ rhsM: EvalMatrix, _ matching: VectorMatching) throws -> EvalMatrix {
        let (lsig, rsig, nsig) = signatureOrdinals(lhsM, rhsM, matching)
        let op = b.op
        let card = matching.card
        let swapSides = card == .oneToMany
        let includeSet = matching.include
        let onNames = NameSet(matching.matchingLabels)
        let dropNameNow = op.changesMetricSchema || (!delayedNameRemoval && b.returnBool)
        let instant = numSteps == 1

        var present = [Bool](repeating: false, count: nsig)
        var rightSample = [Int](repeating: -1, count: nsig)
        var matched = [Bool](repeating: false, count: nsig)
        var matchedOut = [[Int]](repeating: [], count: card == .oneToOne ? 0 : nsig)
        var lpos = [Int](repeating: 0, count: lhsM.count), rpos = [Int](repeating: 0, count: rhsM.count)
        var lvec: [(Int, Double)] = [], rvec: [(Int, Double)] = []

        // Output series; `pairOut` maps a (side, lhs, rhs) key to its output index.
        var out = EvalMatrix()
        var outIndex: [LabelsKey: Int] = [:]
        var lastStep: [Int] = []
        var pairOut: [Int: Int] = [:]
        var instantOrder: [Int] = []

        func outputIndex(_ labels: Labels, dropName: Bool) -> Int {
            let k = LabelsKey(labels)
            if let i = outIndex[k] { if dropName { out[i].dropName = true }; return i }
            outIndex[k] = out.count
            out.append(EvalSeries(labels: labels, points: [], dropName: dropName))
            lastStep.append(-1)
            return out.count - 1
        }
        func emit(_ i: Int, _ t: Int64, _ v: Double, _ step: Int) throws {
            if lastStep[i] == step {
                // Instant queries with delayed name removal check only at the end (a later
                // aggregation or label function may still tell the series apart).
                guard instant && delayedNameRemoval else { throw EvalError.exec("vector cannot contain metrics with the same labelset") }
                out.append(EvalSeries(labels: out[i].labels, points: [Sample(t: t, v: v)], dropName: out[i].dropName))
                lastStep.append(step)
                instantOrder.append(out.count - 1)
                return
            }
            lastStep[i] = step
            if out[i].points.isEmpty { out[i].points.reserveCapacity(numSteps - step) }
            out[i].points.append(Sample(t: t, v: v))
            if instant { instantOrder.append(i) }
        }
        func resultMetric(_ l: Labels, _ r: Labels) -> Labels {
            var res = l
            if dropNameNow { res = res.withoutName() }
            if card == .oneToOne {
                res = matching.on ? res.keepingNames(onNames) : res.droppingNames(onNames)
            }
            if !includeSet.isEmpty {
                var bld = LabelsBuilder(res)
                for n in includeSet {
                    let v = r.get(n)
                    if v.isEmpty { bld.delete(n) } else { bld.set(n, v) }
                }
                res = bld.labels()
            }
            return res
        }
        func passThrough(_ m: EvalMatrix, _ si: Int, side: Int, _ t: Int64, _ v: Double, _ step: Int) throws {
            let key = (si << 1) | side
            let i: Int
            if let c = pairOut[key] { i = c } else {
                i = outputIndex(m[si].labels, dropName: m[si].dropName)
                pairOut[key] = i
            }
            try emit(i, t, v, step)
        }

        for step in 0..<numSteps {
            try ctx.tick()
            let t = time(step)
            lvec.removeAll(keepingCapacity: true)
            rvec.removeAll(keepingCapacity: true)
            for si in 0..<lhsM.count {
                let p = lpos[si]
                if p < lhsM[si].points.count && lhsM[si].points[p].t == t { lpos[si] = p + 1; lvec.append((si, lhsM[si].points[p].v)) }
            }
            for si in 0..<rhsM.count {
                let p = rpos[si]
                if p < rhsM[si].points.count && rhsM[si].points[p].t == t { rpos[si] = p + 1; rvec.append((si, rhsM[si].points[p].v)) }
            }
            switch op {
            case .and, .unless:
                if lvec.isEmpty { continue }
                if rvec.isEmpty {
                    if op == .unless { for (si, v) in lvec { try passThrough(lhsM, si, side: 0, t, v, step) } }
                    continue
                }
                for i in 0..<nsig { present[i] = false }
                for (si, _) in rvec { present[rsig[si]] = true }
                for (si, v) in lvec where present[lsig[si]] == (op == .and) { try passThrough(lhsM, si, side: 0, t, v, step) }
                continue
            case .or:
                for i in 0..<nsig { present[i] = false }
                for (si, v) in lvec { present[lsig[si]] = true; try passThrough(lhsM, si, side: 0, t, v, step) }
                for (si, v) in rvec where !present[rsig[si]] { try passThrough(rhsM, si, side: 1, t, v, step) }
                continue
            default: break
            }
            if lvec.isEmpty || rvec.isEmpty { continue }
            // The "one" side is rhs; group_right swaps.
            let (oneVec, oneSig, oneM) = swapSides ? (lvec, lsig, lhsM) : (rvec, rsig, rhsM)
            let (manyVec, manySig, manyM) = swapSides ? (rvec, rsig, rhsM) : (lvec, lsig, lhsM)
            for i in 0..<nsig { present[i] = false; matched[i] = false }
            if card != .oneToOne { for i in 0..<nsig where !matchedOut[i].isEmpty { matchedOut[i].removeAll(keepingCapacity: true) } }
            for (j, (si, _)) in oneVec.enumerated() {
                let sg = oneSig[si]
                if present[sg] {
                    let dup = oneM[oneVec[rightSample[sg]].0].labels
                    var d1 = oneM[si].labels.description, d2 = dup.description
                    if d1 > d2 { swap(&d1, &d2) }
                    let side = card == .oneToMany ? "left" : "right"
                    throw EvalError.exec("found duplicate series for the match group \(matchLabelsString(oneM[si].labels, matching)) on the \(side) hand-side of the operation: [\(d1), \(d2)];many-to-many matching not allowed: matching labels must be unique on one side")
                }
                present[sg] = true
                rightSample[sg] = j
            }
            for (msi, mv) in manyVec {
                let sg = manySig[msi]
                if !present[sg] { continue }
                let (osi, ov) = oneVec[rightSample[sg]]
                let (fl, fr) = swapSides ? (ov, mv) : (mv, ov)
                var (v, keep) = vectorElemBinop(op, fl, fr)
                if b.returnBool { v = keep ? 1 : 0 }
                let key = msi &* (oneM.count + 1) &+ osi
                let oi: Int
                if let c = pairOut[key] { oi = c } else {
                    oi = outputIndex(resultMetric(manyM[msi].labels, oneM[osi].labels), dropName: b.returnBool)
                    pairOut[key] = oi
                }
                if card == .oneToOne {
                    if matched[sg] {
                        throw EvalError.exec("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)")
                    }
                    matched[sg] = true
                } else {
                    if matchedOut[sg].contains(oi) {
                        throw EvalError.exec("multiple matches for labels: grouping labels must ensure unique matches")
                    }
                    matchedOut[sg].append(oi)
                }
                if !keep && !b.returnBool { continue }
                try emit(oi, t, v, step)
            }
        }
        if instant { return instantOrder.map { out[$0] } }
        return out.filter { !$0.points.isEmpty }
    }
}
