import MetricModel

/// Writes JSON straight into a reusable byte buffer (Prometheus `web/api/v1/json_codec.go`):
/// hot responses (series, label values, query results, targets) never go through `JSONEncoder`.
/// The caller is responsible for commas and nesting; helpers cover the common shapes.
public struct JSONWriter: Sendable {
    public var bytes: [UInt8]

    public init(capacity: Int = 1024) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inlinable
    public mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    @inlinable
    public mutating func byte(_ b: UInt8) { bytes.append(b) }

    /// A JSON string literal with escaping of quote, backslash and control characters.
    public mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { string(bytes: $0) }
    }

    public mutating func string(bytes src: UnsafeBufferPointer<UInt8>) {
        bytes.append(0x22)
        var start = 0
        for i in 0..<src.count {
            let c = src[i]
            if c >= 0x20 && c != 0x22 && c != 0x5C { continue }
            if start < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: src[start..<i])) }
            start = i + 1
            switch c {
            case 0x22: raw("\\\"")
            case 0x5C: raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            default:
                raw("\\u00")
                bytes.append(Self.hex[Int(c >> 4)])
                bytes.append(Self.hex[Int(c & 0xF)])
            }
        }
        if start < src.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: src[start..<src.count])) }
        bytes.append(0x22)
    }

    static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    public mutating func int(_ v: Int64) {
        if v < 0 { bytes.append(UInt8(ascii: "-")) }
        PromFloat.appendUInt(v.magnitude, &bytes)
    }

    /// A JSON number; NaN/Inf are not representable, written as strings like Prometheus's values.
    public mutating func number(_ v: Double) {
        if v.isFinite { PromFloat.appendF(v, to: &bytes) } else { string(PromFloat.formatF(v)) }
    }

    public mutating func bool(_ v: Bool) { if v { raw("true") } else { raw("false") } }

    /// `{"name":"value",…}` in label order.
    public mutating func labels(_ l: Labels) {
        bytes.append(UInt8(ascii: "{"))
        var first = true
        l.forEachRaw { n, v in
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            string(bytes: n)
            bytes.append(UInt8(ascii: ":"))
            string(bytes: v)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// `["a","b",…]`.
    public mutating func stringArray(_ a: [String]) {
        bytes.append(UInt8(ascii: "["))
        for (i, s) in a.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            string(s)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// `"key":` with a leading comma unless `first`.
    public mutating func key(_ k: StaticString, first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        bytes.append(0x22)
        raw(k)
        raw("\":")
    }

    /// Starts a success envelope: `{"status":"success","data":`. Close with `endSuccess()`.
    public mutating func beginSuccess() { raw("{\"status\":\"success\",\"data\":") }

    /// Closes a success envelope, adding `warnings` when there are any.
    public mutating func endSuccess(warnings: [String] = []) {
        if !warnings.isEmpty {
            raw(",\"warnings\":")
            stringArray(warnings)
        }
        raw("}")
    }
}
