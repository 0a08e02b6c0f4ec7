import Foundation
import MetricModel
import NIOCore

/// Decoding of Prometheus HTTP API JSON answers (cold path: Foundation's JSONSerialization) and
/// the API's time formatting.
public enum PromJSON {
    /// `errorType` and `error` of an error body, when it is Prometheus JSON.
    public static func errorFields(_ body: ByteBuffer) -> (String?, String?) {
        guard let obj = object(body) else { return (nil, nil) }
        return (obj["errorType"] as? String, obj["error"] as? String)
    }

    /// The top-level object of a JSON body.
    public static func object(_ body: ByteBuffer) -> [String: Any]? {
        let data = Data(body.readableBytesView)
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// `data` of a success answer.
    public static func data(_ body: ByteBuffer) throws(RemoteError) -> Any {
        guard let obj = object(body) else { throw .badResponse("not a JSON object") }
        guard obj["status"] as? String == "success", let d = obj["data"] else {
            throw .badResponse((obj["error"] as? String) ?? "status is not success")
        }
        return d
    }

    /// A `matrix` (or `vector`) result as raw series.
    public static func decodeMatrix(_ body: ByteBuffer) throws(RemoteError) -> [RawSeries] {
        guard let d = try data(body) as? [String: Any], let result = d["result"] as? [[String: Any]] else {
            throw .badResponse("no result")
        }
        var out: [RawSeries] = []
        out.reserveCapacity(result.count)
        for r in result {
            var lb = LabelsBuilder()
            for (k, v) in (r["metric"] as? [String: String]) ?? [:] { lb.set(k, v) }
            var samples: [Sample] = []
            if let values = r["values"] as? [[Any]] {
                samples.reserveCapacity(values.count)
                for pair in values { if let s = sample(pair) { samples.append(s) } }
            } else if let value = r["value"] as? [Any], let s = sample(value) {
                samples.append(s)
            }
            out.append(RawSeries(labels: lb.labels(), samples: samples))
        }
        return out
    }

    static func sample(_ pair: [Any]) -> Sample? {
        guard pair.count == 2, let t = (pair[0] as? NSNumber)?.doubleValue, let vs = pair[1] as? String,
              let v = PromFloat.parse(vs) else { return nil }
        return Sample(t: Timestamp((t * 1000).rounded()), v: v)
    }

    /// Milliseconds as the API's seconds with up to 3 decimals (`1700000000.123`).
    public static func formatTime(_ t: Timestamp) -> String {
        let neg = t < 0
        let a = neg ? -t : t
        var s = (neg ? "-" : "") + String(a / 1000)
        var ms = a % 1000
        if ms != 0 {
            var digits = 3
            while ms % 10 == 0 { ms /= 10; digits -= 1 }
            let frac = String(ms)
            s += "." + String(repeating: "0", count: digits - frac.count) + frac
        }
        return s
    }
}
