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
    public static func formatG(_ v: Double) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(24)
        appendG(v, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public static func formatF(_ v: Double) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(24)
        appendF(v, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `formatG(v)`'s bytes without building a String (exposition writers' hot path).
    public static func appendG(_ v: Double, to out: inout [UInt8]) {
        if appendSpecial(v, &out) { return }
        if v < 0 { out.append(UInt8(ascii: "-")) }
        let a = Swift.abs(v)
        if a < 1e6, a.rounded(.towardZero) == a {  // integers below 10^6 print as digits
            appendUInt(UInt64(a), &out)
            return
        }
        withShortestDigits(a) { digits, dp in
            let exp = dp - 1
            if exp < -4 || exp >= 6 { appendExp(digits, dp, &out) } else { appendFixed(digits, dp, &out) }
        }
    }

    /// Appends a sample value as Prometheus's JSON API writes it (`jsonutil.MarshalFloat`,
    /// without the quotes): Go's 'f' format, but 'e' below 1e-6 and from 1e21 up.
    public static func appendJSONValue(_ v: Double, to out: inout [UInt8]) {
        let a = Swift.abs(v)
        if a != 0 && a.isFinite && (a < 1e-6 || a >= 1e21) {
            if v < 0 { out.append(UInt8(ascii: "-")) }
            withShortestDigits(a) { digits, dp in appendExp(digits, dp, &out) }
            return
        }
        appendF(v, to: &out)
    }

    /// Go's %e with shortest digits: d.ddddde±XX.
    @inline(__always)
    static func appendExp(_ digits: UnsafeBufferPointer<UInt8>, _ dp: Int, _ out: inout [UInt8]) {
        let exp = dp - 1
        out.append(digits[0] + 48)
        if digits.count > 1 {
            out.append(UInt8(ascii: "."))
            for d in digits[1...] { out.append(d + 48) }
        }
        out.append(UInt8(ascii: "e"))
        out.append(exp < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        let ae = Swift.abs(exp)
        if ae < 10 { out.append(UInt8(ascii: "0")) }
        appendUInt(UInt64(ae), &out)
    }

    /// Appends `formatF(v)`'s bytes without building a String (JSON writers' hot path).
    public static func appendF(_ v: Double, to out: inout [UInt8]) {
        if appendSpecial(v, &out) { return }
        if v < 0 { out.append(UInt8(ascii: "-")) }
        let a = Swift.abs(v)
        if a < 9e15, a.rounded(.towardZero) == a {  // exact integers print as their digits
            appendUInt(UInt64(a), &out)
            return
        }
        withShortestDigits(a) { digits, dp in appendFixed(digits, dp, &out) }
    }

    /// NaN, ±Inf and ±0, as Go prints them; false for any other value.
    @inline(__always)
    static func appendSpecial(_ v: Double, _ out: inout [UInt8]) -> Bool {
        if v.isNaN { out.append(contentsOf: [78, 97, 78]); return true }                // NaN
        if v.isInfinite { out.append(contentsOf: v > 0 ? [43, 73, 110, 102] : [45, 73, 110, 102]); return true }  // ±Inf
        if v == 0 {
            if v.sign == .minus { out.append(UInt8(ascii: "-")) }
            out.append(UInt8(ascii: "0"))
            return true
        }
        return false
    }

    /// Decimal digits of `v`.
    @inline(__always)
    public static func appendUInt(_ v: UInt64, _ out: inout [UInt8]) {
        if v < 10 { out.append(UInt8(truncatingIfNeeded: v) + 48); return }
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: enough for 20 digits
        var n = 0
        var x = v
        withUnsafeMutableBytes(of: &tmp) { b in
            while x > 0 {
                b[23 - n] = UInt8(truncatingIfNeeded: x % 10) + 48
                x /= 10
                n += 1
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[(24 - n)...]))
        }
    }

    /// The shortest round-trip digits of a finite, positive `a` (values 0…9) and the decimal
    /// point position `dp` (a = 0.d1d2… × 10^dp), passed to `body` from a stack buffer.
    @inline(__always)
    static func withShortestDigits<R>(_ a: Double, _ body: (UnsafeBufferPointer<UInt8>, Int) -> R) -> R {
        // Swift's description is the shortest round-trip representation; normalise it.
        var desc = a.description
        return desc.withUTF8 { s in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buf in
                var n = 0, dp = 0, exp = 0
                var seenPoint = false
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
                    } else if n < 32 {
                        buf[n] = c - 48
                        n += 1
                        if !seenPoint { dp += 1 }
                    }
                    i += 1
                }
                var lead = 0
                while lead < n - 1 && buf[lead] == 0 { lead += 1; dp -= 1 }
                while n - lead > 1 && buf[n - 1] == 0 { n -= 1 }
                return body(UnsafeBufferPointer(rebasing: buf[lead..<n]), dp + exp)
            }
        }
    }

    /// Shortest digits (values 0…9) and point position, as an array (tests and slow paths).
    static func shortestDigits(_ v: Double) -> (digits: [UInt8], dp: Int) {
        withShortestDigits(Swift.abs(v)) { d, dp in (Array(d), dp) }
    }

    @inline(__always)
    static func appendFixed(_ digits: UnsafeBufferPointer<UInt8>, _ dp: Int, _ out: inout [UInt8]) {
        if dp <= 0 {
            out.append(UInt8(ascii: "0"))
            out.append(UInt8(ascii: "."))
            for _ in 0..<(-dp) { out.append(UInt8(ascii: "0")) }
            for d in digits { out.append(d + 48) }
            return
        }
        for i in 0..<Swift.max(dp, digits.count) {
            if i == dp { out.append(UInt8(ascii: ".")) }
            out.append((i < digits.count ? digits[i] : 0) + 48)
        }
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
