// promql-bench: engine-only latency over an in-memory dataset (no HTTP, no TSDB).
// Usage: swift run -c release promql-bench [series] [hours]
// Generates `series` counter series (15 s interval) with job/instance/le labels and runs a set of
// representative queries, printing the median of 5 runs each. Used to find engine hot spots;
// the end-to-end comparison with Prometheus is scripts/bench/query/run.
import Foundation
import MetricModel
import PromQL
import TSDB

let args = CommandLine.arguments
let seriesCount = args.count > 1 ? Int(args[1]) ?? 10_000 : 10_000
let hours = args.count > 2 ? Int(args[2]) ?? 6 : 6
let step: Int64 = 15_000
let points = hours * 3600 * 1000 / Int(step)
let storage = BenchStorage()
let les = ["0.1", "0.5", "1", "5", "+Inf"]
var rng = SplitMix(seed: 42)
let t0 = Date()
for i in 0..<seriesCount {
    let job = "job\(i % 10)"
    let inst = "inst\(i / 10 % 100)"
    let isBucket = i % 4 == 0
    let name = isBucket ? "http_request_duration_seconds_bucket" : "http_requests_total"
    var pairs = [("__name__", name), ("job", job), ("instance", inst), ("series", String(i / 100))]
    if isBucket { pairs.append(("le", les[i / 4 % les.count])) } else { pairs.append(("code", ["200", "500", "404"][i % 3])) }
    var v = 0.0
    var samples: [Sample] = []
    samples.reserveCapacity(points)
    for p in 0..<points {
        v += Double(UInt64.random(in: 0..<10, using: &rng))
        samples.append(Sample(t: Int64(p) * step, v: v))
    }
    storage.series.append(MemorySeries(labels: Labels(pairs), samples: samples))
}
print("generated \(seriesCount) series x \(points) points in \(String(format: "%.1f", Date().timeIntervalSince(t0)))s")

let end = Int64(points - 1) * step
let engine = Engine()
let queries: [(String, Bool)] = [
    ("sum by (job) (rate(http_requests_total[5m]))", false),
    ("sum by (job) (rate(http_requests_total[5m]))", true),
    ("histogram_quantile(0.9, sum by (le, job) (rate(http_request_duration_seconds_bucket[5m])))", false),
    ("histogram_quantile(0.9, sum by (le, job) (rate(http_request_duration_seconds_bucket[5m])))", true),
    ("topk(5, rate(http_requests_total[5m]))", false),
    ("topk(5, rate(http_requests_total[5m]))", true),
    ("count by (code) (http_requests_total{job=~\"job[1-3]\"})", false),
    ("count by (code) (http_requests_total{job=~\"job[1-3]\"})", true),
    ("max_over_time(rate(http_requests_total{job=\"job1\"}[5m])[1h:1m])", false),
    ("rate(http_requests_total{code=\"500\"}[5m]) / on(job, instance, series) group_left sum by (job, instance, series) (rate(http_requests_total[5m]))", false),
    ("rate(http_requests_total{code=\"500\"}[5m]) / on(job, instance, series) group_left sum by (job, instance, series) (rate(http_requests_total[5m]))", true),
    ("http_requests_total{instance=\"inst7\"}", true),
]
let only = ProcessInfo.processInfo.environment["ONLY"].flatMap { Int($0) }
let reps = only == nil ? 9 : 20
for (qi, (q, isRange)) in queries.enumerated() where only == nil || only == qi {
    var times: [Double] = []
    var n = 0
    for _ in 0..<reps {
        let s = cpuMillis()
        let r: QueryResult
        if isRange {
            r = try await engine.rangeQuery(storage, query: q, start: end - 3 * 3_600_000, end: end, step: 60_000)
        } else {
            r = try await engine.instantQuery(storage, query: q, time: end)
        }
        times.append(cpuMillis() - s)
        switch r.value {
        case .vector(let v): n = v.count
        case .matrix(let m): n = m.count
        default: n = 1
        }
    }
    times.sort()
    print(String(format: "%9.2f cpu-ms  %@ %@ (%d series)", times[times.count / 2], isRange ? "range " : "instant", q, n))
}

/// Deterministic, cheap generator for the dataset.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}

/// A read-only storage whose select matches labels and hands out the sample arrays without
/// copying (MemoryStorage copies every selected series, which would dominate the figures).
final class BenchStorage: Queryable, Querier, @unchecked Sendable {
    var series: [MemorySeries] = []
    func querier(mint: Timestamp, maxt: Timestamp) throws -> any Querier { self }
    func select(sorted: Bool, hints: SelectHints?, matchers: [LabelMatcher]) throws -> [any Series] {
        var out: [any Series] = []
        for s in series where matchers.matches(s.labels) { out.append(s) }
        return out
    }
    func labelValues(_ name: String, matchers: [LabelMatcher]) throws -> [String] { [] }
    func labelNames(matchers: [LabelMatcher]) throws -> [String] { [] }
}

/// Process CPU time in ms: stable on a loaded machine, unlike wall time (evaluation is
/// single-threaded).
func cpuMillis() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1e6
}
