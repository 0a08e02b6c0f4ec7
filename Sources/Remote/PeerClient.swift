import AsyncHTTPClient
import Foundation
import Logging
import MetricModel
import NIOCore
import NIOHTTP1

/// HTTP client to Prometheus-compatible peers (a promfleet replica or a real Prometheus):
/// one keep-alive connection pool shared by every call. Thread-safe; `shutdown()` once at the end.
public final class PeerClient: Sendable {
    public let http: HTTPClient

    public init(connectTimeout: Duration = .seconds(2), maxConnectionsPerHost: Int = 64) {
        var cfg = HTTPClient.Configuration()
        cfg.timeout.connect = .milliseconds(connectTimeout.milliseconds)
        cfg.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: maxConnectionsPerHost)
        cfg.decompression = .disabled
        cfg.redirectConfiguration = .disallow
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: cfg)
    }

    public func shutdown() async throws { try await http.shutdown() }

    /// Sends one request and returns once the response head arrived; the body is left to the
    /// caller to stream. Connection errors and timeouts become `RemoteError`; status codes are
    /// not interpreted here.
    public func send(method: HTTPMethod, url: String, headers: HTTPHeaders = [:], body: ByteBuffer? = nil,
                     timeout: Duration) async throws(RemoteError) -> HTTPClientResponse {
        var req = HTTPClientRequest(url: url)
        req.method = method
        req.headers = headers
        if let body { req.body = .bytes(body) }
        do {
            return try await http.execute(req, timeout: .milliseconds(timeout.milliseconds))
        } catch let e as HTTPClientError where e == .deadlineExceeded || e == .readTimeout || e == .connectTimeout {
            throw .timeout
        } catch {
            throw .connection(String(describing: error))
        }
    }

    /// GET `base + path?query` and collects the body (up to `limit` bytes) of a 2xx answer;
    /// other statuses become `.serverError` / `.clientError` with Prometheus's error text.
    public func get(_ base: String, _ pathAndQuery: String, timeout: Duration, limit: Int = 256 << 20) async throws(RemoteError) -> ByteBuffer {
        let deadline = ContinuousClock.now + timeout
        let resp = try await send(method: .GET, url: base + pathAndQuery, timeout: timeout)
        let body: ByteBuffer
        do {
            body = try await withDeadline(deadline) { try await resp.body.collect(upTo: limit) }
        } catch let e as RemoteError {
            throw e
        } catch {
            throw .connection("reading body: \(error)")
        }
        let status = Int(resp.status.code)
        if status >= 200 && status < 300 { return body }
        let (type, msg) = PromJSON.errorFields(body)
        if status >= 500 { throw .serverError(status: status, message: msg ?? "HTTP \(status)") }
        throw .clientError(status: status, errorType: type ?? "bad_data", message: msg ?? "HTTP \(status)")
    }

    /// Raw samples of `selector` over the `rangeMs` window ending at `time`, via
    /// `/api/v1/query?query=<selector>[<range>ms]&time=<time>` (works against any Prometheus).
    public func rawSeries(_ base: String, selector: String, rangeMs: Int64, time: Timestamp,
                          timeout: Duration) async throws(RemoteError) -> [RawSeries] {
        let q = "\(selector)[\(max(1, rangeMs))ms]"
        let path = "/api/v1/query?query=" + FormEncoding.escape(q) + "&time=" + PromJSON.formatTime(time)
        let body = try await get(base, path, timeout: timeout)
        return try PromJSON.decodeMatrix(body)
    }
}

/// Runs `body`, throwing `RemoteError.timeout` when `deadline` passes first.
func withDeadline<T: Sendable>(_ deadline: ContinuousClock.Instant, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { g in
        g.addTask { try await body() }
        g.addTask {
            try await Task.sleep(until: deadline, clock: .continuous)
            throw RemoteError.timeout
        }
        defer { g.cancelAll() }
        return try await g.next()!
    }
}

extension Duration {
    /// Whole milliseconds.
    public var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
