import Foundation
import MetricModel

/// Wall-clock time in milliseconds since the Unix epoch.
public func wallClockMillis() -> Timestamp {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
}

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
