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
    var annotations = Annotations()
    var currentSamples = 0
    private var ticks = 0
    private var selectCache: [SelectKey: [any Series]] = [:]

    struct SelectKey: Hashable {
        var matchers: [LabelMatcher]
    }

    init(querier: any Querier, options: EngineOptions, deadline: UInt64?, queryStart: Int64, queryEnd: Int64) {
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
        if Task.isCancelled { throw EvalError(.canceled("expression evaluation")) }
        if let d = deadline, monotonicNanos() > d { throw EvalError(.timeout("expression evaluation")) }
    }

    func select(_ matchers: [LabelMatcher]) throws -> [any Series] {
        let key = SelectKey(matchers: matchers)
        if let s = selectCache[key] { return s }
        let s = try querier.select(sorted: false, hints: nil, matchers: matchers)
        selectCache[key] = s
        return s
    }

    func addSamples(_ n: Int) throws {
        currentSamples += n
        if currentSamples > options.maxSamples { throw EvalError(.tooManySamples) }
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
