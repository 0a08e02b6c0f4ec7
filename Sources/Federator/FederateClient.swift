import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

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
    /// the body is read in a child task raced against a watchdog, whose win cancels it. The
    /// watchdog also fails an attempt that receives nothing for `idleMs` (a stalled replica), so
    /// a slow but progressing body may use the whole `timeoutMs` while a stuck one leaves time to
    /// the next replica.
    func stream(url: String, timeoutMs: Int64, idleMs: Int64? = nil, compression: Bool,
                part: @escaping @Sendable (UnsafeRawBufferPointer) throws -> Void) async throws(PullError) {
        let progress = Progress()
        let idle = min(idleMs ?? timeoutMs, timeoutMs)
        do {
            try await withThrowingTaskGroup(of: PullError?.self) { group in
                group.addTask {
                    try await self.read(url: url, timeoutMs: timeoutMs, compression: compression) { raw in
                        progress.touch()
                        try part(raw)
                    }
                    return nil
                }
                group.addTask { try await progress.watch(timeoutMs: timeoutMs, idleMs: idle) }
                let outcome = try await group.next() ?? nil
                group.cancelAll()
                if let e = outcome { throw e }
            }
        } catch let e as PullError {
            throw e
        } catch is CancellationError {
            throw PullError("context deadline exceeded (after \(timeoutMs)ms)")
        } catch {
            throw PullError("Get \"\(url)\": \(Self.describe(error))")
        }
    }

    /// When the body last made progress, and the watchdog over it.
    final class Progress: Sendable {
        let start = Progress.nowMs()
        let last = Atomic<Int64>(Progress.nowMs())

        static func nowMs() -> Int64 { Int64(DispatchTime.now().uptimeNanoseconds / 1_000_000) }

        func touch() { last.store(Self.nowMs(), ordering: .relaxed) }

        /// Returns the reason the attempt must end: the total deadline, or `idleMs` without data.
        func watch(timeoutMs: Int64, idleMs: Int64) async throws -> PullError {
            let deadline = start + timeoutMs
            while true {
                let now = Self.nowMs()
                if now >= deadline { return PullError("context deadline exceeded (after \(timeoutMs)ms)") }
                let stalledAt = last.load(ordering: .relaxed) + idleMs
                if now >= stalledAt { return PullError("no data for \(idleMs)ms (stalled), \(now - start)ms into the pull") }
                try await Task.sleep(for: .milliseconds(max(1, min(deadline, stalledAt) - now)))
            }
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
