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

    /// An API time with a default (Prometheus's `parseTimeParam`): float seconds or RFC 3339;
    /// `defaultMs` when absent.
    func time(_ name: String, defaultMs: Int64) throws(APIError) -> Int64 {
        guard let s = self[name], !s.isEmpty else { return defaultMs }
        do { return try APITime.parse(s) } catch {
            throw APIError.badData("invalid parameter \"\(name)\": Invalid time value for '\(name)': \(error.message)")
        }
    }

    /// A required API time (Prometheus's `parseTime` of a range query's start/end).
    static func parseTime(_ s: String, _ name: String) throws(APIError) -> Int64 {
        do { return try APITime.parse(s) } catch {
            throw APIError.badData("invalid parameter \"\(name)\": \(error.message)")
        }
    }

    /// A duration in float seconds or as a PromQL duration (Prometheus's `parseDuration`), ms;
    /// nil when absent and not required.
    func duration(_ name: String, required: Bool = false) throws(APIError) -> Int64? {
        let text = self[name] ?? ""
        if text.isEmpty && !required { return nil }
        if let d = Double(text), d.isFinite {
            let ms = (d * 1000).rounded()
            if ms >= Double(Int64.max) || ms <= Double(Int64.min) {
                throw APIError.badData("invalid parameter \"\(name)\": cannot parse \"\(text)\" to a valid duration. It overflows int64")
            }
            return Int64(ms)
        }
        if let d = try? Parser.parseDuration(text) { return d }
        throw APIError.badData("invalid parameter \"\(name)\": cannot parse \"\(text)\" to a valid duration")
    }
}
