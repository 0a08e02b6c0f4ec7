import Logging
import MetricModel
import PromQL
import TSDB

// Recording and alerting rules (Prometheus rules/): rule groups loaded from rule files, each
// evaluated on its own loop at a deterministic offset within its interval; rules of a group run
// in order at one timestamp through the PromQL engine, recording rules append their output,
// alerting rules keep an inactive → pending → firing state per label set and hand alerts to the
// notifier.
//
// Contracts:
// - `RuleGroup.evaluate(at:)` is the whole of one evaluation: it takes its timestamp from the
//   caller, so tests drive the state machine with explicit times and never sleep.
// - Rule and group objects are thread-safe: the API reads their state (a snapshot) while the
//   group loop evaluates.
// - Rules of a group run in order at one timestamp and each rule's output is committed before
//   the next rule runs, so a later rule reads an earlier rule's output of the same evaluation
//   (Prometheus's sequential Group.Eval; checked side by side against Prometheus 2.42).

/// One rule of a group.
public protocol Rule: AnyObject, Sendable {
    /// `record` or `alert` name.
    var name: String { get }
    /// The expression as written in the file.
    var query: String { get }
    /// The rule's `labels`.
    var labels: Labels { get }
    /// Evaluates at `t` (ms); returns the samples to append (recording output, or ALERTS and
    /// ALERTS_FOR_STATE). Throws with Prometheus's message on failure.
    func eval(at t: Timestamp, context: EvalContext, limit: Int) async throws -> [VectorElement]
    /// Health, last error, last evaluation and its duration.
    var status: RuleStatus { get }
    func setStatus(_ s: RuleStatus)
}

/// `health` as /api/v1/rules shows it.
public enum RuleHealth: String, Sendable {
    case unknown, ok, err
}

public struct RuleStatus: Sendable {
    public var health: RuleHealth = .unknown
    public var lastError = ""
    /// Wall-clock ms of the last evaluation's start, nil before the first.
    public var lastEvaluation: Timestamp?
    /// Seconds the last evaluation took.
    public var evaluationTime: Double = 0
    public init() {}
}

/// What a rule evaluation needs. Immutable; shared by every group of a manager.
public struct EvalContext: Sendable {
    public var engine: Engine
    public var queryable: any Queryable
    public var appendable: any Appendable
    public var externalLabels: Labels
    /// Prometheus's --web.external-url (alert generatorURLs and `$externalURL`).
    public var externalURL: String
    public var logger: Logger
    /// Receives the alerts a rule wants sent (fired, re-sent or resolved), with the rule's expression.
    public var notify: @Sendable (_ expr: String, _ alerts: [Alert]) -> Void
    /// Prometheus's --rules.alert.resend-delay (1m), ms.
    public var resendDelay: Int64 = 60_000
    /// Wall clock (ms) for lastEvaluation and durations; injectable.
    public var wallClock: @Sendable () -> Timestamp

    public init(engine: Engine, queryable: any Queryable, appendable: any Appendable, externalLabels: Labels,
                externalURL: String, logger: Logger, notify: @escaping @Sendable (String, [Alert]) -> Void = { _, _ in },
                wallClock: @escaping @Sendable () -> Timestamp = { systemMillis() }) {
        self.engine = engine
        self.queryable = queryable
        self.appendable = appendable
        self.externalLabels = externalLabels
        self.externalURL = externalURL
        self.logger = logger
        self.notify = notify
        self.wallClock = wallClock
    }

    /// Prometheus's EngineQueryFunc: an instant query whose result must be a vector or scalar.
    func query(_ expr: Expr, at t: Timestamp) async throws -> [VectorElement] {
        let r = try await engine.instantQuery(queryable, expr: expr, time: t)
        switch r.value {
        case .vector(let v): return v
        case .scalar(let st, let v): return [VectorElement(labels: .empty, t: st, v: v)]
        default: throw RuleEvalError("rule result is not a vector or scalar")
        }
    }
}

/// A rule evaluation failure, with Prometheus's text.
public struct RuleEvalError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// Current wall time in ms.
public func systemMillis() -> Timestamp {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
