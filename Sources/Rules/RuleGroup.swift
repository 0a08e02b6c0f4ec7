import Logging
import MetricModel
import PromQL
import Synchronization
import TSDB

/// Counters and last-run facts of one group (for /metrics and /api/v1/rules).
public struct GroupStats: Sendable {
    public var evaluations = 0
    public var failures = 0
    /// Seconds the last evaluation took (prometheus_rule_group_last_duration_seconds).
    public var lastDuration: Double = 0
    /// Wall-clock ms of the last evaluation's start.
    public var lastEvaluation: Timestamp?
    /// Timestamp (ms) the last evaluation evaluated at.
    public var lastEvalTimestamp: Timestamp?
    /// Samples the last evaluation produced (prometheus_rule_group_last_evaluation_samples).
    public var lastSamples = 0
    /// Scheduled iterations, run or missed, and the missed ones (slow evaluations).
    public var iterations = 0
    public var missedIterations = 0
}

/// A rule group (Prometheus rules.Group): rules evaluated in order at one timestamp, every
/// `interval`, at an offset within the interval derived from the group's name and file.
public final class RuleGroup: Sendable {
    public let name: String
    public let file: String
    public let interval: Int64
    public let limit: Int
    public let queryOffset: Int64
    public let rules: [any Rule]
    private let stats = Mutex(GroupStats())
    private let stopped = Atomic<Bool>(false)
    /// Set for groups loaded at startup: restore `for` state after the second evaluation.
    let shouldRestore = Atomic<Bool>(false)
    /// Per rule, the series its previous evaluation produced (for staleness markers).
    private let previous: Mutex<[Set<Labels>]>

    public init(name: String, file: String, interval: Int64, limit: Int = 0, queryOffset: Int64 = 0, rules: [any Rule]) {
        self.name = name
        self.file = file
        self.interval = interval
        self.limit = limit
        self.queryOffset = queryOffset
        self.rules = rules
        previous = Mutex(Array(repeating: [], count: rules.count))
    }

    public var statistics: GroupStats { stats.withLock { $0 } }

    /// `file;name`, the rule_group label of Prometheus's rule metrics.
    public var key: String { file + ";" + name }

    /// Prometheus's Group.hash: the hash of the label set {file, name}.
    var hash: UInt64 {
        var b: [UInt8] = []
        for s in ["file", file, "name", name] { b += Array(s.utf8); b.append(0xFF) }
        return XXH64.hash(b)
    }

    /// The first evaluation slot at or before `nowNanos` (Prometheus's EvalTimestamp): aligned to
    /// the interval, shifted by hash % interval.
    public func evalTimestamp(nowNanos: Int64) -> Int64 {
        let iv = interval * 1_000_000
        let offset = Int64(hash % UInt64(iv))
        let adj = nowNanos - offset
        return adj - (adj % iv) + offset
    }

    /// One evaluation at `t` (ms): every rule in order; output appended, series that vanished
    /// since the previous evaluation get stale markers; alerts handed to the notifier.
    public func evaluate(at t: Timestamp, context: EvalContext) async {
        let start = context.wallClock()
        let evalT = t - queryOffset
        var failures = 0
        var samples = 0
        for (i, rule) in rules.enumerated() {
            let ruleStart = context.wallClock()
            var st = rule.status
            st.lastEvaluation = ruleStart
            var produced: [VectorElement] = []
            do {
                produced = try await rule.eval(at: evalT, context: context, limit: limit)
                st.health = .ok
                st.lastError = ""
            } catch {
                st.health = .err
                st.lastError = "\(error)"
                failures += 1
                context.logger.warning("Evaluating rule failed", metadata: [
                    "group": "\(name)", "file": "\(file)", "rule": "\(rule.name)", "err": "\(error)"])
            }
            if let ar = rule as? AlertingRule {
                let due = ar.alertsToSend(at: t, resendDelay: context.resendDelay, interval: interval)
                if !due.isEmpty { context.notify(rule.query, due) }
            }
            if st.health == .ok {
                write(produced, rule: i, at: evalT, context: context)
                samples += produced.count
            }
            st.evaluationTime = Double(context.wallClock() - ruleStart) / 1000
            rule.setStatus(st)
        }
        let end = context.wallClock()
        stats.withLock {
            $0.evaluations += rules.count
            $0.failures += failures
            $0.lastDuration = Double(end - start) / 1000
            $0.lastEvaluation = start
            $0.lastEvalTimestamp = t
            $0.lastSamples = samples
        }
    }

    func write(_ v: [VectorElement], rule i: Int, at t: Timestamp, context: EvalContext) {
        let app = context.appendable.appender()
        var returned = Set<Labels>()
        returned.reserveCapacity(v.count)
        var rejected = 0
        for s in v {
            do {
                try app.append(ref: nil, labels: s.labels, t: s.t, v: s.v)
                returned.insert(s.labels)
            } catch {
                rejected += 1
                returned.insert(s.labels)
            }
        }
        if rejected > 0 {
            context.logger.warning("Error on ingesting results from rule evaluation", metadata: [
                "group": "\(name)", "rule": "\(rules[i].name)", "num_dropped": "\(rejected)"])
        }
        let gone = previous.withLock { prev -> [Labels] in
            let g = prev[i].filter { !returned.contains($0) }
            prev[i] = returned
            return Array(g)
        }
        for l in gone { _ = try? app.append(ref: nil, labels: l, t: t, v: StaleNaN.value) }
        do { try app.commit() } catch {
            context.logger.warning("Rule sample appending failed", metadata: ["group": "\(name)", "err": "\(error)"])
        }
    }

    /// Stale markers for everything the group last wrote (the group is going away).
    public func markStale(at t: Timestamp, context: EvalContext) {
        let all = previous.withLock { prev -> [Labels] in
            defer { prev = Array(repeating: [], count: prev.count) }
            return prev.flatMap { Array($0) }
        }
        guard !all.isEmpty else { return }
        let app = context.appendable.appender()
        for l in all { _ = try? app.append(ref: nil, labels: l, t: t, v: StaleNaN.value) }
        try? app.commit()
    }

    /// Takes over the state of the same group from before a reload: per rule with the same
    /// name and kind at the same position, its alerts, status and previous series.
    func copyState(from old: RuleGroup) {
        stats.withLock { $0 = old.statistics }
        let oldPrev = old.previous.withLock { $0 }
        previous.withLock { prev in
            for (i, r) in rules.enumerated() {
                guard let j = old.rules.firstIndex(where: { $0.name == r.name && type(of: $0) == type(of: r) && $0.labels == r.labels }) else { continue }
                prev[i] = oldPrev[j]
                r.setStatus(old.rules[j].status)
                if let a = r as? AlertingRule, let b = old.rules[j] as? AlertingRule { a.copyAlerts(from: b) }
            }
        }
    }

    /// Ends the evaluation loop at its next wake-up (the group was replaced).
    func stop() { stopped.store(true, ordering: .relaxed) }

    /// The evaluation loop (Prometheus Group.run): first evaluation at the next slot after now,
    /// then every interval; missed slots are skipped, not caught up.
    func run(context: EvalContext, clock: any RuleClock) async {
        var next = evalTimestamp(nowNanos: clock.nowNanos()) + interval * 1_000_000
        var evaluations = 0
        while !Task.isCancelled && !stopped.load(ordering: .relaxed) {
            do { try await clock.sleep(untilNanos: next) } catch { return }
            if Task.isCancelled || stopped.load(ordering: .relaxed) { return }
            await evaluate(at: next / 1_000_000, context: context)
            evaluations += 1
            // Prometheus restores after a second evaluation, when recording rules have caught up.
            if evaluations == 2 && shouldRestore.load(ordering: .relaxed) {
                restoreForState(at: clock.nowNanos() / 1_000_000, context: context)
                shouldRestore.store(false, ordering: .relaxed)
            }
            let now = clock.nowNanos()
            let iv = interval * 1_000_000
            let missed = max(0, (now - next) / iv)
            stats.withLock {
                $0.iterations += 1 + Int(missed)
                $0.missedIterations += Int(missed)
            }
            next += (missed + 1) * iv
        }
    }
}

/// Time for the evaluation loops; injectable.
public protocol RuleClock: Sendable {
    func nowNanos() -> Int64
    func sleep(untilNanos: Int64) async throws
}

/// The system's wall clock.
public struct SystemRuleClock: RuleClock {
    public init() {}
    public func nowNanos() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
    public func sleep(untilNanos t: Int64) async throws {
        let d = t - nowNanos()
        if d > 0 { try await Task.sleep(nanoseconds: UInt64(d)) }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
