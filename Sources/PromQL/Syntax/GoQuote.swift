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
    static func quote(_ s: String, escapeReplacement: Bool = false) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            if escapeReplacement && u.value == 0xFFFD { out += "\\ufffd"; continue }
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
