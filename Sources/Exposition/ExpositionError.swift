/// A parse error in an exposition body: the kind a caller can branch on, the 1-based line, and
/// Prometheus's message (`expected value after metric, got "\n" while parsing: "foo"`).
/// `description` is `line 12: <message>`.
public struct ExpositionError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// An unexpected token (Prometheus's `parseError`: "expected X, got Y").
        case syntax
        /// A value, exemplar value or timestamp that is not a number
        /// (`strconv.ParseFloat: parsing "x": invalid syntax`, `unsupported character in float`).
        case invalidNumber
        /// An OpenMetrics timestamp that is NaN or infinite, or out of the int64 range.
        case invalidTimestamp
        /// A label value, quoted name or help text that is not valid UTF-8.
        case invalidUTF8
        /// `# TYPE` with a type the format does not know.
        case invalidMetricType
        /// OpenMetrics `# UNIT` whose unit is not a suffix of the metric name.
        case unitMismatch
        /// A series without a metric name, or with two (`{"a","b"}`).
        case metricName
        /// The same label name twice in one series (found by `labels()`).
        case duplicateLabelName
        /// OpenMetrics body without the final `# EOF`.
        case missingEOF
        /// OpenMetrics body with bytes after `# EOF`.
        case dataAfterEOF
    }

    public let kind: Kind
    /// 1-based line number where the problem was found.
    public let line: Int
    /// The message without the line prefix, in Prometheus's wording.
    public let message: String

    public init(_ kind: Kind, line: Int, _ message: String) {
        self.kind = kind
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}

/// Go's `%q` for byte strings, as Prometheus's messages print tokens and snippets: quotes,
/// backslash escapes for `"` `\` and control bytes, invalid UTF-8 as `\xNN`.
enum GoQuote {
    static let maxSnippet = 120

    static func quote(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var out = "\""
        var scratch: [UInt8] = []
        var i = 0
        let n = min(bytes.count, maxSnippet)
        while i < n {
            let c = bytes[i]
            switch c {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x09: out += "\\t"
            case 0x0D: out += "\\r"
            case 0x00..<0x20, 0x7F: out += "\\x" + hex(c)
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(c))
            default:
                let len = UTF8Check.sequenceLength(bytes, i)
                if len > 0 {
                    scratch.removeAll(keepingCapacity: true)
                    for k in i..<(i + len) { scratch.append(bytes[k]) }
                    out += String(decoding: scratch, as: UTF8.self)
                    i += len
                    continue
                }
                out += "\\x" + hex(c)
            }
            i += 1
        }
        if bytes.count > maxSnippet { out += "…" }
        return out + "\""
    }

    private static func hex(_ c: UInt8) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: [digits[Int(c >> 4)], digits[Int(c & 15)]], as: UTF8.self)
    }
}
