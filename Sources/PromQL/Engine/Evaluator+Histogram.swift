import MetricModel

struct Bucket {
    var upperBound: Double
    var count: Double
}

extension Evaluator {
    /// Runs `body` on the classic histograms of every step: input series are grouped once by
    /// their labels without `le` (Prometheus `resetHistograms`), and each step's buckets of a
    /// group are handed over together.
    func evalBuckets(_ m: EvalMatrix, _ arg: Expr,
                     _ body: (_ step: Int, _ t: Int64, _ labels: Labels, _ buckets: inout [Bucket]) -> Double) throws -> EvalMatrix {
        var upper = [Double?](repeating: nil, count: m.count)
        var group = [Int](repeating: -1, count: m.count)
        var groupLabels: [Labels] = []
        var index: [LabelsKey: Int] = [:]
        for (i, s) in m.enumerated() {
            upper[i] = parseGoFloat(s.labels.get(LabelName.bucket))
            if upper[i] == nil { continue }
            let key = s.labels.droppingNames(leNameSet)
            let lk = LabelsKey(key)
            if let g = index[lk] { group[i] = g } else {
                index[lk] = groupLabels.count
                group[i] = groupLabels.count
                groupLabels.append(key)
            }
        }
        var buckets = [[Bucket]](repeating: [], count: groupLabels.count)
        var touched: [Int] = []
        var pos = [Int](repeating: 0, count: m.count)
        var collector = OutputCollector(numSteps: numSteps)
        var instantOut = Vector()
        for step in 0..<numSteps {
            try ctx.tick()
            let t = time(step)
            for g in touched { buckets[g].removeAll(keepingCapacity: true) }
            touched.removeAll(keepingCapacity: true)
            for i in m.indices {
                let p = pos[i]
                guard p < m[i].points.count, m[i].points[p].t == t else { continue }
                pos[i] = p + 1
                guard let ub = upper[i] else {
                    let name = delayedNameRemoval ? m[i].labels.metricName : ""
                    ctx.warn("bucket label \"le\" is missing or has a malformed value of \(goQuote(m[i].labels.get(LabelName.bucket)))" +
                             (name.isEmpty ? "" : " for metric name \(goQuote(name))"), posString(arg.positionRange))
                    continue
                }
                let g = group[i]
                if buckets[g].isEmpty { touched.append(g) }
                buckets[g].append(Bucket(upperBound: ub, count: m[i].points[p].v))
            }
            for g in touched {
                let v = body(step, t, groupLabels[g], &buckets[g])
                let labels = delayedNameRemoval ? groupLabels[g] : groupLabels[g].withoutName()
                if numSteps == 1 {
                    instantOut.append(VSample(labels: labels, f: v, dropName: true))
                } else {
                    try collector.add(labels, t, v, dropName: true, step: step)
                }
            }
        }
        if numSteps == 1 {
            if !delayedNameRemoval { try checkNoDuplicates(instantOut) }
            return instantOut.map { EvalSeries(labels: $0.labels, points: [Sample(t: start, v: $0.f)], dropName: true) }
        }
        return collector.series
    }

    func evalHistogramQuantile(_ c: Call) throws -> EvalMatrix {
        let qs = try evalScalar(c.args[0])
        let m = try evalVector(c.args[1])
        let arg = c.args[1]
        for q in Set(qs.map(\.bitPattern)).map(Double.init(bitPattern:)) where q.isNaN || q < 0 || q > 1 {
            ctx.warn("quantile value should be between 0 and 1, got \(PromFloat.formatG(q))", posString(c.args[0].positionRange))
        }
        return try evalBuckets(m, arg) { step, t, labels, buckets in
            let r = bucketQuantile(qs[step], &buckets)
            if let fix = r.monotonicity {
                let name = delayedNameRemoval ? labels.metricName : ""
                ctx.monotonicityInfo(metric: name, pos: posString(arg.positionRange), ts: t,
                                     minBucket: fix.minBucket, maxBucket: fix.maxBucket, maxDiff: fix.maxDiff)
            }
            return r.value
        }
    }

    func evalHistogramFraction(_ c: Call) throws -> EvalMatrix {
        let lows = try evalScalar(c.args[0]), highs = try evalScalar(c.args[1])
        let m = try evalVector(c.args[2])
        return try evalBuckets(m, c.args[2]) { step, _, _, buckets in
            bucketFraction(lows[step], highs[step], &buckets)
        }
    }
}

/// Parses a float as Go's strconv.ParseFloat does for `le` values (incl. "+Inf", "NaN").
func parseGoFloat(_ s: String) -> Double? {
    if s.isEmpty { return nil }
    return PromFloat.parse(s)
}

func sortAndCoalesce(_ buckets: inout [Bucket]) {
    buckets.sort { $0.upperBound < $1.upperBound }
    var out: [Bucket] = []
    out.reserveCapacity(buckets.count)
    for b in buckets {
        if let last = out.last, last.upperBound == b.upperBound {
            out[out.count - 1].count += b.count
        } else {
            out.append(b)
        }
    }
    buckets = out
}

struct MonotonicityFix {
    var minBucket = Double.infinity
    var maxBucket = -Double.infinity
    var maxDiff = 0.0
}

/// Prometheus `BucketQuantile` over classic buckets, with the monotonicity fix (reported when
/// it had to be applied).
func bucketQuantile(_ q: Double, _ buckets: inout [Bucket]) -> (value: Double, monotonicity: MonotonicityFix?) {
    if q.isNaN { return (.nan, nil) }
    if q < 0 { return (-.infinity, nil) }
    if q > 1 { return (.infinity, nil) }
    buckets.sort { $0.upperBound < $1.upperBound }
    guard let last = buckets.last, last.upperBound == .infinity else { return (.nan, nil) }
    sortAndCoalesce(&buckets)
    let forced = ensureMonotonic(&buckets, tolerance: 1e-12)
    if buckets.count < 2 { return (.nan, forced) }
    let observations = buckets[buckets.count - 1].count
    if observations == 0 { return (.nan, forced) }
    var rank = q * observations
    // sort.Search over the first n-1 buckets.
    var lo = 0, hi = buckets.count - 1
    while lo < hi {
        let mid = (lo + hi) / 2
        if buckets[mid].count >= rank { hi = mid } else { lo = mid + 1 }
    }
    let b = lo
    if b == buckets.count - 1 { return (buckets[buckets.count - 2].upperBound, forced) }
    if b == 0 && buckets[0].upperBound <= 0 { return (buckets[0].upperBound, forced) }
    var bucketStart = 0.0
    let bucketEnd = buckets[b].upperBound
    var count = buckets[b].count
    if b > 0 {
        bucketStart = buckets[b - 1].upperBound
        count -= buckets[b - 1].count
        rank -= buckets[b - 1].count
    }
    return (bucketStart + (bucketEnd - bucketStart) * (rank / count), forced)
}

func ensureMonotonic(_ buckets: inout [Bucket], tolerance: Double) -> MonotonicityFix? {
    var forced: MonotonicityFix? = nil
    var prev = buckets[0].count
    for i in 1..<buckets.count {
        let curr = buckets[i].count
        if curr == prev { continue }
        if almostEqual(prev, curr, tolerance) {
            buckets[i].count = prev
            continue
        }
        if curr < prev {
            buckets[i].count = prev
            var f = forced ?? MonotonicityFix()
            f.minBucket = min(f.minBucket, buckets[i].upperBound)
            f.maxBucket = max(f.maxBucket, buckets[i].upperBound)
            f.maxDiff = max(f.maxDiff, prev - curr)
            forced = f
            continue
        }
        prev = curr
    }
    return forced
}

/// Prometheus `BucketFraction`.
func bucketFraction(_ lower: Double, _ upper: Double, _ buckets: inout [Bucket]) -> Double {
    buckets.sort { $0.upperBound < $1.upperBound }
    guard let last = buckets.last, last.upperBound == .infinity else { return .nan }
    sortAndCoalesce(&buckets)
    let count = buckets[buckets.count - 1].count
    if count == 0 || lower.isNaN || upper.isNaN { return .nan }
    if lower >= upper { return 0 }
    var rank = 0.0, lowerRank = 0.0, upperRank = 0.0
    var lowerSet = false, upperSet = false
    var lowerBound = buckets[0].upperBound <= 0 ? -Double.infinity : 0.0
    for (i, b) in buckets.enumerated() {
        if i > 0 { lowerBound = buckets[i - 1].upperBound }
        let upperBound = b.upperBound
        func interp(_ v: Double) -> Double {
            if lowerBound == -.infinity { return b.count }
            return rank + (b.count - rank) * (v - lowerBound) / (upperBound - lowerBound)
        }
        if !lowerSet && lowerBound >= lower { lowerRank = rank; lowerSet = true }
        if !upperSet && lowerBound >= upper { upperRank = rank; upperSet = true }
        if lowerSet && upperSet { break }
        if !lowerSet && lowerBound < lower && upperBound > lower { lowerRank = interp(lower); lowerSet = true }
        if !upperSet && lowerBound < upper && upperBound > upper { upperRank = interp(upper); upperSet = true }
        if lowerSet && upperSet { break }
        rank = b.count
    }
    if !lowerSet || lowerRank > count { lowerRank = count }
    if !upperSet || upperRank > count { upperRank = count }
    return (upperRank - lowerRank) / count
}

let minNormal = Double(bitPattern: 0x0010_0000_0000_0000)

/// Prometheus `almost.Equal` (also the promqltest comparison).
public func almostEqual(_ a: Double, _ b: Double, _ epsilon: Double) -> Bool {
    if a.isNaN && b.isNaN { return true }
    if a == b { return true }
    let absSum = abs(a) + abs(b)
    let diff = abs(a - b)
    if a == 0 || b == 0 || absSum < minNormal { return diff < epsilon * minNormal }
    return diff / Swift.min(absSum, Double.greatestFiniteMagnitude) < epsilon
}
let leNameSet = NameSet([LabelName.bucket])
