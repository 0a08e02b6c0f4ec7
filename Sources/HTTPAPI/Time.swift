import Foundation
import MetricModel
import PromQL

/// Prometheus API time parameters (web/api/v1 `parseTime`): Unix seconds as a float, or RFC 3339.
public enum APITime {
    /// Prometheus's `MinTime`/`MaxTime` in ms (the defaults of start/end).
    public static let minTime: Timestamp = -9_223_309_901_257_974
    public static let maxTime: Timestamp = 9_223_309_901_257_974

    public static func parse(_ s: String) throws(APIError) -> Timestamp {
        if let d = Double(s), d.isFinite {
            let ms = (d * 1000).rounded()
            if ms < Double(minTime) { return minTime }
            if ms > Double(maxTime) { return maxTime }
            return Int64(ms)
        }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = f.date(from: s) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        f.formatOptions = [.withInternetDateTime]
        if let date = f.date(from: s) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        throw APIError.badData("cannot parse \"\(s)\" to a valid timestamp")
    }

    /// An optional time parameter (Prometheus's `parseTimeParam`): nil when absent or empty;
    /// errors read `invalid parameter "time": Invalid time value for 'time': …`.
    public static func param(_ text: String?, name: String) throws(APIError) -> Timestamp? {
        guard let v = text, !v.isEmpty else { return nil }
        do { return try parse(v) } catch {
            throw APIError.badData("invalid parameter \"\(name)\": Invalid time value for '\(name)': \(error.message)")
        }
    }

    /// A duration parameter in float seconds or as a PromQL duration (Prometheus's
    /// `parseDuration`), in ms; nil when absent and not required.
    public static func durationParam(_ text: String?, name: String, required: Bool = false) throws(APIError) -> Int64? {
        let text = text ?? ""
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

    /// RFC 3339 with milliseconds in UTC, as Go's `time.Time` JSON (e.g. "2024-01-02T03:04:05.678Z").
    public static func rfc3339(_ ms: Timestamp) -> String {
        let secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let frac = ms - secs * 1000
        var t = time_t(secs)
        var tmv = tm()
        gmtime_r(&t, &tmv)
        func pad(_ v: Int32, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        var out = "\(pad(tmv.tm_year + 1900, 4))-\(pad(tmv.tm_mon + 1, 2))-\(pad(tmv.tm_mday, 2))T"
        out += "\(pad(tmv.tm_hour, 2)):\(pad(tmv.tm_min, 2)):\(pad(tmv.tm_sec, 2))"
        if frac != 0 {
            var f = pad(Int32(frac), 3)
            while f.hasSuffix("0") { f.removeLast() }
            out += "." + f
        }
        return out + "Z"
    }
}
