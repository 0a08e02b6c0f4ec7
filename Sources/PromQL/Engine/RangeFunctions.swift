import MetricModel

/// One evaluation window of a range-vector function: the series' non-stale samples in
/// (rangeStart, rangeEnd] (Prometheus's left-open range), at step time `ts`.
struct RangeWindow {
    let samples: UnsafeBufferPointer<Sample>
    let ts: Int64
    let rangeStart: Int64
    let rangeEnd: Int64
    /// The selector's range in ms.
    let range: Int64
    /// The scalar argument at this step (quantile_over_time's φ, predict_linear's t), else 0.
    let param: Double
}

typealias RangeFunction = @Sendable (RangeWindow) -> Double?

/// Range-vector functions by name (Prometheus functions.go). Experimental ones included; the
/// engine refuses them unless enabled.
let rangeFunctions: [String: RangeFunction] = [
    "rate": { extrapolatedRate($0, isCounter: true, isRate: true) },
    "increase": { extrapolatedRate($0, isCounter: true, isRate: false) },
    "delta": { extrapolatedRate($0, isCounter: false, isRate: false) },
    "irate": { instantValue($0, isRate: true) },
    "idelta": { instantValue($0, isRate: false) },
    "deriv": { w in
        if w.samples.count < 2 { return nil }
        return linearRegression(w.samples, interceptTime: w.samples[0].t).slope
    },
    "predict_linear": { w in
        if w.samples.count < 2 { return nil }
        let (slope, intercept) = linearRegression(w.samples, interceptTime: w.ts)
        return slope * w.param + intercept
    },
    "resets": { w in
        if w.samples.isEmpty { return nil }
        var n = 0
        for i in 1..<max(1, w.samples.count) where w.samples[i].v < w.samples[i - 1].v { n += 1 }
        return Double(n)
    },
    "changes": { w in
        if w.samples.isEmpty { return nil }
        var n = 0
        for i in 1..<max(1, w.samples.count) {
            let a = w.samples[i - 1].v, b = w.samples[i].v
            if b != a && !(a.isNaN && b.isNaN) { n += 1 }
        }
        return Double(n)
    },
    "avg_over_time": { w in w.samples.isEmpty ? nil : avgOverTime(w.samples) },
    "sum_over_time": { w in
        if w.samples.isEmpty { return nil }
        var sum = 0.0, c = 0.0
        for s in w.samples { (sum, c) = kahanInc(s.v, sum, c) }
        return sum.isInfinite ? sum : sum + c
    },
    "count_over_time": { w in w.samples.isEmpty ? nil : Double(w.samples.count) },
    "min_over_time": { w in
        guard var m = w.samples.first?.v else { return nil }
        for s in w.samples where s.v < m || m.isNaN { m = s.v }
        return m
    },
    "max_over_time": { w in
        guard var m = w.samples.first?.v else { return nil }
        for s in w.samples where s.v > m || m.isNaN { m = s.v }
        return m
    },
    "last_over_time": { w in w.samples.last?.v },
    "first_over_time": { w in w.samples.first?.v },
    "present_over_time": { w in w.samples.isEmpty ? nil : 1 },
    "stddev_over_time": { w in w.samples.isEmpty ? nil : varianceOverTime(w.samples).squareRoot() },
    "stdvar_over_time": { w in w.samples.isEmpty ? nil : varianceOverTime(w.samples) },
    "quantile_over_time": { w in
        if w.samples.isEmpty { return nil }
        var vals = w.samples.map(\.v)
        return quantile(w.param, &vals)
    },
    "mad_over_time": { w in
        if w.samples.isEmpty { return nil }
        var vals = w.samples.map(\.v)
        let med = quantile(0.5, &vals)
        var dev = vals.map { abs($0 - med) }
        return quantile(0.5, &dev)
    },
    "ts_of_min_over_time": { w in tsOfCompare(w) { $0 < $1 } },
    "ts_of_max_over_time": { w in tsOfCompare(w) { $0 > $1 } },
    "ts_of_first_over_time": { w in w.samples.first.map { Double($0.t) / 1000 } },
    "ts_of_last_over_time": { w in w.samples.last.map { Double($0.t) / 1000 } },
]

private func tsOfCompare(_ w: RangeWindow, _ better: (Double, Double) -> Bool) -> Double? {
    guard var m = w.samples.first else { return nil }
    for s in w.samples where better(s.v, m.v) || m.v.isNaN { m = s }
    return Double(m.t) / 1000
}

/// Prometheus `extrapolatedRate` for floats: rate/increase/delta with extrapolation to the range
/// boundaries limited to 1.1× the average sample interval, and to the counter's zero point.
func extrapolatedRate(_ w: RangeWindow, isCounter: Bool, isRate: Bool) -> Double? {
    let s = w.samples
    if s.count < 2 { return nil }
    let numMinusOne = s.count - 1
    let firstT = s[0].t, lastT = s[numMinusOne].t
    var result = s[numMinusOne].v - s[0].v
    if isCounter {
        var prev = s[0].v
        for i in 1..<s.count {
            let cur = s[i].v
            if cur < prev { result += prev }
            prev = cur
        }
    }
    var durationToStart = Double(firstT - w.rangeStart) / 1000
    var durationToEnd = Double(w.rangeEnd - lastT) / 1000
    let sampledInterval = Double(lastT - firstT) / 1000
    let avg = sampledInterval / Double(numMinusOne)
    let threshold = avg * 1.1
    if durationToStart >= threshold { durationToStart = avg / 2 }
    if isCounter {
        var durationToZero = durationToStart
        if result > 0 && s[0].v >= 0 { durationToZero = sampledInterval * (s[0].v / result) }
        if durationToZero < durationToStart { durationToStart = durationToZero }
    }
    if durationToEnd >= threshold { durationToEnd = avg / 2 }
    var factor = 1.0
    if sampledInterval != 0 { factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval }
    if isRate { factor /= Double(w.range) / 1000 }
    return result * factor
}

/// Prometheus `instantValue`: irate / idelta from the last two samples.
func instantValue(_ w: RangeWindow, isRate: Bool) -> Double? {
    let s = w.samples
    if s.count < 2 { return nil }
    let last = s[s.count - 1], prev = s[s.count - 2]
    let interval = last.t - prev.t
    if interval == 0 { return nil }
    var result = last.v
    if !isRate || !(last.v < prev.v) { result = last.v - prev.v }
    if isRate { result /= Double(interval) / 1000 }
    return result
}

/// Least squares with Kahan-compensated sums (Prometheus `linearRegression`).
func linearRegression(_ samples: UnsafeBufferPointer<Sample>, interceptTime: Int64) -> (slope: Double, intercept: Double) {
    var n = 0.0
    var sumX = 0.0, cX = 0.0, sumY = 0.0, cY = 0.0, sumXY = 0.0, cXY = 0.0, sumX2 = 0.0, cX2 = 0.0
    let initY = samples[0].v
    var constY = true
    for (i, s) in samples.enumerated() {
        if constY && i > 0 && s.v != initY { constY = false }
        n += 1
        let x = Double(s.t - interceptTime) / 1e3
        (sumX, cX) = kahanInc(x, sumX, cX)
        (sumY, cY) = kahanInc(s.v, sumY, cY)
        (sumXY, cXY) = kahanInc(x * s.v, sumXY, cXY)
        (sumX2, cX2) = kahanInc(x * x, sumX2, cX2)
    }
    if constY {
        if initY.isInfinite { return (.nan, .nan) }
        return (0, initY)
    }
    sumX += cX; sumY += cY; sumXY += cXY; sumX2 += cX2
    let covXY = sumXY - sumX * sumY / n
    let varX = sumX2 - sumX * sumX / n
    let slope = covXY / varX
    return (slope, sumY / n - slope * sumX / n)
}

/// Mean with Kahan summation, switching to incremental mean on overflow (Prometheus 3).
func avgOverTime(_ s: UnsafeBufferPointer<Sample>) -> Double {
    var sum = s[0].v, count = 1.0, mean = 0.0, c = 0.0
    var incremental = false
    for i in 1..<max(1, s.count) {
        let f = s[i].v
        count = Double(i + 1)
        if !incremental {
            let (ns, nc) = kahanInc(f, sum, c)
            if !ns.isInfinite { sum = ns; c = nc; continue }
            incremental = true
            mean = sum / (count - 1)
            c /= (count - 1)
        }
        let q = (count - 1) / count
        (mean, c) = kahanInc(f / count, q * mean, q * c)
    }
    if incremental { return mean + c }
    return sum / count + c / count
}

/// Population variance, Welford with Kahan (Prometheus `varianceOverTime`).
func varianceOverTime(_ s: UnsafeBufferPointer<Sample>) -> Double {
    var count = 0.0, mean = 0.0, cMean = 0.0, aux = 0.0, cAux = 0.0
    for smp in s {
        count += 1
        let delta = smp.v - (mean + cMean)
        (mean, cMean) = kahanInc(delta / count, mean, cMean)
        (aux, cAux) = kahanInc(delta * (smp.v - (mean + cMean)), aux, cAux)
    }
    return (aux + cAux) / count
}

/// φ-quantile of values (Prometheus `quantile`); sorts `values` in place (NaN first).
func quantile(_ q: Double, _ values: inout [Double]) -> Double {
    if values.isEmpty || q.isNaN { return .nan }
    if q < 0 { return -.infinity }
    if q > 1 { return .infinity }
    values.sort { a, b in a.isNaN ? !b.isNaN || false : (b.isNaN ? false : a < b) }
    let n = Double(values.count)
    let rank = q * (n - 1)
    let lower = max(0, rank.rounded(.down))
    let upper = min(n - 1, lower + 1)
    let weight = rank - rank.rounded(.down)
    return values[Int(lower)] * (1 - weight) + values[Int(upper)] * weight
}
