import HTTPAPI
import MetricModel
import PromQL
import Remote

/// Form parameters of an API request (URL query plus a form-encoded POST body), as Prometheus
/// reads them with `r.FormValue`.
struct QueryParams {
    var pairs: [(String, String)]

    init(query: String?, body: String?) {
        pairs = FormEncoding.parse(query ?? "")
        if let body { pairs += FormEncoding.parse(body) }
    }

    subscript(_ name: String) -> String? { pairs.first { $0.0 == name }?.1 }
    func all(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }

    /// An API time with a default (Prometheus's `parseTimeParam`); `defaultMs` when absent.
    func time(_ name: String, defaultMs: Int64) throws(APIError) -> Int64 {
        try APITime.param(self[name], name: name) ?? defaultMs
    }

    /// A required API time (Prometheus's `parseTime` of a range query's start/end).
    static func parseTime(_ s: String, _ name: String) throws(APIError) -> Int64 {
        do { return try APITime.parse(s) } catch {
            throw APIError.badData("invalid parameter \"\(name)\": \(error.message)")
        }
    }

    /// A duration parameter (Prometheus's `parseDuration`), ms; nil when absent and not required.
    func duration(_ name: String, required: Bool = false) throws(APIError) -> Int64? {
        try APITime.durationParam(self[name], name: name, required: required)
    }
}
