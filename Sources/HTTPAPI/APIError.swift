/// An API error with Prometheus's `errorType` string and HTTP status (web/api/v1/api.go).
/// Every handler throws these; `APIResponse.error` turns one into a response in one place.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case badData = "bad_data"
        case execution = "execution"
        case timeout = "timeout"
        case canceled = "canceled"
        case `internal` = "internal"
        case unavailable = "unavailable"
        case notFound = "not_found"
        case notAcceptable = "not_acceptable"

        /// Prometheus's status code for the error type (`returnAPIError`).
        public var httpStatus: Int {
            switch self {
            case .badData: return 400
            case .execution: return 422
            case .canceled: return 499
            case .timeout: return 503
            case .internal: return 500
            case .unavailable: return 503
            case .notFound: return 404
            case .notAcceptable: return 406
            }
        }
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public static func badData(_ m: String) -> APIError { APIError(.badData, m) }
    public static func `internal`(_ m: String) -> APIError { APIError(.internal, m) }

    public var description: String { "\(kind.rawValue): \(message)" }

    /// The JSON body `{"status":"error","errorType":"…","error":"…"}`.
    public func jsonBody() -> [UInt8] {
        var w = JSONWriter()
        w.raw("{\"status\":\"error\",\"errorType\":")
        w.string(kind.rawValue)
        w.raw(",\"error\":")
        w.string(message)
        w.raw("}")
        return w.bytes
    }
}
