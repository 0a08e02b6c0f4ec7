import Foundation
import MetricModel
import Synchronization
import TSDB

// The PromQL engine's public contract (Prometheus promql/engine.go `Engine`, `Query`, `Result`).
//
// Contract:
// - `Engine` is immutable and thread-safe; run any number of queries concurrently (bounded by
//   `EngineOptions.maxConcurrency`, enforced with a semaphore so excess queries wait).
// - A query opens one querier over the time range the expression needs and selects every
//   selector's series once; range queries never re-select per step.
// - Cancellation: cancelling the calling Task stops evaluation at the next step/series boundary
//   and the call throws `PromQLError.canceled`. Exceeding `timeout` throws `.timeout`.
// - Results follow Prometheus's shapes: instant queries return scalar, string, vector or (for a
//   range-vector expression) matrix; range queries return a matrix sorted by labels.

/// Engine configuration (Prometheus `EngineOpts` and the `--query.*` flags).
public struct EngineOptions: Sendable {
    /// `--query.lookback-delta`, ms (default 5m).
    public var lookbackDelta: Int64 = 5 * 60_000
    /// `--query.max-samples` (default 50,000,000).
    public var maxSamples: Int = 50_000_000
    /// `--query.timeout` in ms (default 2m); 0 disables.
    public var timeout: Int64 = 2 * 60_000
    /// Default subquery step when `[range:]` gives none, ms (Prometheus: the global evaluation interval, 1m).
    public var defaultEvalInterval: Int64 = 60_000
    /// `--enable-feature=promql-delayed-name-removal` (Prometheus's default: off).
    public var enableDelayedNameRemoval: Bool = false
    /// `--enable-feature=promql-experimental-functions` (default off).
    public var enableExperimentalFunctions: Bool = false
    /// `--query.max-concurrency` (default 20).
    public var maxConcurrency: Int = 20

    public init(lookbackDelta: Int64 = 5 * 60_000, maxSamples: Int = 50_000_000, timeout: Int64 = 2 * 60_000,
                defaultEvalInterval: Int64 = 60_000, enableDelayedNameRemoval: Bool = false,
                enableExperimentalFunctions: Bool = false, maxConcurrency: Int = 20) {
        self.lookbackDelta = lookbackDelta
        self.maxSamples = maxSamples
        self.timeout = timeout
        self.defaultEvalInterval = defaultEvalInterval
        self.enableDelayedNameRemoval = enableDelayedNameRemoval
        self.enableExperimentalFunctions = enableExperimentalFunctions
        self.maxConcurrency = maxConcurrency
    }
}

/// One element of an instant vector result.
public struct VectorElement: Sendable, Equatable {
    public var labels: Labels
    public var t: Timestamp
    public var v: Double
    public init(labels: Labels, t: Timestamp, v: Double) {
        self.labels = labels
        self.t = t
        self.v = v
    }
    public static func == (a: VectorElement, b: VectorElement) -> Bool {
        a.labels == b.labels && a.t == b.t && a.v.bitPattern == b.v.bitPattern
    }
}

/// One series of a matrix result.
public struct MatrixSeries: Sendable, Equatable {
    public var labels: Labels
    public var samples: [Sample]
    public init(labels: Labels, samples: [Sample]) {
        self.labels = labels
        self.samples = samples
    }
}

/// A query's value (Prometheus `parser.Value`: Scalar, String, Vector, Matrix).
public enum QueryValue: Sendable, Equatable {
    case scalar(t: Timestamp, v: Double)
    case string(t: Timestamp, s: String)
    case vector([VectorElement])
    case matrix([MatrixSeries])

    /// Prometheus's `resultType` string.
    public var resultType: String {
        switch self {
        case .scalar: return "scalar"
        case .string: return "string"
        case .vector: return "vector"
        case .matrix: return "matrix"
        }
    }
}

/// Warnings and infos attached to a result (Prometheus `annotations.Annotations`). Each string is
/// worded as Prometheus words it, e.g. `PromQL info: metric might not be a counter, name does not
/// end in _total/_sum/_count/_bucket: "foo" (1:6)`.
public struct Annotations: Sendable, Equatable {
    public var warnings: [String] = []
    public var infos: [String] = []
    public init() {}
    public var isEmpty: Bool { warnings.isEmpty && infos.isEmpty }

    mutating func warn(_ s: String) { if !warnings.contains(s) { warnings.append(s) } }
    mutating func info(_ s: String) { if !infos.contains(s) { infos.append(s) } }
    mutating func merge(_ o: Annotations) {
        for w in o.warnings { warn(w) }
        for i in o.infos { info(i) }
    }
}

/// A query result: the value plus annotations.
public struct QueryResult: Sendable {
    public var value: QueryValue
    public var annotations: Annotations
    public init(value: QueryValue, annotations: Annotations) {
        self.value = value
        self.annotations = annotations
    }
}

/// Query errors. `errorType` gives Prometheus's API `errorType` string.
public enum PromQLError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `--query.timeout` exceeded ("query timed out in expression evaluation").
    case timeout(String)
    /// The caller went away ("query was canceled in expression evaluation").
    case canceled(String)
    /// `--query.max-samples` exceeded.
    case tooManySamples
    /// Evaluation failed ("vector cannot contain metrics with the same labelset", …).
    case execution(String)
    /// Bad input (parse error, bad parameter).
    case badData(String)

    public var description: String {
        switch self {
        case .timeout(let s): return "query timed out in \(s)"
        case .canceled(let s): return "query was canceled in \(s)"
        case .tooManySamples: return "query processing would load too many samples into memory in query execution"
        case .execution(let s): return s
        case .badData(let s): return s
        }
    }

    /// Prometheus HTTP API `errorType`: bad_data, execution, timeout, canceled.
    public var errorType: String {
        switch self {
        case .timeout: return "timeout"
        case .canceled: return "canceled"
        case .tooManySamples, .execution: return "execution"
        case .badData: return "bad_data"
        }
    }
}

/// The PromQL engine.
public final class Engine: Sendable {
    public let options: EngineOptions
    let gate: QueryGate

    public init(options: EngineOptions = EngineOptions()) {
        self.options = options
        self.gate = QueryGate(limit: max(1, options.maxConcurrency))
    }

    /// Parses and evaluates `query` at `time` (ms). Parse errors throw `.badData` with
    /// Prometheus's text (`1:14: parse error: …`).
    public func instantQuery(_ q: any Queryable, query: String, time: Timestamp) async throws -> QueryResult {
        try await instantQuery(q, expr: try parse(query), time: time)
    }

    /// Parses and evaluates `query` over [start, end] every `step` ms.
    public func rangeQuery(_ q: any Queryable, query: String, start: Timestamp, end: Timestamp, step: Int64) async throws -> QueryResult {
        try await rangeQuery(q, expr: try parse(query), start: start, end: end, step: step)
    }

    /// Parses with this engine's options (experimental functions refused unless enabled).
    public func parse(_ query: String) throws -> Expr {
        do {
            return try Parser.parseExpr(query, options: ParserOptions(enableExperimentalFunctions: options.enableExperimentalFunctions))
        } catch {
            throw PromQLError.badData(error.description)
        }
    }

    /// Evaluates `expr` at `time` (ms). `timeout` (ms, the API's `timeout` parameter) shortens
    /// the engine's `--query.timeout` for this query.
    public func instantQuery(_ q: any Queryable, expr: Expr, time: Timestamp, timeout: Int64? = nil) async throws -> QueryResult {
        try await run(q, expr: expr, start: time, end: time, step: 0, timeout: timeout)
    }

    /// Evaluates `expr` over [start, end] every `step` ms (step > 0). The expression must be a
    /// scalar or instant vector ("invalid expression type … for range query" otherwise).
    public func rangeQuery(_ q: any Queryable, expr: Expr, start: Timestamp, end: Timestamp, step: Int64, timeout: Int64? = nil) async throws -> QueryResult {
        if step <= 0 { throw PromQLError.badData("zero or negative query resolution step widths are not accepted. Try a positive integer") }
        if end < start { throw PromQLError.badData("end timestamp must not be before start time") }
        if expr.type != .vector && expr.type != .scalar {
            throw PromQLError.badData("invalid expression type \"\(expr.type.documentedName)\" for range query, must be Scalar or instant Vector")
        }
        return try await run(q, expr: expr, start: start, end: end, step: step, timeout: timeout)
    }

    func run(_ q: any Queryable, expr: Expr, start: Timestamp, end: Timestamp, step: Int64, timeout: Int64? = nil) async throws -> QueryResult {
        // The request's timeout runs from its arrival, queueing included (Prometheus's context).
        let arrived = monotonicNanos()
        try await gate.acquire()
        defer { gate.release() }
        if Task.isCancelled { throw PromQLError.canceled("query queue") }
        var deadline: UInt64? = options.timeout > 0 ? monotonicNanos() + UInt64(options.timeout) * 1_000_000 : nil
        if let t = timeout, t >= 0 {
            let d = arrived + UInt64(t) * 1_000_000
            deadline = min(deadline ?? d, d)
        }
        let opts = options
        // Evaluation is CPU-bound: it runs on its own thread, not on the cooperative pool (a long
        // query must not starve the HTTP server). Task cancellation reaches it through a flag.
        let flag = CancelFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<QueryResult, any Error>) in
                let work = QueryWork(q: q, expr: expr, start: start, end: end, step: step, options: opts, deadline: deadline, flag: flag, c: c)
                let t = Thread { work.run() }
                t.stackSize = 16 << 20   // deep expressions recurse
                t.start()
            }
        } onCancel: {
            flag.cancel()
        }
    }
}

/// Set when the task that started a query is cancelled; polled by the evaluator.
final class CancelFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func cancel() { flag.store(true, ordering: .relaxed) }
    var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

/// One query's evaluation, run on a dedicated thread.
private struct QueryWork: @unchecked Sendable {
    let q: any Queryable
    let expr: Expr
    let start: Timestamp, end: Timestamp, step: Int64
    let options: EngineOptions
    let deadline: UInt64?
    let flag: CancelFlag
    let c: CheckedContinuation<QueryResult, any Error>

    func run() {
        c.resume(with: Result {
            try evaluateQuery(q, expr: expr, start: start, end: end, step: step, options: options, deadline: deadline, cancel: flag)
        })
    }
}
