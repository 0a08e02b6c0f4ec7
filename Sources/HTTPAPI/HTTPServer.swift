import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Serves a Hummingbird router on host:port as a `Service` (graceful shutdown with its group).
/// Port 0 binds a free port; `boundPort` tells which once it is listening.
public final class HTTPServer: Service, Sendable {
    let host: String
    let port: Int
    let responder: RouterResponder<APIRequestContext>
    let logger: Logger
    private let bound = Mutex<Int?>(nil)

    public init(host: String, port: Int, router: PrometheusAPI.APIRouter, logger: Logger) {
        self.host = host
        self.port = port
        self.responder = router.buildResponder()
        self.logger = logger
    }

    /// The listening port, nil until the server is up.
    public var boundPort: Int? { bound.withLock { $0 } }

    public func run() async throws {
        let app = Application(
            responder: responder,
            server: .http1(additionalChannelHandlers: [ConnectionCloseWatcher()]),
            configuration: .init(address: .hostname(host, port: port), serverName: nil, reuseAddress: true),
            onServerRunning: { [self] ch in self.bound.withLock { $0 = ch.localAddress?.port } },
            logger: logger
        )
        try await app.run()
    }

    /// Parses "host:port" (Prometheus's --web.listen-address); "" host means 0.0.0.0.
    public static func parseAddress(_ s: String) -> (String, Int)? {
        guard let colon = s.lastIndex(of: ":"), let port = Int(s[s.index(after: colon)...]) else { return nil }
        var host = String(s[..<colon])
        if host.isEmpty { host = "0.0.0.0" }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }
}

extension HTTPServer {
    /// A router answering GET on each path with the bytes its closure returns (content type,
    /// body), for small servers such as `promfleet exporter` that need no API. With `gzip`
    /// false, bodies are sent uncompressed whatever the client accepts (cheapest to serve).
    public static func bytesRouter(_ routes: [String: @Sendable () -> (String, [UInt8])], gzip: Bool = true) -> PrometheusAPI.APIRouter {
        let router = PrometheusAPI.APIRouter(context: APIRequestContext.self)
        for (path, produce) in routes {
            router.get(RouterPath(path)) { req, _ in
                let (ct, body) = produce()
                return Reply.bytes(body, contentType: ct, request: gzip ? req : nil)
            }
        }
        return router
    }
}
