import AsyncHTTPClient
import HTTPAPI
import HTTPTypes
import Hummingbird
import Logging
import MetricModel
import NIOCore
import NIOHTTP1
import Remote
import Synchronization

/// The router's view of its upstream groups: current config, member health, the shared
/// connection pool. Failover (`forward`, `fetch`) lives here.
public final class Upstreams: Sendable {
    public let client: PeerClient
    public let registry: MemberRegistry
    let configBox: Mutex<RouterConfig>
    let logger: Logger

    public init(config: RouterConfig, client: PeerClient, logger: Logger) {
        self.client = client
        self.registry = MemberRegistry(config: config)
        self.configBox = Mutex(config)
        self.logger = logger
    }

    public var config: RouterConfig { configBox.withLock { $0 } }

    /// Replaces the config (catalog changes); member health survives for members that remain.
    public func update(_ cfg: RouterConfig) {
        let changed = configBox.withLock { old -> Bool in
            let c = old.groups != cfg.groups
            old = cfg
            return c
        }
        if changed {
            registry.update(config: cfg)
            logger.info("router groups updated", metadata: ["groups": "\(cfg.groups.map(\.name))"])
        }
    }

    /// Members of `group` to try for `key`, best first: rendezvous order, routable ones only.
    public func candidates(_ group: GroupConfig, key: String) -> [MemberConfig] {
        let order = Rendezvous.order(key: key, members: group.members.map(\.name))
        return registry.routable(order.map { group.members[$0] })
    }

    func note(_ member: MemberConfig, ok: Bool, reason: String = "") {
        let action = registry.record(member.name, ok: ok, source: .request, reason: reason)
        if case let .transition(from, to) = action {
            logger.warning("member state changed", metadata: ["member": "\(member.name)", "from": "\(from)", "to": "\(to)", "reason": "\(reason)"])
        }
    }

    /// Forwards one request to the group: the first candidate that answers without a
    /// connection error, timeout or 5xx gives the response, streamed through.
    public func forward(_ group: GroupConfig, key: String, method: HTTPMethod, pathAndQuery: String,
                        headers: HTTPHeaders, body: ByteBuffer?) async -> Response {
        let members = candidates(group, key: key)
        if members.isEmpty { return errorResponse(.serviceUnavailable, "unavailable", "no healthy member in group \(group.name)") }
        let timeout = Duration.milliseconds(config.queryTimeoutMs)
        var failures: [String] = []
        for m in members {
            let start = ContinuousClock.now
            do {
                let resp = try await client.send(method: method, url: m.url + pathAndQuery, headers: headers, body: body, timeout: timeout)
                let code = Int(resp.status.code)
                if code >= 500 {
                    _ = try? await resp.body.collect(upTo: 1 << 20)
                    registry.observe(m.name, seconds: elapsed(start), outcome: .serverError)
                    note(m, ok: false, reason: "HTTP \(code)")
                    failures.append("\(m.name): HTTP \(code)")
                    continue
                }
                note(m, ok: true)
                var out = HTTPFields()
                out[memberHeader] = m.name
                for name in ["Content-Type", "Content-Encoding", "Cache-Control"] {
                    if let v = resp.headers.first(name: name), let f = HTTPField.Name(name) { out[f] = v }
                }
                let length = resp.headers.first(name: "Content-Length").flatMap(Int.init)
                let outcome: RequestOutcome = code >= 400 ? .clientError : .success
                if let length, length <= 1 << 20 {
                    // Small answers: one read, one write.
                    let buf = try await resp.body.collect(upTo: length)
                    registry.observe(m.name, seconds: elapsed(start), outcome: outcome)
                    return Response(status: .init(code: code), headers: out, body: .init(byteBuffer: buf))
                }
                registry.observe(m.name, seconds: elapsed(start), outcome: outcome)
                return Response(status: .init(code: code), headers: out, body: .init(asyncSequence: resp.body))
            } catch let e as RemoteError {
                registry.observe(m.name, seconds: elapsed(start), outcome: e == .timeout ? .timeout : .connectionError)
                note(m, ok: false, reason: e.description)
                failures.append("\(m.name): \(e)")
            } catch {
                registry.observe(m.name, seconds: elapsed(start), outcome: .connectionError)
                note(m, ok: false, reason: "\(error)")
                failures.append("\(m.name): \(error)")
            }
        }
        return errorResponse(.serviceUnavailable, "unavailable",
                             "every member of group \(group.name) failed: " + failures.joined(separator: "; "))
    }

    /// GETs a JSON answer from one member of the group, failing over like `forward`. A 4xx
    /// answer is final (rethrown as `.clientError`).
    public func fetch(_ group: GroupConfig, key: String, pathAndQuery: String) async throws(RemoteError) -> ByteBuffer {
        let members = candidates(group, key: key)
        if members.isEmpty { throw .connection("no healthy member in group \(group.name)") }
        var failures: [String] = []
        for m in members {
            let start = ContinuousClock.now
            do {
                let b = try await client.get(m.url, pathAndQuery, timeout: .milliseconds(config.queryTimeoutMs))
                registry.observe(m.name, seconds: elapsed(start), outcome: .success)
                note(m, ok: true)
                return b
            } catch {
                let e = (error as Any) as? RemoteError ?? .connection("\(error)")
                registry.observe(m.name, seconds: elapsed(start), outcome: outcome(e))
                if !e.isRetryable { note(m, ok: true); throw e }
                note(m, ok: false, reason: e.description)
                failures.append("\(m.name): \(e)")
            }
        }
        throw .connection("every member of group \(group.name) failed: " + failures.joined(separator: "; "))
    }
}

/// Names the member that answered a proxied request.
let memberHeader = HTTPField.Name("X-Promfleet-Member")!

func outcome(_ e: RemoteError) -> RequestOutcome {
    switch e {
    case .timeout: return .timeout
    case .connection: return .connectionError
    case .serverError, .badResponse: return .serverError
    case .clientError: return .clientError
    }
}

func elapsed(_ start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

/// Prometheus's error JSON as a response (HTTPAPI's `APIError.jsonBody`; an upstream's
/// errorType that HTTPAPI does not know is written the same way, unchanged).
func errorResponse(_ status: HTTPResponse.Status, _ type: String, _ message: String) -> Response {
    let body: [UInt8]
    if let kind = APIError.Kind(rawValue: type) {
        body = APIError(kind, message).jsonBody()
    } else {
        var w = JSONWriter(capacity: 128)
        w.raw("{\"status\":\"error\",\"errorType\":"); w.string(type)
        w.raw(",\"error\":"); w.string(message); w.raw("}")
        body = w.bytes
    }
    return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
}

func jsonResponse(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
}
