import Hummingbird
import Logging
import MetricModel
import NIOCore
import TSDB

/// The request context of the API's routes: Hummingbird's basic context plus the connection, so
/// a query can be cancelled when its client goes away.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The request's connection.
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Registers Prometheus's endpoints (health, readiness, lifecycle, /metrics, /federate, the
/// metadata and status parts of API v1) on a Hummingbird router.
public struct PrometheusAPI: Sendable {
    public let services: APIServices
    public let logger: Logger

    public init(services: APIServices, logger: Logger) {
        self.services = services
        self.logger = logger
    }

    public typealias APIRouter = Router<APIRequestContext>

    /// A router with every endpoint registered.
    public func makeRouter() -> APIRouter {
        let router = APIRouter(context: APIRequestContext.self)
        register(on: router)
        return router
    }

    public func register(on router: APIRouter) {
        let s = services
        router.get("/-/healthy") { _, _ in Reply.text("Prometheus Server is Healthy.\n") }
        router.head("/-/healthy") { _, _ in Reply.text("") }
        router.get("/-/ready") { _, _ in
            s.readiness.isReady ? Reply.text("Prometheus Server is Ready.\n")
                : Reply.text("Service Unavailable", status: .serviceUnavailable)
        }
        router.post("/-/reload") { _, _ in await self.reload() }
        router.put("/-/reload") { _, _ in await self.reload() }
        router.get("/-/reload") { _, _ in Reply.text("Only POST or PUT requests allowed", status: .methodNotAllowed) }
        router.get("/metrics") { req, _ in
            Reply.bytes(s.metrics.render(), contentType: "text/plain; version=0.0.4; charset=utf-8", request: req)
        }
        WebUI.register(on: router)
        router.get("/federate") { req, _ in try await self.federate(req) }
        router.post("/federate") { req, _ in try await self.federate(req) }

        let v1 = router.group("/api/v1")
        for path in ["series", "labels", "label/:name/values"] as [RouterPath] {
            for method in [HTTPRequest.Method.get, .post] {
                v1.on(path, method: method) { req, ctx in
                    var req = req
                    let name = ctx.parameters.get("name")
                    return await Reply.api {
                        try self.checkReady()
                        let p = try await req.formParams()
                        let body: [UInt8]
                        if let name { body = try self.labelValues(name, p) }
                        else if req.uri.path.hasSuffix("/series") { body = try self.series(p) }
                        else { body = try self.labelNames(p) }
                        return Reply.json(body, request: req)
                    }
                }
            }
        }
        if let engine = s.engine { registerQuery(on: v1, engine: engine) }
        registerMetadata(on: v1)
        v1.get("targets") { req, _ in
            await Reply.api {
                let p = FormParams(query: req.uri.query)
                return Reply.json(self.targets(state: p.first("state") ?? "any"), request: req)
            }
        }
        v1.get("status/config") { req, _ in await Reply.api { Reply.json(self.statusConfig(), request: req) } }
        v1.get("status/flags") { req, _ in await Reply.api { Reply.json(self.statusFlags(), request: req) } }
        v1.get("status/runtimeinfo") { req, _ in await Reply.api { Reply.json(self.runtimeInfo(), request: req) } }
        v1.get("status/buildinfo") { req, _ in await Reply.api { Reply.json(self.buildInfo(), request: req) } }
        v1.get("status/tsdb") { req, _ in
            await Reply.api {
                try self.checkReady()
                return Reply.json(try self.tsdbStatus(), request: req)
            }
        }
    }

    func checkReady() throws(APIError) {
        if !services.readiness.isReady { throw APIError(.unavailable, "Service Unavailable") }
    }

    func reload() async -> Response {
        guard let reload = services.reload else {
            return Reply.text("Lifecycle API is not enabled.", status: .forbidden)
        }
        do {
            try await reload()
            return Reply.text("")
        } catch {
            return Reply.text("failed to reload config: \(error)", status: .internalServerError)
        }
    }

    /// start/end parameters with Prometheus's defaults (MinTime/MaxTime).
    func timeRange(_ p: FormParams) throws(APIError) -> (Timestamp, Timestamp) {
        let start = try Self.timeParam(p, "start") ?? APITime.minTime
        let end = try Self.timeParam(p, "end") ?? APITime.maxTime
        return (start, end)  // end before start selects nothing, as Prometheus
    }

    func series(_ p: FormParams) throws -> [UInt8] {
        let raw = p.all("match[]")
        if raw.isEmpty { throw APIError.badData("no match[] parameter provided") }
        let sets = try SelectorParser.parseAll(raw)
        let (start, end) = try timeRange(p)
        let q = try services.storage.querier(mint: start, maxt: end)
        var seen = Set<Labels>()
        var all: [Labels] = []
        let hints = SelectHints(start: start, end: end, function: "series")
        for ms in sets {
            for s in try q.select(sorted: false, hints: hints, matchers: ms) where seen.insert(s.labels).inserted {
                all.append(s.labels)
            }
        }
        all.sort { $0.sortsBefore($1) }
        var w = JSONWriter(capacity: all.count * 64 + 64)
        w.beginSuccess()
        w.byte(UInt8(ascii: "["))
        for (i, l) in all.enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.labels(l)
        }
        w.byte(UInt8(ascii: "]"))
        w.endSuccess()
        return w.bytes
    }

    func labelNames(_ p: FormParams) throws -> [UInt8] {
        let sets = try SelectorParser.parseAll(p.all("match[]"))
        let (start, end) = try timeRange(p)
        let q = try services.storage.querier(mint: start, maxt: end)
        var names: [String]
        if sets.isEmpty {
            names = try q.labelNames(matchers: [])
        } else {
            var set = Set<String>()
            for ms in sets { set.formUnion(try q.labelNames(matchers: ms)) }
            names = set.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        }
        var w = JSONWriter()
        w.beginSuccess()
        w.stringArray(names)
        w.endSuccess()
        return w.bytes
    }

    func labelValues(_ name: String, _ p: FormParams) throws -> [UInt8] {
        guard isValidLabelName(name) else { throw APIError.badData("invalid label name: \"\(name)\"") }
        let sets = try SelectorParser.parseAll(p.all("match[]"))
        let (start, end) = try timeRange(p)
        let q = try services.storage.querier(mint: start, maxt: end)
        var values: [String]
        if sets.isEmpty {
            values = try q.labelValues(name, matchers: [])
        } else {
            var set = Set<String>()
            for ms in sets { set.formUnion(try q.labelValues(name, matchers: ms)) }
            values = set.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        }
        var w = JSONWriter(capacity: values.count * 24 + 64)
        w.beginSuccess()
        w.stringArray(values)
        w.endSuccess()
        return w.bytes
    }

    func federate(_ req: Request) async throws -> Response {
        var req = req
        guard services.readiness.isReady else { return Reply.text("Service Unavailable", status: .serviceUnavailable) }
        let p = try await req.formParams()
        let sets: [[LabelMatcher]]
        do { sets = try SelectorParser.parseAll(p.all("match[]")) } catch {
            return Reply.text("\(error.message)\n", status: .badRequest)
        }
        let fed = Federation(storage: services.storage, lookbackDelta: services.lookbackDelta)
        let samples: [(Labels, Sample)]
        do { samples = try fed.collect(matcherSets: sets, now: services.now()) } catch {
            return Reply.text("\(error)\n", status: .internalServerError)
        }
        let ext = services.externalLabels()
        let gzip = acceptsGzip(req.headers[.acceptEncoding])
        var headers: HTTPFields = [.contentType: "text/plain; version=0.0.4; charset=utf-8"]
        if gzip { headers[.contentEncoding] = "gzip" }
        let body = ResponseBody { writer in
            let z = gzip ? GzipCompressor(level: Federation.gzipLevel) : nil
            var zout: [UInt8] = []
            try await fed.write(samples, externalLabels: ext) { chunk in
                guard let z else { return try await writer.write(ByteBuffer(bytes: chunk)) }
                zout.removeAll(keepingCapacity: true)
                z.compress(chunk, into: &zout)
                if !zout.isEmpty { try await writer.write(ByteBuffer(bytes: zout)) }
            }
            if let z { try await writer.write(ByteBuffer(bytes: z.finish())) }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}

/// Prometheus's legacy label name rule: `[a-zA-Z_][a-zA-Z0-9_]*`.
public func isValidLabelName(_ s: String) -> Bool {
    var first = true
    for c in s.utf8 {
        let ok = (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F || (!first && c >= 0x30 && c <= 0x39)
        if !ok { return false }
        first = false
    }
    return !first
}
