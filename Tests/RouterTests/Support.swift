import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import Remote
import ServiceLifecycle
import Synchronization
@testable import Router

/// A Hummingbird app on a free loopback port, run in a task; `stop()` cancels it.
final class TestServer: Sendable {
    let port: Int
    let task: Task<Void, any Error>

    init(port: Int, task: Task<Void, any Error>) {
        self.port = port
        self.task = task
    }

    var url: String { "http://127.0.0.1:\(port)" }

    static func start(_ build: (Hummingbird.Router<BasicRequestContext>) -> Void) async throws -> TestServer {
        let r = Hummingbird.Router(context: BasicRequestContext.self)
        build(r)
        return try await start(router: r)
    }

    static func start<C: RequestContext>(router r: Hummingbird.Router<C>) async throws -> TestServer where C.Source == ApplicationRequestContextSource {
        return try await start(services: { onRunning in
            [Application(router: r, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                         onServerRunning: { await onRunning($0.localAddress?.port ?? 0) }, logger: quietLogger)]
        })
    }

    /// Runs `services` in a ServiceGroup; waits for the port reported through `onRunning`.
    static func start(services: (@escaping @Sendable (Int) async -> Void) throws -> [any Service]) async throws -> TestServer {
        let (stream, cont) = AsyncStream<Int>.makeStream()
        let svcs = try services { cont.yield($0) }
        let group = ServiceGroup(services: svcs, logger: quietLogger)
        let task = Task { try await group.run() }
        var it = stream.makeAsyncIterator()
        guard let port = await it.next() else { throw RouterConfigError("server did not start") }
        return TestServer(port: port, task: task)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

let quietLogger: Logger = {
    var l = Logger(label: "test")
    l.logLevel = .critical
    return l
}()

/// A fake upstream Prometheus: counts hits; answers by `behavior` (ok, 500, slow, …).
final class FakePrometheus: Sendable {
    enum Behavior: Sendable { case ok, status(Int), hang, notReady }
    let name: String
    let hits = Atomic<Int>(0)
    let behavior: Mutex<Behavior>
    var server: TestServer { _server.withLock { $0! } }
    private let _server = Mutex<TestServer?>(nil)

    init(name: String, behavior: Behavior = .ok) {
        self.name = name
        self.behavior = Mutex(behavior)
    }

    func start() async throws {
        let s = try await TestServer.start { r in
            r.get("/-/ready") { _, _ in
                if case .notReady = self.behavior.withLock({ $0 }) { return Response(status: .serviceUnavailable) }
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ready")))
            }
            r.get("/api/v1/query") { req, _ in try await self.answer(req) }
            r.post("/api/v1/query") { req, _ in try await self.answer(req) }
            r.get("/api/v1/query_range") { req, _ in try await self.answer(req) }
            r.get("/api/v1/labels") { _, _ in
                Response(status: .ok, headers: [.contentType: "application/json"],
                         body: .init(byteBuffer: ByteBuffer(string: "{\"status\":\"success\",\"data\":[\"__name__\",\"from_\(self.name)\"]}")))
            }
        }
        _server.withLock { $0 = s }
    }

    func answer(_ req: Request) async throws -> Response {
        hits.add(1, ordering: .relaxed)
        switch behavior.withLock({ $0 }) {
        case .status(let code):
            return Response(status: .init(code: code), headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: "{\"status\":\"error\",\"errorType\":\"internal\",\"error\":\"boom\"}")))
        case .hang:
            try await Task.sleep(for: .seconds(3))
        case .ok, .notReady:
            break
        }
        let q = req.uri.queryParameters.get("query") ?? ""
        let body = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"served_by\":\"\(name)\",\"q\":\"\(q.count)\"},\"value\":[1,\"1\"]}]}}"
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// A running router in front of `config`'s groups.
struct TestRouter {
    let server: TestServer
    let upstreams: Upstreams
    let client: PeerClient

    static func start(_ config: RouterConfig) async throws -> TestRouter {
        var cfg = config
        cfg.listenAddress = "127.0.0.1:0"
        let client = PeerClient()
        let holder = Mutex<Upstreams?>(nil)
        let server = try await TestServer.start { onRunning in
            let (u, s) = try RouterServer.services(config: cfg, logger: quietLogger, client: client, onListening: onRunning)
            holder.withLock { $0 = u }
            return s
        }
        return TestRouter(server: server, upstreams: holder.withLock { $0! }, client: client)
    }

    func stop() async {
        await server.stop()
        try? await client.shutdown()
    }

    /// GET path on the router: status and body.
    func get(_ path: String) async throws -> (Int, String) {
        let resp = try await client.send(method: .GET, url: server.url + path, timeout: .seconds(20))
        let body = try await resp.body.collect(upTo: 64 << 20)
        return (Int(resp.status.code), String(buffer: body))
    }
}
