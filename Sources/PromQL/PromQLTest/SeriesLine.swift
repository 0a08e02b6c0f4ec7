import MetricModel

/// Parses `metric{l="v", …} values…` (Prometheus `parser.ParseSeriesDesc`).
func parseSeriesLine(_ line: String, line no: Int) throws -> (Labels, [SequenceValue]) {
    let chars = Array(line.unicodeScalars)
    var i = 0
    var pairs: [(String, String)] = []
    func isIdent(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_" || c == ":"
    }
    func skipSpace() { while i < chars.count && (chars[i] == " " || chars[i] == "\t") { i += 1 } }
    func readQuoted() throws -> String {
        let q = chars[i]
        var j = i + 1
        var raw = String(q)
        while j < chars.count && chars[j] != q {
            if chars[j] == "\\" && q != "`" && j + 1 < chars.count { raw.unicodeScalars.append(chars[j]); j += 1 }
            raw.unicodeScalars.append(chars[j])
            j += 1
        }
        guard j < chars.count else { throw ScriptError(line: no, message: "unterminated string in series") }
        raw.unicodeScalars.append(q)
        i = j + 1
        guard let s = goUnquote(raw) else { throw ScriptError(line: no, message: "bad string \(raw)") }
        return s
    }
    var name = ""
    while i < chars.count && isIdent(chars[i]) { name.unicodeScalars.append(chars[i]); i += 1 }
    if !name.isEmpty { pairs.append((LabelName.metricName, name)) }
    if i < chars.count && chars[i] == "{" {
        i += 1
        while true {
            skipSpace()
            guard i < chars.count else { throw ScriptError(line: no, message: "unterminated label set") }
            if chars[i] == "}" { i += 1; break }
            var lname = ""
            if chars[i] == "\"" || chars[i] == "'" || chars[i] == "`" {
                lname = try readQuoted()
            } else {
                while i < chars.count && isIdent(chars[i]) { lname.unicodeScalars.append(chars[i]); i += 1 }
            }
            skipSpace()
            if i < chars.count && (chars[i] == "," || chars[i] == "}") {
                // A bare quoted string is the metric name.
                pairs.append((LabelName.metricName, lname))
            } else {
                guard i < chars.count, chars[i] == "=" else { throw ScriptError(line: no, message: "expected = in label set") }
                i += 1
                skipSpace()
                guard i < chars.count, chars[i] == "\"" || chars[i] == "'" || chars[i] == "`" else {
                    throw ScriptError(line: no, message: "expected quoted label value")
                }
                pairs.append((lname, try readQuoted()))
            }
            skipSpace()
            if i < chars.count && chars[i] == "," { i += 1 }
        }
    }
    if pairs.isEmpty && name.isEmpty && (i == 0) { throw ScriptError(line: no, message: "invalid series line \"\(line)\"") }
    var rest = String(String.UnicodeScalarView(chars[i...]))
    rest = rest.trimmingWhitespace()
    return (Labels(pairs), try parseValues(rest, line: no))
}

/// Parses the values part: `1 2 _ stale 0+10x10 _x3 {{…}}`.
func parseValues(_ s: String, line no: Int) throws -> [SequenceValue] {
    var out: [SequenceValue] = []
    var tokens: [String] = []
    // Tokenize on whitespace, keeping `{{ … }}` (with spaces inside) together.
    var cur = ""
    var depth = 0
    for ch in s {
        if ch == "{" { depth += 1 }
        if ch == "}" { depth -= 1 }
        if (ch == " " || ch == "\t") && depth == 0 {
            if !cur.isEmpty { tokens.append(cur); cur = "" }
        } else {
            cur.append(ch)
        }
    }
    if !cur.isEmpty { tokens.append(cur) }
    for tok in tokens {
        if tok.contains("{{") {
            // Histogram literal, possibly with x<n> repetition.
            var n = 0
            if let r = tok.range(of: "}}x", options: .backwards), let k = Int(tok[r.upperBound...]) { n = k }
            for _ in 0...n { out.append(SequenceValue(histogram: true)) }
            continue
        }
        if tok == "_" { out.append(SequenceValue(omitted: true)); continue }
        if tok.hasPrefix("_x") {
            guard let n = Int(tok.dropFirst(2)) else { throw ScriptError(line: no, message: "bad value \(tok)") }
            for _ in 0..<n { out.append(SequenceValue(omitted: true)) }
            continue
        }
        if tok == "stale" { out.append(SequenceValue(value: StaleNaN.value)); continue }
        guard let (base, rest) = scanNumber(Substring(tok)) else { throw ScriptError(line: no, message: "bad value \(tok)") }
        if rest.isEmpty { out.append(SequenceValue(value: base)); continue }
        if rest.first == "x" {
            guard let n = Int(rest.dropFirst()) else { throw ScriptError(line: no, message: "bad value \(tok)") }
            for _ in 0...n { out.append(SequenceValue(value: base)) }
            continue
        }
        guard let (delta, rest2) = scanNumber(rest), rest2.first == "x", let n = Int(rest2.dropFirst()) else {
            throw ScriptError(line: no, message: "bad value \(tok)")
        }
        var v = base
        for _ in 0...n { out.append(SequenceValue(value: v)); v += delta }
    }
    return out
}

/// Scans a (signed) number at the start: decimal, hex, Inf, NaN.
func scanNumber(_ s: Substring) -> (Double, Substring)? {
    var i = s.startIndex
    var sign = 1.0
    var hadSign = false
    if i < s.endIndex && (s[i] == "+" || s[i] == "-") { sign = s[i] == "-" ? -1 : 1; i = s.index(after: i); hadSign = true }
    let body = s[i...]
    for (word, v) in [("Inf", Double.infinity), ("inf", Double.infinity), ("NaN", Double.nan), ("nan", Double.nan)] where body.hasPrefix(word) {
        return (sign * v, body.dropFirst(word.count))
    }
    _ = hadSign
    // No hex here: in series values `0x10` means "0 repeated 10 times".
    var j = body.startIndex
    var sawDigit = false
    while j < body.endIndex && (body[j].isASCII && body[j].isNumber) { j = body.index(after: j); sawDigit = true }
    if j < body.endIndex && body[j] == "." {
        j = body.index(after: j)
        while j < body.endIndex && (body[j].isASCII && body[j].isNumber) { j = body.index(after: j); sawDigit = true }
    }
    if !sawDigit { return nil }
    if j < body.endIndex && (body[j] == "e" || body[j] == "E") {
        var k = body.index(after: j)
        if k < body.endIndex && (body[k] == "+" || body[k] == "-") { k = body.index(after: k) }
        let expStart = k
        while k < body.endIndex && (body[k].isASCII && body[k].isNumber) { k = body.index(after: k) }
        if k > expStart { j = k }
    }
    guard let v = Double(body[body.startIndex..<j]) else { return nil }
    return (sign * v, body[j...])
}

/// A line that is just a number (a scalar expectation), as Prometheus's `parseNumber`.
func parseSeriesNumber(_ l: String) -> Double? {
    guard let (v, rest) = scanNumber(Substring(l)), rest.isEmpty else { return nil }
    return v
}

/// Go's strconv.Unquote for "…", '…' and `…` strings.
func goUnquote(_ s: String) -> String? {
    let u = Array(s.unicodeScalars)
    guard u.count >= 2, let q = u.first, q == u.last, q == "\"" || q == "'" || q == "`" else { return nil }
    let body = u[1..<(u.count - 1)]
    if q == "`" { return String(String.UnicodeScalarView(body)) }
    var out = String.UnicodeScalarView()
    var i = body.startIndex
    while i < body.endIndex {
        let c = body[i]
        if c != "\\" { out.append(c); i += 1; continue }
        i += 1
        guard i < body.endIndex else { return nil }
        let e = body[i]
        i += 1
        switch e {
        case "n": out.append("\n")
        case "t": out.append("\t")
        case "r": out.append("\r")
        case "a": out.append("\u{07}")
        case "b": out.append("\u{08}")
        case "f": out.append("\u{0C}")
        case "v": out.append("\u{0B}")
        case "\\": out.append("\\")
        case "\"": out.append("\"")
        case "'": out.append("'")
        case "x", "u", "U":
            let n = e == "x" ? 2 : (e == "u" ? 4 : 8)
            guard body.distance(from: i, to: body.endIndex) >= n else { return nil }
            let hex = String(String.UnicodeScalarView(body[i..<body.index(i, offsetBy: n)]))
            guard let v = UInt32(hex, radix: 16), let sc = Unicode.Scalar(v) else { return nil }
            out.append(sc)
            i = body.index(i, offsetBy: n)
        default:
            if e >= "0" && e <= "7" {
                guard body.distance(from: i, to: body.endIndex) >= 2 else { return nil }
                let oct = String(String.UnicodeScalarView(body[body.index(before: i)..<body.index(i, offsetBy: 2)]))
                guard let v = UInt32(oct, radix: 8), let sc = Unicode.Scalar(v) else { return nil }
                out.append(sc)
                i = body.index(i, offsetBy: 2)
            } else {
                return nil
            }
        }
    }
    return String(out)
}
