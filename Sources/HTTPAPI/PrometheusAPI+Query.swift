import Hummingbird
import NIOCore
import MetricModel
import PromQL
import TSDB

extension PrometheusAPI {
    /// /api/v1/query, /api/v1/query_range (GET and POST form) and /api/v1/format_query.
    func registerQuery(on v1: RouterGroup<APIRequestContext>, engine: Engine) {
        for method in [HTTPRequest.Method.get, .post] {
            v1.on("query", method: method) { req, ctx in
                var req = req
                return await Reply.api {
                    try self.checkReady()
                    let p = try await req.formParams()
                    let body = try await Self.cancellingOnClose(ctx.channel) { try await self.instantQuery(p, engine: engine) }
                    return Reply.json(body, request: req)
                }
            }
            v1.on("query_range", method: method) { req, ctx in
                var req = req
                return await Reply.api {
                    try self.checkReady()
                    let p = try await req.formParams()
                    let body = try await Self.cancellingOnClose(ctx.channel) { try await self.rangeQuery(p, engine: engine) }
                    return Reply.json(body, request: req)
                }
            }
            v1.on("format_query", method: method) { req, _ in
                var req = req
                return await Reply.api {
                    let p = try await req.formParams()
                    let expr = try self.parseQuery(p.first("query") ?? "", engine: engine)
                    var w = JSONWriter()
                    w.beginSuccess()
                    w.string(Printer.pretty(expr))
                    w.endSuccess()
                    return Reply.json(w.bytes, request: req)
                }
            }
        }
    }

    /// Runs `work` in a task that is cancelled when the client's connection closes (Hummingbird
    /// does not cancel handlers), so an abandoned query stops evaluating (`canceled`).
    static func cancellingOnClose<T: Sendable>(_ channel: any Channel, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await work() }
        ConnectionCloseWatcher.whenClosed(channel) { task.cancel() }
        return try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
    }

    func parseQuery(_ q: String, engine: Engine) throws -> Expr {
        do { return try engine.parse(q) } catch {
            throw APIError.badData("invalid parameter \"query\": \(error)")
        }
    }

    func instantQuery(_ p: FormParams, engine: Engine) async throws -> [UInt8] {
        let t = try Self.timeParam(p, "time") ?? services.now()
        let timeout = try Self.durationParam(p, "timeout")
        let expr = try parseQuery(p.first("query") ?? "", engine: engine)
        let r: QueryResult
        do { r = try await engine.instantQuery(services.storage, expr: expr, time: t, timeout: timeout) } catch { throw Self.apiError(error) }
        return Self.render(r)
    }

    func rangeQuery(_ p: FormParams, engine: Engine) async throws -> [UInt8] {
        guard let s = p.first("start") else { throw APIError.badData("invalid parameter \"start\": cannot parse \"\" to a valid timestamp") }
        guard let e = p.first("end") else { throw APIError.badData("invalid parameter \"end\": cannot parse \"\" to a valid timestamp") }
        let start: Timestamp, end: Timestamp
        do { start = try APITime.parse(s) } catch { throw APIError.badData("invalid parameter \"start\": \(error.message)") }
        do { end = try APITime.parse(e) } catch { throw APIError.badData("invalid parameter \"end\": \(error.message)") }
        if end < start { throw APIError.badData("invalid parameter \"end\": end timestamp must not be before start time") }
        let step = try Self.durationParam(p, "step", required: true)!
        if step <= 0 { throw APIError.badData("invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer") }
        if (end - start) / step > 11_000 {
            throw APIError.badData("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")
        }
        let expr = try parseQuery(p.first("query") ?? "", engine: engine)
        let r: QueryResult
        let timeout = try Self.durationParam(p, "timeout")
        do { r = try await engine.rangeQuery(services.storage, expr: expr, start: start, end: end, step: step, timeout: timeout) } catch { throw Self.apiError(error) }
        return Self.render(r)
    }

    static func timeParam(_ p: FormParams, _ name: String) throws(APIError) -> Timestamp? {
        try APITime.param(p.first(name), name: name)
    }

    static func durationParam(_ p: FormParams, _ name: String, required: Bool = false) throws(APIError) -> Int64? {
        try APITime.durationParam(p.first(name), name: name, required: required)
    }

    static func apiError(_ e: any Error) -> APIError {
        if let a = e as? APIError { return a }
        guard let q = e as? PromQLError else { return APIError.internal("\(e)") }
        switch q {
        case .timeout: return APIError(.timeout, q.description)
        case .canceled: return APIError(.canceled, q.description)
        case .tooManySamples, .execution: return APIError(.execution, q.description)
        case .badData: return APIError(.badData, q.description)
        }
    }

    /// The query result in Prometheus's JSON (`web/api/v1/json_codec.go`), written by hand.
    public static func render(_ r: QueryResult) -> [UInt8] {
        var w = JSONWriter(capacity: 4096)
        w.raw("{\"status\":\"success\",\"data\":{\"resultType\":")
        w.string(r.value.resultType)
        w.raw(",\"result\":")
        switch r.value {
        case .scalar(let t, let v): point(&w, t, v)
        case .string(let t, let s): point(&w, t, s)
        case .vector(let els):
            w.byte(UInt8(ascii: "["))
            for (i, e) in els.enumerated() {
                if i > 0 { w.byte(UInt8(ascii: ",")) }
                w.raw("{\"metric\":"); w.labels(e.labels)
                w.raw(",\"value\":"); point(&w, e.t, e.v)
                w.byte(UInt8(ascii: "}"))
            }
            w.byte(UInt8(ascii: "]"))
        case .matrix(let ss):
            w.byte(UInt8(ascii: "["))
            for (i, s) in ss.enumerated() {
                if i > 0 { w.byte(UInt8(ascii: ",")) }
                w.raw("{\"metric\":"); w.labels(s.labels)
                w.raw(",\"values\":[")
                for (j, smp) in s.samples.enumerated() {
                    if j > 0 { w.byte(UInt8(ascii: ",")) }
                    point(&w, smp.t, smp.v)
                }
                w.raw("]}")
            }
            w.byte(UInt8(ascii: "]"))
        }
        w.byte(UInt8(ascii: "}"))
        if !r.annotations.warnings.isEmpty { w.raw(",\"warnings\":"); w.stringArray(r.annotations.warnings) }
        if !r.annotations.infos.isEmpty { w.raw(",\"infos\":"); w.stringArray(r.annotations.infos) }
        w.byte(UInt8(ascii: "}"))
        return w.bytes
    }

    /// `[1435781451.781,"1"]`: seconds with up to 3 decimals (trailing zeros dropped), value as string.
    static func point(_ w: inout JSONWriter, _ t: Timestamp, _ v: String) {
        w.byte(UInt8(ascii: "["))
        w.timestamp(t)
        w.byte(UInt8(ascii: ","))
        w.string(v)
        w.byte(UInt8(ascii: "]"))
    }

    /// `[1435781451.781,"0.5"]` for a float sample, formatted straight into the buffer.
    @inline(__always)
    static func point(_ w: inout JSONWriter, _ t: Timestamp, _ v: Double) {
        w.byte(UInt8(ascii: "["))
        w.timestamp(t)
        w.raw(",\"")
        PromFloat.appendJSONValue(v, to: &w.bytes)
        w.raw("\"]")
    }
}

extension JSONWriter {
    /// A millisecond timestamp as Prometheus's JSON seconds (`jsonutil.MarshalTimestamp`):
    /// `1435781451.781`, `1435781451.500`, `1435781451`, `-0.500`.
    public mutating func timestamp(_ t: Timestamp) {
        if t < 0 { bytes.append(UInt8(ascii: "-")) }
        let a = t.magnitude
        PromFloat.appendUInt(a / 1000, &bytes)
        let ms = a % 1000
        if ms == 0 { return }
        bytes.append(UInt8(ascii: "."))
        bytes.append(UInt8(ascii: "0") + UInt8(ms / 100))
        bytes.append(UInt8(ascii: "0") + UInt8(ms / 10 % 10))
        bytes.append(UInt8(ascii: "0") + UInt8(ms % 10))
    }
}
