import AsyncHTTPClient
import CZlib
import Foundation
import NIOCore
import NIOHTTP1

/// Scrapes over HTTP with AsyncHTTPClient: Accept negotiation, gzip, the scrape timeout (as the
/// request deadline and `X-Prometheus-Scrape-Timeout-Seconds`), basic auth / authorization
/// header (credentials file re-read per scrape), and body_size_limit on the decompressed body.
public struct HTTPFetcher: ScrapeFetcher {
    let client: HTTPClient
    let ownsClient: Bool

    /// The Accept header this scraper sends. Only the text format is requested until the
    /// OpenMetrics parser is wired in; `*/*` keeps exporters that ignore Accept working.
    public static let acceptHeader = "text/plain;version=0.0.4;q=1,*/*;q=0.1"
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
        if ownsClient { try? await client.shutdown() }
    }

    public func fetch(_ target: ScrapeTarget) async throws -> ScrapeResponse {
        let s = target.settings
        var req = HTTPClientRequest(url: target.url)
        req.method = .GET
        req.headers.add(name: "Accept", value: Self.acceptHeader)
        req.headers.add(name: "Accept-Encoding", value: "gzip")
        req.headers.add(name: "User-Agent", value: Self.userAgent)
        req.headers.add(name: "X-Prometheus-Scrape-Timeout-Seconds", value: String(Double(s.timeoutMs) / 1000))
        switch s.auth {
        case .none: break
        case .basic(let u, let p):
            req.headers.add(name: "Authorization", value: "Basic " + Data("\(u):\(p)".utf8).base64EncodedString())
        case .authorization(let type, let creds, let file):
            var c = creds
            if let f = file {
                guard let text = try? String(contentsOfFile: f, encoding: .utf8) else {
                    throw ScrapeError("unable to read authorization credentials file \(f)")
                }
                c = text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            req.headers.add(name: "Authorization", value: "\(type) \(c)")
        }
        let deadline = NIODeadline.now() + .milliseconds(s.timeoutMs)
        let resp: HTTPClientResponse
        do {
            resp = try await client.execute(req, deadline: deadline)
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
        return "\(e)"
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
