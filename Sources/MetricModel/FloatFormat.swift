#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Float formatting and parsing as Prometheus (Go's strconv) does it.
///
/// - `formatG`: `strconv.FormatFloat(v, 'g', -1, 64)` — the text exposition format and most
///   human output (`1e+06`, `123456`, `1.5e-05`, `+Inf`, `-Inf`, `NaN`).
/// - `formatF`: `strconv.FormatFloat(v, 'f', -1, 64)` — sample values in the HTTP API's JSON
///   (`1000000`, `0.00001`, `+Inf`, `-Inf`, `NaN`).
/// Both print the shortest digits that round-trip, as Go does.
public enum PromFloat {
    /// Shortest round-trip decimal digits of |v| and the decimal exponent `dp` such that
    /// v = 0.d1d2d3… × 10^dp. `v` must be finite and non-zero.
    @usableFromInline
    static func shortestDigits(_ v: Double) -> (digits: [UInt8], dp: Int) {
        // Swift's description is the shortest round-trip representation; normalise it.
        let s = Array(abs(v).description.utf8)
        var digits: [UInt8] = []
        digits.reserveCapacity(17)
        var dp = 0
        var seenPoint = false
        var exp = 0
        var i = 0
        while i < s.count {
            let c = s[i]
            if c == UInt8(ascii: ".") {
                seenPoint = true
            } else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                var j = i + 1
                var neg = false
                if j < s.count && (s[j] == UInt8(ascii: "-") || s[j] == UInt8(ascii: "+")) {
                    neg = s[j] == UInt8(ascii: "-")
                    j += 1
                }
                var e = 0
                while j < s.count { e = e * 10 + Int(s[j] - 48); j += 1 }
                exp = neg ? -e : e
                break
            } else {
                digits.append(c - 48)
                if !seenPoint { dp += 1 }
            }
            i += 1
        }
        // strip leading zeros
        var lead = 0
        while lead < digits.count - 1 && digits[lead] == 0 { lead += 1; dp -= 1 }
        digits.removeFirst(lead)
        while digits.count > 1 && digits.last == 0 { digits.removeLast() }
        if digits == [0] { return ([0], 0) }
        return (digits, dp + exp)
    }

    public static func formatG(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        if v == 0 { return v.sign == .minus ? "-0" : "0" }
        let (digits, dp) = shortestDigits(v)
        var out = v < 0 ? "-" : ""
        let exp = dp - 1
        if exp < -4 || exp >= 6 {
            // %e: d.ddddde±XX
            out.append(Character(Unicode.Scalar(digits[0] + 48)))
            if digits.count > 1 {
                out.append(".")
                for d in digits.dropFirst() { out.append(Character(Unicode.Scalar(d + 48))) }
            }
            out.append("e")
            out.append(exp < 0 ? "-" : "+")
            let ae = abs(exp)
            if ae < 10 { out.append("0") }
            out.append(String(ae))
            return out
        }
        return out + fixed(digits, dp)
    }

    public static func formatF(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        if v == 0 { return v.sign == .minus ? "-0" : "0" }
        let (digits, dp) = shortestDigits(v)
        return (v < 0 ? "-" : "") + fixed(digits, dp)
    }

    static func fixed(_ digits: [UInt8], _ dp: Int) -> String {
        var out = ""
        if dp <= 0 {
            out += "0."
            for _ in 0..<(-dp) { out += "0" }
            for d in digits { out.append(Character(Unicode.Scalar(d + 48))) }
            return out
        }
        for i in 0..<max(dp, digits.count) {
            if i == dp { out += "." }
            out.append(Character(Unicode.Scalar((i < digits.count ? digits[i] : 0) + 48)))
        }
        return out
    }

    /// Parses a float as Go's `strconv.ParseFloat` does for Prometheus's inputs: decimal and
    /// exponent forms, `Inf`/`+Inf`/`-Inf`/`NaN`/`infinity` in any case, hex floats.
    /// Returns nil on anything else (including empty input and trailing garbage).
    public static func parse(_ s: String) -> Double? {
        var s = s
        return s.withUTF8 { (p: UnsafeBufferPointer<UInt8>) -> Double? in PromFloat.parse(p) }
    }

    public static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        let n = b.count
        if n == 0 || n > 400 { return nil }
        // Fast path: [-+]?digits[.digits]? with ≤ 15 significant digits and no exponent.
        var i = 0
        var neg = false
        if b[0] == UInt8(ascii: "-") { neg = true; i = 1 } else if b[0] == UInt8(ascii: "+") { i = 1 }
        var mant: UInt64 = 0
        var digits = 0
        var frac = 0
        var sawPoint = false
        var sawDigit = false
        var simple = true
        while i < n {
            let c = b[i]
            if c >= 48 && c <= 57 {
                sawDigit = true
                if digits < 15 {
                    mant = mant * 10 + UInt64(c - 48)
                    if mant > 0 { digits += 1 }
                    if sawPoint { frac += 1 }
                } else { simple = false; break }
            } else if c == UInt8(ascii: ".") && !sawPoint {
                sawPoint = true
            } else { simple = false; break }
            i += 1
        }
        if simple && sawDigit && frac <= 22 {
            var v = Double(mant)
            if frac > 0 { v /= pow10[frac] }
            return neg ? -v : v
        }
        return slowParse(b)
    }

    private static let pow10: [Double] = (0...22).map { e in var x = 1.0; for _ in 0..<e { x *= 10 }; return x }

    private static func slowParse(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        // Specials, case-insensitive.
        var lower = [UInt8](b)
        for k in 0..<lower.count where lower[k] >= 65 && lower[k] <= 90 { lower[k] += 32 }
        var body = lower[...]
        var sign = 1.0
        if let f = body.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") {
            if f == UInt8(ascii: "-") { sign = -1 }
            body = body.dropFirst()
        }
        let word = String(decoding: body, as: UTF8.self)
        if word == "inf" || word == "infinity" { return sign * .infinity }
        if word == "nan" { return .nan }
        // Validate charset: digits, '.', 'e', sign after e, hex forms (0x…p…), underscores (Go allows
        // them only with a base prefix; refuse them otherwise).
        for c in lower {
            let ok = (c >= 48 && c <= 57) || c == 46 || c == 101 || c == 43 || c == 45 || c == 120 || c == 112 || (c >= 97 && c <= 102)
            if !ok { return nil }
        }
        var cstr = lower
        cstr.append(0)
        return cstr.withUnsafeBufferPointer { p -> Double? in
            var end: UnsafeMutablePointer<CChar>? = nil
            let base = UnsafeRawPointer(p.baseAddress!).assumingMemoryBound(to: CChar.self)
            let v = strtod(base, &end)
            guard let e = end, e - UnsafeMutablePointer(mutating: base) == lower.count else { return nil }
            return v
        }
    }
}
