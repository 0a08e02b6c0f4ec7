import HTTPAPI
import MetricModel
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

    /// An API time: float seconds or RFC 3339 (Prometheus `parseTime`); `defaultMs` when absent.
    func time(_ name: String, defaultMs: Int64) throws(APIError) -> Int64 {
        guard let s = self[name], !s.isEmpty else { return defaultMs }
        do { return try APITime.parse(s) } catch {
            throw APIError.badData("invalid parameter \"\(name)\": \(error.message)")
        }
    }

    /// A duration: float seconds or a Prometheus duration.
    func duration(_ name: String) throws(APIError) -> Int64 {
        guard let s = self[name], !s.isEmpty else { throw APIError.badData("invalid parameter \"\(name)\": cannot parse \"\" to a valid duration") }
        if let d = Double(s), d.isFinite { return Int64((d * 1000).rounded()) }
        if let ms = RouterConfig.parseDuration(s) { return ms }
        throw APIError.badData("invalid parameter \"\(name)\": cannot parse \"\(s)\" to a valid duration")
    }
}
