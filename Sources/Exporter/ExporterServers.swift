import HTTPAPI
import Logging
import Synchronization

/// The `promfleet exporter` targets: `targets` synthetic targets, target i served at
/// http://host:(basePort+i)/metrics, each with `series` series.
public struct ExporterServers: Sendable {
    public let host: String
    public let basePort: Int
    public let targets: [SyntheticTarget]

    public init(host: String, basePort: Int, targets: Int, series: Int) {
        self.host = host
        self.basePort = basePort
        self.targets = (0..<targets).map { SyntheticTarget(index: $0, seriesCount: series) }
    }

    /// One HTTP server per target, to run in a ServiceGroup.
    public func servers(logger: Logger, clock: @escaping @Sendable () -> Int64 = { wallClockMillis() }) -> [HTTPServer] {
        targets.enumerated().map { i, t in
            let buffer = Mutex<[UInt8]>([])
            let produce: @Sendable () -> (String, [UInt8]) = {
                let second = clock() / 1000
                return ("text/plain; version=0.0.4; charset=utf-8", buffer.withLock { b in
                    t.render(second: second, into: &b)
                    return b
                })
            }
            let router = HTTPServer.bytesRouter([
                "/metrics": produce,
                "/": { ("text/plain; charset=utf-8", Array("promfleet exporter target \(i): /metrics\n".utf8)) },
            ])
            return HTTPServer(host: host, port: basePort + i, router: router, logger: logger)
        }
    }
}
