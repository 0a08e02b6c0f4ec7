// Go's strconv quoting (Quote, QuoteRune, %#U), which Prometheus uses in error messages and in
// the printer; reproduced so our messages and format_query output match byte for byte.

enum GoQuote {
    /// Go's `unicode.IsPrint`, approximated with Unicode general categories.
    static func isPrint(_ v: UInt32) -> Bool {
        if v == 0x20 { return true }
        if v < 0x20 || v == 0x7F { return false }
        if v < 0x7F { return true }
        guard let s = Unicode.Scalar(v) else { return false }
        switch s.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator,
             .spaceSeparator:
            return false
        default:
            return true
        }
    }

    private static let hex: [Character] = Array("0123456789abcdef")

    private static func appendEscaped(_ v: UInt32, quote: UInt32, into out: inout String) {
        if v == quote || v == 0x5C {
            out.append("\\")
            out.unicodeScalars.append(Unicode.Scalar(v)!)
            return
        }
        if isPrint(v) {
            out.unicodeScalars.append(Unicode.Scalar(v)!)
            return
        }
        switch v {
        case 0x07: out += "\\a"
        case 0x08: out += "\\b"
        case 0x0C: out += "\\f"
        case 0x0A: out += "\\n"
        case 0x0D: out += "\\r"
        case 0x09: out += "\\t"
        case 0x0B: out += "\\v"
        default:
            if v < 0x20 || v == 0x7F {
                out += "\\x"
                out.append(hex[Int(v >> 4)])
                out.append(hex[Int(v & 0xF)])
            } else if v < 0x10000 {
                out += "\\u"
                for shift in stride(from: 12, through: 0, by: -4) { out.append(hex[Int((v >> UInt32(shift)) & 0xF)]) }
            } else {
                out += "\\U"
                for shift in stride(from: 28, through: 0, by: -4) { out.append(hex[Int((v >> UInt32(shift)) & 0xF)]) }
            }
        }
    }

    /// `strconv.Quote` / `%q` of a string.
    static func quote(_ s: String) -> String {
        var out = "\""
        let scalars = Array(s.unicodeScalars)
        for (i, u) in scalars.enumerated() {
            if u.value == 0xFFFD, i + 1 < scalars.count, PromQLString.isRawByte(scalars[i + 1]) { continue }
            if PromQLString.isRawByte(u) {
                out += "\\x"
                out.append(hex[Int((u.value >> 4) & 0xF)])
                out.append(hex[Int(u.value & 0xF)])
                continue
            }
            appendEscaped(u.value, quote: 0x22, into: &out)
        }
        out += "\""
        return out
    }

    /// `%.Nq`: the first `n` runes, quoted.
    static func quote(_ s: String, maxRunes n: Int) -> String {
        var t = String.UnicodeScalarView()
        for (i, u) in s.unicodeScalars.enumerated() where i < n { t.append(u) }
        return quote(String(t))
    }

    /// `%q` of a rune; -1 (end of input) prints like Go's, as the replacement character.
    static func quoteRune(_ r: Int32) -> String {
        let v: UInt32 = (r < 0 || Unicode.Scalar(UInt32(r)) == nil) ? 0xFFFD : UInt32(r)
        var out = "'"
        appendEscaped(v, quote: 0x27, into: &out)
        out += "'"
        return out
    }

    /// `%#U` of a rune: `U+0063 'c'`.
    static func unicodeForm(_ r: Int32) -> String {
        if r < 0 { return "U+FFFFFFFFFFFFFFFF" }
        let v = UInt32(r)
        var digits = String(v, radix: 16, uppercase: true)
        while digits.count < 4 { digits = "0" + digits }
        if isPrint(v), let s = Unicode.Scalar(v) { return "U+\(digits) '\(Character(s))'" }
        return "U+\(digits)"
    }
}

/// Strings from PromQL literals may hold bytes that are not UTF-8 (`"\xff"`), which Prometheus
/// (Go strings) keeps as raw bytes. Swift strings cannot, so each such byte b (0x80…0xFF) is
/// carried as U+FFFD (what Go's JSON output shows for it) followed by the private-use marker
/// U+F700 + b. This type converts and checks them, so callers can reproduce Prometheus's
/// behaviour (`invalid label name "a\xc5z"`).
public enum PromQLString {
    /// Whether the scalar is a raw-byte marker.
    public static func isRawByte(_ u: Unicode.Scalar) -> Bool { u.value >= 0xF780 && u.value <= 0xF7FF }

    /// Whether the string is valid UTF-8 in Prometheus's sense (holds no raw bytes).
    public static func isValidUTF8(_ s: String) -> Bool { !s.unicodeScalars.contains(where: isRawByte) }

    /// The bytes Prometheus would hold for this string.
    public static func bytes(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        let scalars = Array(s.unicodeScalars)
        for (i, u) in scalars.enumerated() {
            if u.value == 0xFFFD, i + 1 < scalars.count, isRawByte(scalars[i + 1]) { continue }
            if isRawByte(u) { out.append(UInt8(u.value - 0xF700)) } else { out.append(contentsOf: Array(String(u).utf8)) }
        }
        return out
    }

    /// The string as Go's JSON encoder would write it: raw bytes become U+FFFD (markers dropped).
    public static func lossy(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isRawByte) else { return s }
        var v = String.UnicodeScalarView()
        for u in s.unicodeScalars where !isRawByte(u) { v.append(u) }
        return String(v)
    }

    /// Go's `%q` (strconv.Quote) of the string, raw bytes as `\xNN`.
    public static func quote(_ s: String) -> String { GoQuote.quote(s) }

    /// Decodes bytes, mapping every byte that is not part of valid UTF-8 to U+FFFD, U+F700 + byte.
    static func decode(_ b: [UInt8]) -> String {
        var scalars = String.UnicodeScalarView()
        var i = 0
        while i < b.count {
            let c = b[i]
            if c < 0x80 { scalars.append(Unicode.Scalar(c)); i += 1; continue }
            let n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? (c <= 0xEF ? 3 : 0) : c >= 0xC2 ? 2 : 0
            if n > 0 && i + n <= b.count, let str = String(validating: b[i..<i + n], as: UTF8.self),
               let u = str.unicodeScalars.first, str.unicodeScalars.count == 1 {
                scalars.append(u)
                i += n
                continue
            }
            scalars.append(Unicode.Scalar(0xFFFD)!)
            scalars.append(Unicode.Scalar(0xF700 + UInt32(c))!)
            i += 1
        }
        return String(scalars)
    }
}
