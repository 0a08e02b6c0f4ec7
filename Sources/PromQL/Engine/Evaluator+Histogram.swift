import MetricModel

struct Bucket {
    var upperBound: Double
    var count: Double
}

extension Evaluator {
    /// Groups a step's classic bucket samples by their labels without `le` (Prometheus
    /// `resetHistograms`), in first-seen order.
    func groupBuckets(_ vec: Vector, _ arg: Expr, into groups: inout [(Labels, [Bucket])], index: inout [LabelsKey: Int]) {
        groups.removeAll(keepingCapacity: true)
        index.removeAll(keepingCapacity: true)
        for s in vec {
            let leStr = s.labels.get(LabelName.bucket)
            guard let ub = parseGoFloat(leStr) else {
                let name = delayedNameRemoval ? s.labels.metricName : ""
                ctx.warn("bucket label \"le\" is missing or has a malformed value of \(goQuote(leStr))" + (name.isEmpty ? "" : " for metric name \(goQuote(name))"), posString(arg.positionRange))
                continue
            }
            let key = s.labels.droppingNames(leNameSet)
            let lk = LabelsKey(key)
            if let i = index[lk] {
                groups[i].1.append(Bucket(upperBound: ub, count: s.f))
            } else {
                index[lk] = groups.count
                groups.append((key, [Bucket(upperBound: ub, count: s.f)]))
            }
        }
    }

    func evalHistogramQuantile(_ c: Call) throws -> EvalMatrix {
        let qs = try evalScalar(c.args[0])
        let m = try evalVector(c.args[1])
        var groups: [(Labels, [Bucket])] = []
        var index: [LabelsKey: Int] = [:]
        let arg = c.args[1]
        return try rangeEval([m]) { step, t, vecs, out in
            let q = qs[step]
            if q.isNaN || q < 0 || q > 1 {
                ctx.warn("quantile value should be between 0 and 1, got \(PromFloat.formatG(q))", posString(c.args[0].positionRange))
            }
            groupBuckets(vecs[0], arg, into: &groups, index: &index)
            for (labels, buckets) in groups where !buckets.isEmpty {
                var b = buckets
                let r = bucketQuantile(q, &b)
                if let m = r.monotonicity {
                    let name = delayedNameRemoval ? labels.metricName : ""
                    ctx.monotonicityInfo(metric: name, pos: posString(arg.positionRange), ts: t,
                                         minBucket: m.minBucket, maxBucket: m.maxBucket, maxDiff: m.maxDiff)
                }
                out.append(VSample(labels: delayedNameRemoval ? labels : labels.withoutName(), f: r.value, dropName: true))
            }
        }
    }

    func evalHistogramFraction(_ c: Call) throws -> EvalMatrix {
        let lows = try evalScalar(c.args[0]), highs = try evalScalar(c.args[1])
        let m = try evalVector(c.args[2])
        var groups: [(Labels, [Bucket])] = []
        var index: [LabelsKey: Int] = [:]
        return try rangeEval([m]) { step, _, vecs, out in
            groupBuckets(vecs[0], c.args[2], into: &groups, index: &index)
            for (labels, buckets) in groups where !buckets.isEmpty {
                var b = buckets
                let f = bucketFraction(lows[step], highs[step], &b)
                out.append(VSample(labels: delayedNameRemoval ? labels : labels.withoutName(), f: f, dropName: true))
            }
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
