import Foundation

/// The server's externally reachable URL (`--web.external-url`, by default
/// `http://<hostname>:<listen port>/`, as Prometheus computes it) and Prometheus's `getGlobalURL`:
/// a target on this host (127.0.0.1, localhost, ::1) is shown on /api/v1/targets with this
/// host's name instead, because a loopback address means nothing to the reader elsewhere.
public struct ExternalURL: Sendable {
    public let scheme: String
    /// host[:port] of the external URL.
    public let hostPort: String
    let listenPort: String

    public init(flag: String?, listenAddress: String) {
        let port = listenAddress.split(separator: ":").last.map(String.init) ?? ""
        let text = (flag?.isEmpty == false ? flag! : "http://\(Self.hostname()):\(port)/")
        let c = URLComponents(string: text)
        scheme = c?.scheme ?? "http"
        let host = c?.host ?? Self.hostname()
        hostPort = c?.port.map { "\(host):\($0)" } ?? host
        listenPort = port
    }

    /// The URL as it is written, e.g. `http://vm:9090/`.
    public var url: String { "\(scheme)://\(hostPort)/" }

    /// A target URL as /api/v1/targets shows it in `globalUrl`.
    public func globalURL(_ target: String) -> String {
        guard var c = URLComponents(string: target), let host = c.host else { return target }
        guard ["127.0.0.1", "localhost", "::1"].contains(host) else { return target }
        let port = c.port.map(String.init) ?? ""
        if port == listenPort {
            // Our own process: the external scheme, host and port.
            c.scheme = scheme
            let parts = hostPort.split(separator: ":", maxSplits: 1)
            c.host = String(parts[0])
            c.port = parts.count > 1 ? Int(parts[1]) : nil
        } else {
            c.host = String(hostPort.split(separator: ":", maxSplits: 1)[0])
        }
        return c.string ?? target
    }

    /// The kernel's host name, as Go's os.Hostname.
    static func hostname() -> String {
        if let s = try? String(contentsOfFile: "/proc/sys/kernel/hostname", encoding: .utf8) {
            let h = s.trimmingCharacters(in: .whitespacesAndNewlines)
            if !h.isEmpty { return h }
        }
        return ProcessInfo.processInfo.hostName
    }
}
