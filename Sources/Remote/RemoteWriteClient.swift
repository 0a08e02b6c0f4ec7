import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// What became of one POST (Prometheus `client.Store` + `RecoverableError`).
public enum WriteOutcome: Equatable, Sendable {
    case ok
    /// 5xx, 429 (when retried), connection errors and timeouts: try again after a back-off
    /// (`retryAfter` when the server sent a `Retry-After` in seconds).
    case recoverable(String, retryAfter: Duration?)
    /// Other non-2xx answers: the batch is dropped and counted as failed.
    case nonRecoverable(String)
}

/// POSTs snappy-compressed `WriteRequest`s to one endpoint, with the protocol 1.0 headers.
/// Thread-safe; `shutdown()` once at the end.
final class RemoteWriteClient: Sendable {
    let settings: RemoteWriteSettings
    let http: HTTPClient

    init(_ s: RemoteWriteSettings) throws {
        settings = s
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: try Self.configuration(s))
    }

    /// The client settings (TLS files are read here, so a bad file fails `RemoteWriteQueue.init`).
    static func configuration(_ s: RemoteWriteSettings) throws -> HTTPClient.Configuration {
        var cfg = HTTPClient.Configuration(redirectConfiguration: s.followRedirects ? .follow(max: 10, allowCycles: false) : .disallow)
        cfg.connectionPool.idleTimeout = .seconds(120)
        // Fail a request at once when the endpoint refuses connections: the queue retries with
        // its own back-off (AsyncHTTPClient would otherwise keep trying until remote_timeout).
        cfg.connectionPool.retryConnectionEstablishment = false
        cfg.httpVersion = .http1Only
        cfg.decompression = .disabled
        if s.url.lowercased().hasPrefix("https://") { cfg.tlsConfiguration = try s.tls.configuration() }
        if let p = s.proxyURL, !p.isEmpty {
            guard let u = URL(string: p), let host = u.host, u.scheme == "http" else {
                throw RemoteError.badResponse("proxy_url \(p): only http:// proxies are supported")
            }
            var auth: HTTPClient.Authorization?
            if let user = u.user { auth = .basic(username: user, password: u.password ?? "") }
            cfg.proxy = .server(host: host, port: u.port ?? 80, authorization: auth)
        }
        return cfg
    }

    func shutdown() async { try? await http.shutdown() }

    /// Sends one compressed request body.
    func store(_ body: [UInt8]) async -> WriteOutcome {
        var req = HTTPClientRequest(url: settings.url)
        req.method = .POST
        for (k, v) in settings.headers { req.headers.replaceOrAdd(name: k, value: v) }
        req.headers.replaceOrAdd(name: "Content-Encoding", value: "snappy")
        req.headers.replaceOrAdd(name: "Content-Type", value: "application/x-protobuf")
        req.headers.replaceOrAdd(name: "User-Agent", value: settings.userAgent)
        req.headers.replaceOrAdd(name: "X-Prometheus-Remote-Write-Version", value: "0.1.0")
        do {
            if let value = try settings.auth.headerValue() { req.headers.replaceOrAdd(name: "Authorization", value: value) }
        } catch {
            return .recoverable(error.description, retryAfter: nil)
        }
        req.body = .bytes(ByteBuffer(bytes: body))
        let resp: HTTPClientResponse
        do {
            resp = try await http.execute(req, timeout: .milliseconds(settings.timeout.milliseconds))
        } catch {
            return .recoverable("Post \"\(settings.url)\": \(error)", retryAfter: nil)
        }
        let code = Int(resp.status.code)
        // Read (a little of) the body so the connection can be reused and the error quoted.
        let text = (try? await resp.body.collect(upTo: 1 << 20)).map { String(buffer: $0) } ?? ""
        if (200..<300).contains(code) { return .ok }
        let line = text.split(separator: "\n").first.map(String.init) ?? ""
        let message = "server returned HTTP status \(resp.status.code) \(resp.status.reasonPhrase): \(line.prefix(512))"
        if code >= 500 || (code == 429 && settings.retryOnRateLimit) {
            let after = resp.headers.first(name: "Retry-After").flatMap { Int64($0) }.map { Duration.seconds($0) }
            return .recoverable(message, retryAfter: after)
        }
        return .nonRecoverable(message)
    }
}
