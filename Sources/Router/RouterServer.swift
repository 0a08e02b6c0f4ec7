import Hummingbird
import Logging
import NIOCore
import PromQL
import Remote
import ServiceLifecycle

/// Builds the router's services: prober, optional catalog watcher, HTTP server.
public enum RouterServer {
    /// `onListening` gets the bound port (useful with port 0).
    public static func services(config: RouterConfig, logger: Logger, client: PeerClient,
                                catalogLoad: (@Sendable () throws -> RouterConfig)? = nil,
                                catalogIntervalMs: Int64 = 5_000,
                                onListening: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> (Upstreams, [any Service]) {
        let upstreams = Upstreams(config: config, client: client, logger: logger)
        let engine = Engine(options: EngineOptions(lookbackDelta: config.lookbackDeltaMs))
        let app = RouterApp(upstreams: upstreams, engine: engine)
        let (host, port) = try splitHostPort(config.listenAddress)
        let http = Application(router: app.buildRouter(),
                               configuration: .init(address: .hostname(host, port: port), serverName: nil),
                               onServerRunning: { ch in await onListening(ch.localAddress?.port ?? port) },
                               logger: logger)
        var services: [any Service] = [Prober(upstreams: upstreams, logger: logger)]
        if let catalogLoad {
            services.append(ConfigWatcher(upstreams: upstreams, intervalMs: catalogIntervalMs, logger: logger, load: catalogLoad))
        }
        services.append(http)
        return (upstreams, services)
    }

    static func splitHostPort(_ s: String) throws -> (String, Int) {
        guard let i = s.lastIndex(of: ":"), let port = Int(s[s.index(after: i)...]) else {
            throw RouterConfigError("listen address \"\(s)\": want host:port")
        }
        var host = String(s[..<i])
        if host.isEmpty { host = "0.0.0.0" }
        if host.hasPrefix("[") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }
}
