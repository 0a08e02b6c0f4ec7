import MetricModel
import Synchronization
import TSDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func monotonicNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Limits concurrent queries (`--query.max-concurrency`): excess queries wait in FIFO order.
final class QueryGate: Sendable {
    struct State {
        var running = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    let limit: Int
    let state = Mutex(State())

    init(limit: Int) { self.limit = limit }

    func acquire() async throws {
        let admitted = state.withLock { st -> Bool in
            if st.running < limit { st.running += 1; return true }
            return false
        }
        if admitted { return }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { st -> Bool in
                if st.running < limit { st.running += 1; return true }
                st.waiters.append(c)
                return false
            }
            if resumeNow { c.resume() }
        }
    }

    func release() {
        let next = state.withLock { st -> CheckedContinuation<Void, Never>? in
            if !st.waiters.isEmpty { return st.waiters.removeFirst() } // slot handed over
            st.running -= 1
            return nil
        }
        next?.resume()
    }
}

/// State shared by every evaluator of one query. Single-threaded.
final class QueryContext {
    let querier: any Querier
    let options: EngineOptions
    let deadline: UInt64?
    /// Top-level query start and end (for `@ start()` / `@ end()`).
    let queryStart: Int64
    let queryEnd: Int64
    private var annos: [String: (warn: Bool, text: String)] = [:]
    private var annoOrder: [String] = []
    private var monotonicity: [String: MonotonicityInfo] = [:]
    var currentSamples = 0
    private var ticks = 0
    private var selectCache: [SelectKey: [any Series]] = [:]

    struct SelectKey: Hashable {
        var matchers: [LabelMatcher]
        var start: Int64, end: Int64, step: Int64, range: Int64
        var function: String?
    }

    let cancel: CancelFlag?

    init(querier: any Querier, options: EngineOptions, deadline: UInt64?, queryStart: Int64, queryEnd: Int64, cancel: CancelFlag? = nil) {
        self.cancel = cancel
        self.querier = querier
        self.options = options
        self.deadline = deadline
        self.queryStart = queryStart
        self.queryEnd = queryEnd
    }

    /// Checks cancellation and the deadline (cheaply: the clock only every 64 calls).
    @inline(__always)
    func tick() throws {
        ticks &+= 1
        if ticks & 63 == 0 { try checkNow() }
    }

    func checkNow() throws {
        if Task.isCancelled || cancel?.isCancelled == true { throw EvalError(.canceled("expression evaluation")) }
        if let d = deadline, monotonicNanos() > d { throw EvalError(.timeout("expression evaluation")) }
    }

    /// Selects once per selector and time range (hints as Prometheus passes them: the range the
    /// selector reads, the step, the range of a range selector, the enclosing function).
    func select(_ matchers: [LabelMatcher], hints: SelectHints? = nil) throws -> [any Series] {
        let key = SelectKey(matchers: matchers, start: hints?.start ?? 0, end: hints?.end ?? 0, step: hints?.step ?? 0,
                            range: hints?.range ?? 0, function: hints?.function)
        if let s = selectCache[key] { return s }
        let s = try querier.select(sorted: false, hints: hints, matchers: matchers)
        selectCache[key] = s
        return s
    }

    func addSamples(_ n: Int) throws {
        currentSamples += n
        if currentSamples > options.maxSamples { throw EvalError(.tooManySamples) }
    }

    /// Adds a warning (`PromQL warning: …`); like Prometheus, the same message is kept once
    /// (the last position wins).
    func warn(_ msg: String, _ pos: String) { add(true, "PromQL warning: " + msg, pos) }

    /// Adds an info annotation (`PromQL info: …`).
    func info(_ msg: String, _ pos: String) { add(false, "PromQL info: " + msg, pos) }

    private func add(_ warn: Bool, _ msg: String, _ pos: String) {
        if annos[msg] == nil { annoOrder.append(msg) }
        annos[msg] = (warn, "\(msg) (\(pos))")
    }

    /// histogram_quantile's forced-monotonicity info, merged over steps as Prometheus does.
    func monotonicityInfo(metric: String, pos: String, ts: Int64, minBucket: Double, maxBucket: Double, maxDiff: Double) {
        if var m = monotonicity[metric] {
            m.minTs = min(m.minTs, ts); m.maxTs = max(m.maxTs, ts)
            m.minBucket = min(m.minBucket, minBucket); m.maxBucket = max(m.maxBucket, maxBucket)
            m.maxDiff = max(m.maxDiff, maxDiff); m.count += 1; m.pos = pos
            monotonicity[metric] = m
        } else {
            monotonicity[metric] = MonotonicityInfo(pos: pos, minTs: ts, maxTs: ts, minBucket: minBucket, maxBucket: maxBucket, maxDiff: maxDiff, count: 0)
            annoOrder.append("\u{0}mono:" + metric)
        }
    }

    var annotations: Annotations {
        var a = Annotations()
        for k in annoOrder {
            if k.hasPrefix("\u{0}mono:") {
                let metric = String(k.dropFirst(6))
                guard let m = monotonicity[metric] else { continue }
                let name = metric.isEmpty ? "" : " for metric name \(goQuote(metric))"
                a.infos.append("PromQL info: input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)\(name), from buckets \(PromFloat.formatG(m.minBucket)) to \(PromFloat.formatG(m.maxBucket)), with a max diff of \(formatG2(m.maxDiff)), over \(m.count + 1) samples from \(rfc3339(m.minTs)) to \(rfc3339(m.maxTs)) (\(m.pos))")
                continue
            }
            guard let e = annos[k] else { continue }
            if e.warn { a.warnings.append(e.text) } else { a.infos.append(e.text) }
        }
        return a
    }

    func atTime(_ at: AtModifier?) -> Int64? {
        switch at {
        case nil: return nil
        case .timestamp(let t): return t
        case .start: return queryStart
        case .end: return queryEnd
        }
    }
}

struct MonotonicityInfo {
    var pos: String
    var minTs: Int64
    var maxTs: Int64
    var minBucket: Double
    var maxBucket: Double
    var maxDiff: Double
    var count: Int
}

/// Go's `%q` for a label value or metric name.
func goQuote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        default:
            if u.value < 0x20 || u.value == 0x7F { out += "\\x" + String(u.value, radix: 16).leftPad(2) } else { out.unicodeScalars.append(u) }
        }
    }
    return out + "\""
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}

/// Go's `%.2g`.
func formatG2(_ v: Double) -> String {
    if v.isNaN { return "NaN" }
    if v.isInfinite { return v < 0 ? "-Inf" : "+Inf" }
    if v == 0 { return "0" }
    let exp = Int((abs(v)).log10Floor)
    // Round to 2 significant digits first (may bump the exponent).
    let scale = pow10(1 - exp)
    var r = (v * scale).rounded(.toNearestOrEven) / scale
    var e = Int(abs(r).log10Floor)
    if e != exp { r = (v * pow10(1 - e)).rounded(.toNearestOrEven) / pow10(1 - e); e = Int(abs(r).log10Floor) }
    if e < -4 || e >= 2 {
        let mant = r / pow10(e)
        var m = PromFloat.formatF(mant)
        if m.hasSuffix(".0") { m.removeLast(2) }
        return m + "e" + (e < 0 ? "-" : "+") + String(abs(e)).leftPad(2)
    }
    return PromFloat.formatG(r)
}

func pow10(_ e: Int) -> Double {
    var r = 1.0
    if e >= 0 { for _ in 0..<e { r *= 10 } } else { for _ in 0..<(-e) { r /= 10 } }
    return r
}

extension Double {
    var log10Floor: Double {
        var e = 0.0
        var x = self
        if x >= 1 { while x >= 10 { x /= 10; e += 1 } } else { while x < 1 { x *= 10; e -= 1 } }
        return e
    }
}

/// RFC 3339 (UTC, seconds) of a millisecond timestamp, as Go's time.RFC3339.
func rfc3339(_ ms: Int64) -> String {
    let s = floorDiv(ms, 1000)
    let d = civil(s)
    let sod = floorMod(s, 86400)
    func p2(_ x: Int64) -> String { String(x).leftPad(2) }
    return "\(String(d.year).leftPad(4))-\(p2(d.month))-\(p2(d.day))T\(p2(sod / 3600)):\(p2(sod % 3600 / 60)):\(p2(sod % 60))Z"
}
