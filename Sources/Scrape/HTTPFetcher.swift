import AsyncHTTPClient
import CZlib
import Exposition
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization

/// Scrapes over HTTP with AsyncHTTPClient: Accept negotiation, gzip, the scrape timeout (as the
/// request deadline and `X-Prometheus-Scrape-Timeout-Seconds`), basic auth / authorization
/// header (credentials file re-read per scrape), and body_size_limit on the decompressed body.
public struct HTTPFetcher: ScrapeFetcher {
    let client: HTTPClient
    let ownsClient: Bool
    /// Clients for settings other than the default (TLS, proxy, no redirects), built on first use.
    let others = ClientCache()

    /// The Accept header this scraper sends (Prometheus 2.42's: OpenMetrics preferred).
    public static let acceptHeader = ContentNegotiation.scrapeAcceptHeader
    public static let userAgent = "Prometheus/2.42.0"

    public init(client: HTTPClient) {
        self.client = client
        ownsClient = false
    }

    /// A fetcher with its own client on the shared event loops; call `shutdown()` when done.
    public init() {
        var cfg = HTTPClient.Configuration(redirectConfiguration: .follow(max: 10, allowCycles: false))
        cfg.connectionPool.idleTimeout = .seconds(120)
        cfg.httpVersion = .http1Only
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: cfg)
        ownsClient = true
    }

    public func shutdown() async {
        for c in others.all() { try? await c.shutdown() }
        if ownsClient { try? await client.shutdown() }
    }

    /// The client for a scrape's TLS, proxy and redirect settings.
    func client(for s: ScrapeSettings) throws -> HTTPClient {
        let key = ClientKey(tls: s.tls, proxyURL: s.proxyURL, followRedirects: s.followRedirects)
        if key == ClientKey() { return client }
        return try others.client(for: key)
    }

    public func fetch(_ target: ScrapeTarget) async throws -> ScrapeResponse {
        let s = target.settings
        var req = HTTPClientRequest(url: target.url)
        req.method = .GET
        req.headers.add(name: "Accept", value: Self.acceptHeader)
        req.headers.add(name: "Accept-Encoding", value: "gzip")
        req.headers.add(name: "User-Agent", value: Self.userAgent)
        req.headers.add(name: "X-Prometheus-Scrape-Timeout-Seconds", value: String(Double(s.timeoutMs) / 1000))
        do {
            if let value = try s.auth.headerValue() { req.headers.add(name: "Authorization", value: value) }
        } catch {
            throw ScrapeError(error.description)
        }
        let deadline = NIODeadline.now() + .milliseconds(s.timeoutMs)
        let resp: HTTPClientResponse
        do {
            resp = try await client(for: s).execute(req, deadline: deadline)
        } catch let e as ScrapeError {
            throw e
        } catch {
            throw ScrapeError("Get \"\(target.url)\": \(Self.describe(error))")
        }
        guard resp.status == .ok else {
            throw ScrapeError("server returned HTTP status \(resp.status.code) \(resp.status.reasonPhrase)")
        }
        let gz = resp.headers.first(name: "Content-Encoding")?.lowercased() == "gzip"
        let limit = s.bodySizeLimit > 0 ? s.bodySizeLimit : Int.max
        var body: [UInt8] = []
        let inflater = gz ? Inflater() : nil
        do {
            for try await chunk in resp.body {
                if let inf = inflater {
                    try inf.inflate(chunk, into: &body, limit: limit)
                } else {
                    body.append(contentsOf: chunk.readableBytesView)
                    if body.count > limit { throw ScrapeError("body size limit exceeded") }
                }
            }
        } catch let e as ScrapeError {
            throw e
        } catch {
            throw ScrapeError("Get \"\(target.url)\": \(Self.describe(error))")
        }
        return ScrapeResponse(body: body, contentType: resp.headers.first(name: "Content-Type") ?? "")
    }

    static func describe(_ e: any Error) -> String {
        if let h = e as? HTTPClientError, h == .deadlineExceeded { return "context deadline exceeded" }
        let text = "\(e)"
        // TLS failures in the words Go's crypto/tls uses, instead of BoringSSL's error dumps.
        for (token, words) in [("CERTIFICATE_VERIFY_FAILED", "tls: failed to verify certificate: x509: certificate verify failed"),
                               ("ALERT_BAD_CERTIFICATE", "remote error: tls: bad certificate"),
                               ("ALERT_CERTIFICATE_REQUIRED", "remote error: tls: certificate required"),
                               ("ALERT_HANDSHAKE_FAILURE", "remote error: tls: handshake failure"),
                               ("WRONG_VERSION_NUMBER", "tls: first record does not look like a TLS handshake")]
        where text.contains(token) {
            return words
        }
        return text
    }
}

/// Streaming gunzip with an output limit.
final class Inflater {
    private var s = z_stream()
    private var out = [UInt8](repeating: 0, count: 64 * 1024)
    private var done = false

    init() { inflateInit2_(&s, 31, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) }
    deinit { inflateEnd(&s) }

    func inflate(_ chunk: ByteBuffer, into body: inout [UInt8], limit: Int) throws {
        if done { return }
        var input = Array(chunk.readableBytesView)
        try input.withUnsafeMutableBufferPointer { inp in
            s.next_in = inp.baseAddress
            s.avail_in = UInt32(inp.count)
            while s.avail_in > 0 || s.avail_out == 0 {
                let (rc, n): (Int32, Int) = out.withUnsafeMutableBufferPointer { o in
                    s.next_out = o.baseAddress
                    s.avail_out = UInt32(o.count)
                    let rc = CZlib.inflate(&s, Z_NO_FLUSH)
                    return (rc, o.count - Int(s.avail_out))
                }
                body.append(contentsOf: out[0..<n])
                if body.count > limit { throw ScrapeError("body size limit exceeded") }
                if rc == Z_STREAM_END { done = true; return }
                if rc != Z_OK && rc != Z_BUF_ERROR { throw ScrapeError("gzip: invalid compressed data") }
                if rc == Z_BUF_ERROR && s.avail_in == 0 { return }
            }
        }
    }
}

/// What selects a scrape's HTTP client.
struct ClientKey: Hashable, Sendable {
    var tls = TLSSettings()
    var proxyURL: String?
    var followRedirects = true
}

/// HTTP clients per `ClientKey`, each built once (a TLS or proxy setting error is reported on
/// every scrape until the config changes).
final class ClientCache: Sendable {
    private let clients = Mutex<[ClientKey: HTTPClient]>([:])

    func all() -> [HTTPClient] { clients.withLock { Array($0.values) } }

    func client(for key: ClientKey) throws -> HTTPClient {
        if let c = clients.withLock({ $0[key] }) { return c }
        let made = try Self.make(key)
        let (c, extra) = clients.withLock { m -> (HTTPClient, HTTPClient?) in
            if let existing = m[key] { return (existing, made) }
            m[key] = made
            return (made, nil)
        }
        if let extra { try? extra.syncShutdown() }
        return c
    }

    static func make(_ key: ClientKey) throws -> HTTPClient {
        var cfg = HTTPClient.Configuration(redirectConfiguration: key.followRedirects ? .follow(max: 10, allowCycles: false) : .disallow)
        cfg.connectionPool.idleTimeout = .seconds(120)
        cfg.httpVersion = .http1Only
        do { cfg.tlsConfiguration = try key.tls.configuration() } catch { throw ScrapeError(error.description) }
        if let p = key.proxyURL, !p.isEmpty {
            guard let u = URL(string: p), let host = u.host, u.scheme == "http" else {
                throw ScrapeError("proxy_url \(p): only http:// proxies are supported")
            }
            var auth: HTTPClient.Authorization?
            if let user = u.user { auth = .basic(username: user, password: u.password ?? "") }
            cfg.proxy = .server(host: host, port: u.port ?? 80, authorization: auth)
        }
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: cfg)
    }
}
