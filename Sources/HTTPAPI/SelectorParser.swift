import MetricModel

/// Parses a series selector as `match[]` takes it: `name`, `name{l="v",…}` or `{l=~"re",…}`,
/// with the four matcher operators and double-, single- or back-quoted strings.
/// A stand-in for `PromQL.Parser.parseMetricSelector` with the same error wording
/// ("1:5: parse error: …"); swap it out once the PromQL parser is the one source of truth.
public enum SelectorParser {
    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public var position: Int
        public var message: String
        public var description: String { "1:\(position + 1): parse error: \(message)" }
    }

    public static func parse(_ input: String) throws(ParseError) -> [LabelMatcher] {
        let b = Array(input.utf8)
        var i = 0
        var matchers: [LabelMatcher] = []
        func skipSpace() { while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A { i += 1 } }
        func isNameStart(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F }
        func isNameChar(_ c: UInt8) -> Bool { isNameStart(c) || (c >= 0x30 && c <= 0x39) }
        func ident(allowColon: Bool) -> String? {
            let start = i
            guard i < b.count, isNameStart(b[i]) || (allowColon && b[i] == 0x3A) else { return nil }
            while i < b.count, isNameChar(b[i]) || (allowColon && b[i] == 0x3A) { i += 1 }
            return String(decoding: b[start..<i], as: UTF8.self)
        }
        skipSpace()
        if let name = ident(allowColon: true) {
            matchers.append(.equal(LabelName.metricName, name))
        }
        skipSpace()
        if i < b.count && b[i] == UInt8(ascii: "{") {
            i += 1
            while true {
                skipSpace()
                if i < b.count && b[i] == UInt8(ascii: "}") { i += 1; break }
                guard let lname = ident(allowColon: false) else {
                    throw ParseError(position: i, message: i < b.count ? "unexpected character inside braces: '\(Character(Unicode.Scalar(b[i])))'" : "unexpected end of input inside braces")
                }
                skipSpace()
                var op: MatchType
                if i + 1 < b.count && b[i] == UInt8(ascii: "=") && b[i + 1] == UInt8(ascii: "~") { op = .regexMatch; i += 2 }
                else if i + 1 < b.count && b[i] == UInt8(ascii: "!") && b[i + 1] == UInt8(ascii: "=") { op = .notEqual; i += 2 }
                else if i + 1 < b.count && b[i] == UInt8(ascii: "!") && b[i + 1] == UInt8(ascii: "~") { op = .regexNoMatch; i += 2 }
                else if i < b.count && b[i] == UInt8(ascii: "=") { op = .equal; i += 1 }
                else { throw ParseError(position: i, message: "unexpected character after label name \"\(lname)\"") }
                skipSpace()
                let value = try string()
                do {
                    matchers.append(try LabelMatcher(op, lname, value))
                } catch {
                    throw ParseError(position: i, message: "\(error)")
                }
                skipSpace()
                if i < b.count && b[i] == UInt8(ascii: ",") { i += 1; continue }
                if i < b.count && b[i] == UInt8(ascii: "}") { i += 1; break }
                if i >= b.count { throw ParseError(position: i, message: "unexpected end of input inside braces") }
                throw ParseError(position: i, message: "unexpected character inside braces, expected \",\" or \"}\"")
            }
        }
        skipSpace()
        if i != b.count { throw ParseError(position: i, message: "unexpected character: '\(Character(Unicode.Scalar(b[i])))'") }
        if matchers.isEmpty { throw ParseError(position: 0, message: "unexpected end of input") }
        if matchers.allSatisfy({ $0.matchesEmpty }) {
            throw ParseError(position: 0, message: "vector selector must contain at least one non-empty matcher")
        }
        return matchers

        func string() throws(ParseError) -> String {
            guard i < b.count, b[i] == 0x22 || b[i] == 0x27 || b[i] == 0x60 else {
                throw ParseError(position: i, message: "unexpected character, expected string")
            }
            let q = b[i]
            i += 1
            var out: [UInt8] = []
            while i < b.count && b[i] != q {
                if b[i] == 0x5C && q != 0x60 && i + 1 < b.count {
                    i += 1
                    switch b[i] {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    default: out.append(b[i])
                    }
                } else {
                    out.append(b[i])
                }
                i += 1
            }
            guard i < b.count else { throw ParseError(position: i, message: "unterminated quoted string") }
            i += 1
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Parses each `match[]` value, mapping errors to `bad_data` as Prometheus does.
    public static func parseAll(_ values: [String]) throws(APIError) -> [[LabelMatcher]] {
        var out: [[LabelMatcher]] = []
        for v in values {
            do { out.append(try parse(v)) } catch { throw APIError.badData("invalid parameter \"match[]\": \(error)") }
        }
        return out
    }
}
