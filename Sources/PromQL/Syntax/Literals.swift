import MetricModel

// Literal values: string unquoting (Prometheus util/strutil.Unquote), number parsing (parse.go
// `number`: strconv.ParseInt base 0, then ParseFloat), and durations (prometheus/common
// model.ParseDuration and Duration.String).

enum Literals {
    struct SyntaxError: Error {}

    /// Unquotes a lexed string token ("…", '…' or `…`). Escapes producing bytes that are not
    /// valid UTF-8 (`\xff`) become U+FFFD plus a private-use marker (see `PromQLString`),
    /// as Swift strings hold only valid UTF-8.
    static func unquote(_ b: ArraySlice<UInt8>) throws(SyntaxError) -> String {
        guard b.count >= 2, let q = b.first, q == b.last else { throw SyntaxError() }
        let s = b.dropFirst().dropLast()
        if q == UInt8(ascii: "`") {
            if s.contains(q) { throw SyntaxError() }
            return String(decoding: s, as: UTF8.self)
        }
        guard q == UInt8(ascii: "\"") || q == UInt8(ascii: "'") else { throw SyntaxError() }
        if s.contains(0x0A) { throw SyntaxError() }
        if !s.contains(0x5C) && !s.contains(q) { return String(decoding: s, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = s.startIndex
        func hexv(_ c: UInt8) -> UInt32? {
            switch c {
            case 0x30...0x39: return UInt32(c - 0x30)
            case 0x61...0x66: return UInt32(c - 0x61 + 10)
            case 0x41...0x46: return UInt32(c - 0x41 + 10)
            default: return nil
            }
        }
        while i < s.endIndex {
            let c = s[i]
            if c == q { throw SyntaxError() }
            if c != 0x5C { out.append(c); i += 1; continue }
            guard i + 1 < s.endIndex else { throw SyntaxError() }
            let e = s[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "a"): out.append(7)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "v"): out.append(11)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                let n = e == UInt8(ascii: "x") ? 2 : e == UInt8(ascii: "u") ? 4 : 8
                guard i + n <= s.endIndex else { throw SyntaxError() }
                var v: UInt32 = 0
                for j in 0..<n {
                    guard let x = hexv(s[i + j]) else { throw SyntaxError() }
                    v = v << 4 | x
                }
                i += n
                if e == UInt8(ascii: "x") {
                    out.append(UInt8(v))
                } else {
                    guard let u = Unicode.Scalar(v) else { throw SyntaxError() }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                }
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var v = UInt32(e - 0x30)
                guard i + 2 <= s.endIndex else { throw SyntaxError() }
                for j in 0..<2 {
                    let d = s[i + j]
                    guard d >= 0x30 && d <= 0x37 else { throw SyntaxError() }
                    v = v << 3 | UInt32(d - 0x30)
                }
                i += 2
                guard v <= 255 else { throw SyntaxError() }
                out.append(UInt8(v))
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                guard e == q else { throw SyntaxError() }
                out.append(e)
            default:
                throw SyntaxError()
            }
        }
        return PromQLString.decode(out)
    }

    /// parse.go `number`: integer with Go base prefixes first (0x, 0o, 0b, leading 0 = octal),
    /// else a float (incl. Inf/NaN). Returns nil with Go's error text on failure.
    static func parseNumber(_ text: String) -> (Double?, String) {
        if let i = parseInt(text) { return (Double(i), "") }
        let t = text.replacingUnderscores()
        let lower = t.lowercased()
        var body = Substring(lower)
        var sign = 1.0
        if body.hasPrefix("+") { body = body.dropFirst() } else if body.hasPrefix("-") { body = body.dropFirst(); sign = -1 }
        if body == "inf" || body == "infinity" { return (sign * .infinity, "") }
        if body == "nan" { return (.nan, "") }
        if let d = Double(t), body.first.map({ $0.isNumber || $0 == "." }) == true {
            if d.isInfinite {
                return (nil, "strconv.ParseFloat: parsing \(GoQuote.quote(text)): value out of range")
            }
            return (d, "")
        }
        return (nil, "strconv.ParseFloat: parsing \(GoQuote.quote(text)): invalid syntax")
    }

    private static func parseInt(_ text: String) -> Int64? {
        var s = Substring(text)
        var neg = false
        if s.hasPrefix("+") { s = s.dropFirst() } else if s.hasPrefix("-") { s = s.dropFirst(); neg = true }
        var radix = 10
        let l = s.lowercased()
        if l.hasPrefix("0x") { radix = 16; s = s.dropFirst(2) }
        else if l.hasPrefix("0o") { radix = 8; s = s.dropFirst(2) }
        else if l.hasPrefix("0b") { radix = 2; s = s.dropFirst(2) }
        else if l.hasPrefix("0") && l.count > 1 { radix = 8; s = s.dropFirst(1) }
        let digits = String(s).replacingUnderscores()
        guard !digits.isEmpty, let v = UInt64(digits, radix: radix) else { return nil }
        if neg { return v <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- v) : nil }
        return v <= UInt64(Int64.max) ? Int64(v) : nil
    }

    // MARK: durations

    private static let units: [(String, Int, UInt64)] = [
        ("ms", 7, 1_000_000), ("s", 6, 1_000_000_000), ("m", 5, 60_000_000_000), ("h", 4, 3_600_000_000_000),
        ("d", 3, 86_400_000_000_000), ("w", 2, 604_800_000_000_000), ("y", 1, 31_536_000_000_000_000),
    ]

    /// model.ParseDuration: nanoseconds, or Prometheus's error message.
    static func parseDurationNanos(_ s: String) -> Result<Int64, DurationError> {
        if s == "0" { return .success(0) }
        if s.isEmpty { return .failure(DurationError("empty duration string")) }
        let b = Array(s.utf8)
        var i = 0
        var dur: UInt64 = 0
        var lastUnitPos = 0
        let invalid = DurationError("not a valid duration string: \(GoQuote.quote(s))")
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        while i < b.count {
            guard isDigit(b[i]) else { return .failure(invalid) }
            let ds = i
            while i < b.count && isDigit(b[i]) { i += 1 }
            guard let v = UInt64(String(decoding: b[ds..<i], as: UTF8.self)) else { return .failure(invalid) }
            let us = i
            while i < b.count && !isDigit(b[i]) { i += 1 }
            if i == us { return .failure(invalid) }
            let u = String(decoding: b[us..<i], as: UTF8.self)
            guard let unit = units.first(where: { $0.0 == u }) else {
                return .failure(DurationError("unknown unit \(GoQuote.quote(u)) in duration \(GoQuote.quote(s))"))
            }
            if unit.1 <= lastUnitPos { return .failure(invalid) }
            lastUnitPos = unit.1
            if v > (UInt64(1) << 63) / unit.2 { return .failure(DurationError("duration out of range")) }
            dur &+= v * unit.2
            if dur > UInt64(Int64.max) { return .failure(DurationError("duration out of range")) }
        }
        return .success(Int64(dur))
    }

    /// A duration parse failure with Prometheus's message.
    struct DurationError: Error {
        var message: String
        init(_ m: String) { message = m }
    }

    /// model.Duration(ms).String(): `1h30m`, `5m`, `0s`, `-1m`, years/weeks only when exact.
    static func formatDuration(milliseconds: Int64) -> String {
        var ms = milliseconds
        if ms == 0 { return "0s" }
        var sign = ""
        if ms < 0 { sign = "-"; ms = -ms }
        var r = ""
        func f(_ unit: String, _ mult: Int64, _ exact: Bool) {
            if exact && ms % mult != 0 { return }
            let v = ms / mult
            if v > 0 {
                r += "\(v)\(unit)"
                ms -= v * mult
            }
        }
        f("y", 1000 * 60 * 60 * 24 * 365, true)
        f("w", 1000 * 60 * 60 * 24 * 7, true)
        f("d", 1000 * 60 * 60 * 24, false)
        f("h", 1000 * 60 * 60, false)
        f("m", 1000 * 60, false)
        f("s", 1000, false)
        f("ms", 1, false)
        return sign + r
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        contains("_") ? String(filter { $0 != "_" }) : self
    }
}
