import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Streams /federate bodies with AsyncHTTPClient. Asks for text format 0.0.4 only (what
/// Prometheus's /federate and ours serve; OpenMetrics would change the timestamp unit) and, with
/// `compression`, for gzip as Prometheus's scraper does. Connection establishment is not retried
/// (a refused replica fails at once, leaving the pull's time to the next replica).
public final class FederateClient: Sendable {
    let client: HTTPClient

    public static let accept = "text/plain;version=0.0.4;q=1,*/*;q=0.1"
    public static let userAgent = "promfleet-federator/2.42.0"

    public init() {
        var cfg = HTTPClient.Configuration(redirectConfiguration: .follow(max: 10, allowCycles: false))
        cfg.connectionPool.idleTimeout = .seconds(120)
        cfg.connectionPool.retryConnectionEstablishment = false
        cfg.timeout.connect = .seconds(5)
        cfg.httpVersion = .http1Only
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: cfg)
    }

    public func shutdown() async { try? await client.shutdown() }

    /// GETs `url` and hands each part of the (gunzipped) body to `part`. The deadline covers the
    /// whole body, not only the response head (AsyncHTTPClient's own deadline ends at the head):
    /// the body is read in a child task raced against a timer, and the timer's win cancels it.
    func stream(url: String, timeoutMs: Int64, compression: Bool,
                part: @escaping @Sendable (UnsafeRawBufferPointer) throws -> Void) async throws(PullError) {
        do {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await self.read(url: url, timeoutMs: timeoutMs, compression: compression, part: part)
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(max(timeoutMs, 1)))
                    return false
                }
                let finished = try await group.next() ?? false
                group.cancelAll()
                if !finished { throw PullError("context deadline exceeded (after \(timeoutMs)ms)") }
            }
        } catch let e as PullError {
            throw e
        } catch is CancellationError {
            throw PullError("context deadline exceeded (after \(timeoutMs)ms)")
        } catch {
            throw PullError("Get \"\(url)\": \(Self.describe(error))")
        }
    }

    private func read(url: String, timeoutMs: Int64, compression: Bool,
                      part: (UnsafeRawBufferPointer) throws -> Void) async throws {
        var req = HTTPClientRequest(url: url)
        req.method = .GET
        req.headers.add(name: "Accept", value: Self.accept)
        if compression { req.headers.add(name: "Accept-Encoding", value: "gzip") }
        req.headers.add(name: "User-Agent", value: Self.userAgent)
        req.headers.add(name: "X-Prometheus-Scrape-Timeout-Seconds", value: String(Double(timeoutMs) / 1000))
        let resp = try await client.execute(req, deadline: .now() + .milliseconds(timeoutMs))
        guard resp.status == .ok else {
            throw PullError("server returned HTTP status \(resp.status.code) \(resp.status.reasonPhrase)")
        }
        let ctype = resp.headers.first(name: "Content-Type") ?? ""
        if ctype.contains("openmetrics") || ctype.contains("protobuf") {
            throw PullError("unsupported Content-Type \"\(ctype)\" (the federator reads text format 0.0.4)")
        }
        let inflater = resp.headers.first(name: "Content-Encoding")?.lowercased() == "gzip" ? StreamInflater() : nil
        for try await buf in resp.body {
            try Task.checkCancellation()
            try buf.withUnsafeReadableBytes { raw in
                if let inflater { try inflater.inflate(raw, part) } else { try part(raw) }
            }
        }
        try Task.checkCancellation()
        if let inflater, !inflater.ended { throw PullError("gzip: unexpected EOF (body ended mid-stream)") }
    }

    static func describe(_ e: any Error) -> String {
        if let h = e as? HTTPClientError {
            if h == .deadlineExceeded { return "context deadline exceeded" }
            if h == .remoteConnectionClosed { return "connection closed before the body ended" }
        }
        return "\(e)"
    }
}
