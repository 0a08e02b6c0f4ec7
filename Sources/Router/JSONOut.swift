import MetricModel
import PromQL

// TO UNIFY: a minimal hand-written JSON writer for query results and router status, to be
// replaced by HTTPAPI's writer once the replica branch lands on main.

/// Appends JSON into a byte buffer.
struct JSONOut {
    var bytes: [UInt8] = []

    init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                raw("\\u00"); bytes.append(hex[Int(b >> 4)]); bytes.append(hex[Int(b & 15)])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `[<seconds>,"<value>"]` as Prometheus writes a sample.
    mutating func sample(_ t: Timestamp, _ v: Double) {
        raw("[")
        raw(formatTime(t))
        raw(",\"")
        raw(PromFloat.formatF(v))
        raw("\"]")
    }

    mutating func labels(_ l: Labels) {
        raw("{")
        var first = true
        for lab in l.list {
            if !first { raw(",") }
            first = false
            string(lab.name); raw(":"); string(lab.value)
        }
        raw("}")
    }

    /// A query success body: `{"status":"success","data":{"resultType":…,"result":…}}`.
    static func queryResult(_ r: QueryResult) -> [UInt8] {
        var o = JSONOut(capacity: 4096)
        o.raw("{\"status\":\"success\",\"data\":{\"resultType\":\"")
        o.raw(r.value.resultType)
        o.raw("\",\"result\":")
        switch r.value {
        case let .scalar(t, v):
            o.sample(t, v)
        case let .string(t, s):
            o.raw("["); o.raw(formatTime(t)); o.raw(","); o.string(s); o.raw("]")
        case .vector(let els):
            o.raw("[")
            for (i, e) in els.enumerated() {
                if i > 0 { o.raw(",") }
                o.raw("{\"metric\":"); o.labels(e.labels); o.raw(",\"value\":"); o.sample(e.t, e.v); o.raw("}")
            }
            o.raw("]")
        case .matrix(let ms):
            o.raw("[")
            for (i, m) in ms.enumerated() {
                if i > 0 { o.raw(",") }
                o.raw("{\"metric\":"); o.labels(m.labels); o.raw(",\"values\":[")
                for (j, s) in m.samples.enumerated() {
                    if j > 0 { o.raw(",") }
                    o.sample(s.t, s.v)
                }
                o.raw("]}")
            }
            o.raw("]")
        }
        o.raw("}")
        if !r.annotations.warnings.isEmpty { o.raw(",\"warnings\":"); o.stringArray(r.annotations.warnings) }
        if !r.annotations.infos.isEmpty { o.raw(",\"infos\":"); o.stringArray(r.annotations.infos) }
        o.raw("}")
        return o.bytes
    }

    mutating func stringArray(_ a: [String]) {
        raw("[")
        for (i, s) in a.enumerated() {
            if i > 0 { raw(",") }
            string(s)
        }
        raw("]")
    }

    /// Prometheus's error body.
    static func error(type: String, message: String) -> [UInt8] {
        var o = JSONOut(capacity: 128)
        o.raw("{\"status\":\"error\",\"errorType\":"); o.string(type); o.raw(",\"error\":"); o.string(message); o.raw("}")
        return o.bytes
    }

    /// `{"status":"success","data":[…strings…]}`.
    static func stringList(_ a: [String]) -> [UInt8] {
        var o = JSONOut(capacity: 256)
        o.raw("{\"status\":\"success\",\"data\":"); o.stringArray(a); o.raw("}")
        return o.bytes
    }

    /// `{"status":"success","data":[{…labels…}]}`.
    static func labelSets(_ a: [Labels]) -> [UInt8] {
        var o = JSONOut(capacity: 256)
        o.raw("{\"status\":\"success\",\"data\":[")
        for (i, l) in a.enumerated() {
            if i > 0 { o.raw(",") }
            o.labels(l)
        }
        o.raw("]}")
        return o.bytes
    }
}

/// ms → the API's seconds with up to 3 decimals.
func formatTime(_ t: Timestamp) -> String {
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
