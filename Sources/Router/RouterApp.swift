import HTTPAPI
import Hummingbird
import Logging
import MetricModel
import NIOCore
import NIOHTTP1
import PromQL
import Remote

/// The router's HTTP API (Prometheus's query API plus /api/v1/router/members).
public struct RouterApp: Sendable {
    public let upstreams: Upstreams
    let merge: MergeEvaluator
    let startedAt = nowMs()

    public init(upstreams: Upstreams, engine: Engine) {
        self.upstreams = upstreams
        self.merge = MergeEvaluator(upstreams: upstreams, engine: engine)
    }

    public func buildRouter() -> Hummingbird.Router<BasicRequestContext> {
        let r = Hummingbird.Router(context: BasicRequestContext.self)
        for path in ["/api/v1/query", "/api/v1/query_range"] {
            r.get(RouterPath(path)) { req, _ in await self.query(req, range: path.hasSuffix("range")) }
            r.post(RouterPath(path)) { req, _ in await self.query(req, range: path.hasSuffix("range")) }
        }
        for path in ["/api/v1/series", "/api/v1/labels"] {
            let kind: MetadataKind = path.hasSuffix("series") ? .series : .labelNames
            r.get(RouterPath(path)) { req, _ in await self.metadata(req, kind: kind) }
            r.post(RouterPath(path)) { req, _ in await self.metadata(req, kind: kind) }
        }
        r.get("/api/v1/label/:name/values") { req, ctx in await self.metadata(req, kind: .labelValues(ctx.parameters.get("name") ?? "")) }
        r.get("/federate") { req, _ in await self.federate(req) }
        r.get("/api/v1/status/buildinfo") { _, _ in jsonResponse(Self.buildInfo) }
        for path in ["/api/v1/status/config", "/api/v1/status/flags", "/api/v1/status/runtimeinfo", "/api/v1/status/tsdb",
                     "/api/v1/metadata", "/api/v1/targets", "/api/v1/rules", "/api/v1/alerts", "/api/v1/query_exemplars",
                     "/api/v1/targets/metadata", "/api/v1/scrape_pools", "/api/v1/alertmanagers"] {
            r.get(RouterPath(path)) { req, _ in await self.passThrough(req) }
        }
        WebUI.register(on: r)
        r.get("/api/v1/router/members") { _, _ in jsonResponse(RouterStatus.membersJSON(self.upstreams)) }
        r.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: RouterStatus.metricsText(self.upstreams))))
        }
        r.get("/-/healthy") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "Prometheus Server is Healthy.\n"))) }
        r.head("/-/healthy") { _, _ in Response(status: .ok) }
        r.get("/-/ready") { _, _ in
            let ok = self.upstreams.config.queryGroups.allSatisfy { !self.upstreams.registry.routable($0.members).isEmpty }
            return ok ? Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "Prometheus Server is Ready.\n")))
                      : Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "Service Unavailable\n")))
        }
        return r
    }

    static let buildInfo: [UInt8] = Array(("{\"status\":\"success\",\"data\":{\"version\":\"2.42.0\",\"revision\":\"promfleet-router\","
        + "\"branch\":\"promfleet\",\"buildUser\":\"promfleet\",\"buildDate\":\"\",\"goVersion\":\"swift\"}}").utf8)

    /// The request as forwarded: path and raw query, Accept-Encoding and Content-Type, body.
    func upstreamRequest(_ req: Request) async -> (String, HTTPHeaders, ByteBuffer?) {
        var path = req.uri.path
        if let q = req.uri.query, !q.isEmpty { path += "?" + q }
        var headers = HTTPHeaders()
        if let v = req.headers[.acceptEncoding] { headers.add(name: "Accept-Encoding", value: v) }
        if let v = req.headers[.contentType] { headers.add(name: "Content-Type", value: v) }
        var body: ByteBuffer? = nil
        if req.method == .post { body = try? await req.body.collect(upTo: 16 << 20) }
        return (path, headers, body)
    }

    func params(_ req: Request, _ body: ByteBuffer?) -> QueryParams {
        let form = (req.headers[.contentType] ?? "").hasPrefix("application/x-www-form-urlencoded")
        return QueryParams(query: req.uri.query, body: form ? body.map { String(buffer: $0) } : nil)
    }

    func query(_ req: Request, range: Bool) async -> Response {
        let (path, headers, body) = await upstreamRequest(req)
        let p = params(req, body)
        let cfg = upstreams.config
        let groups = cfg.queryGroups
        if cfg.mode == .failover && groups.count == 1 {
            let key = Rendezvous.key(query: p["query"] ?? "", start: p["start"], end: p["end"], step: p["step"])
            return await upstreams.forward(groups[0], key: key, method: req.method == .post ? .POST : .GET,
                                           pathAndQuery: path, headers: headers, body: body)
        }
        // Parameters are checked in the replica's (Prometheus's) order, with its messages.
        do {
            let result: QueryResult
            if range {
                guard let s = p["start"] else { throw APIError.badData("invalid parameter \"start\": cannot parse \"\" to a valid timestamp") }
                guard let e = p["end"] else { throw APIError.badData("invalid parameter \"end\": cannot parse \"\" to a valid timestamp") }
                let start = try QueryParams.parseTime(s, "start"), end = try QueryParams.parseTime(e, "end")
                if end < start { throw APIError.badData("invalid parameter \"end\": end timestamp must not be before start time") }
                let step = try p.duration("step", required: true)!
                if step <= 0 { throw APIError.badData("invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer") }
                if (end - start) / step > 11_000 {
                    throw APIError.badData("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")
                }
                let expr = try merge.parse(p["query"] ?? "")
                let timeout = try p.duration("timeout")
                result = try await merge.evaluate(expr, start: start, end: end, step: step, timeout: timeout)
            } else {
                let t = try p.time("time", defaultMs: nowMs())
                let timeout = try p.duration("timeout")
                let expr = try merge.parse(p["query"] ?? "")
                result = try await merge.evaluate(expr, start: t, end: t, step: 0, timeout: timeout)
            }
            return jsonResponse(PrometheusAPI.render(result))
        } catch {
            return Self.apiError(for: error)
        }
    }

    static func apiError(for error: any Error) -> Response {
        switch error {
        case let e as APIError: return errorResponse(.init(code: e.kind.httpStatus), e.kind.rawValue, e.message)
        case let e as PromQLError:
            let status: HTTPResponse.Status
            switch e.errorType {
            case "bad_data": status = .badRequest
            case "timeout": status = .serviceUnavailable
            case "canceled": status = .init(code: 499)
            default: status = .unprocessableContent
            }
            return errorResponse(status, e.errorType, e.description)
        case let e as MergeError:
            switch e {
            case .unavailable(let m): return errorResponse(.serviceUnavailable, "unavailable", m)
            case let .upstream(t, m): return errorResponse(t == "bad_data" ? .badRequest : .unprocessableContent, t, m)
            }
        case let e as RemoteError:
            if case let .clientError(status, t, m) = e { return errorResponse(.init(code: status), t, m) }
            return errorResponse(.serviceUnavailable, "unavailable", e.description)
        default:
            return errorResponse(.internalServerError, "internal", "\(error)")
        }
    }

    /// /federate: forwarded to the query group; with several shard groups, each group's answer
    /// is appended (series of different shards are disjoint).
    func federate(_ req: Request) async -> Response {
        let (path, headers, _) = await upstreamRequest(req)
        let groups = upstreams.config.queryGroups
        if groups.count == 1 {
            return await upstreams.forward(groups[0], key: path, method: .GET, pathAndQuery: path, headers: headers, body: nil)
        }
        do {
            var out = ByteBuffer()
            for g in groups {
                var b = try await upstreams.fetch(g, key: path, pathAndQuery: path)
                out.writeBuffer(&b)
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: out))
        } catch {
            return Self.apiError(for: error)
        }
    }

    /// Status and metadata endpoints: answered by the first query group.
    func passThrough(_ req: Request) async -> Response {
        let (path, headers, _) = await upstreamRequest(req)
        guard let g = upstreams.config.queryGroups.first else { return errorResponse(.serviceUnavailable, "unavailable", "no groups") }
        return await upstreams.forward(g, key: path, method: .GET, pathAndQuery: path, headers: headers, body: nil)
    }
}
