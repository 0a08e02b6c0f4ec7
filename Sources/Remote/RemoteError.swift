/// Why a request to a peer failed. The router's failover treats every case but `.clientError`
/// as a reason to try the next member (connection error, 5xx, timeout, unreadable answer).
public enum RemoteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The connection could not be made or broke before a response head arrived.
    case connection(String)
    /// No response head (or body, for decoded calls) within the timeout.
    case timeout
    /// The peer answered 5xx (its errorType/error when the body was Prometheus JSON).
    case serverError(status: Int, message: String)
    /// The peer answered 4xx/422: the query is bad, another member would say the same.
    case clientError(status: Int, errorType: String, message: String)
    /// The body was not the Prometheus JSON shape expected.
    case badResponse(String)

    public var description: String {
        switch self {
        case .connection(let s): return "connection error: \(s)"
        case .timeout: return "timeout"
        case let .serverError(status, message): return "server error \(status): \(message)"
        case let .clientError(status, _, message): return "client error \(status): \(message)"
        case .badResponse(let s): return "bad response: \(s)"
        }
    }

    /// True when another member may succeed where this one failed.
    public var isRetryable: Bool {
        if case .clientError = self { return false }
        return true
    }
}
