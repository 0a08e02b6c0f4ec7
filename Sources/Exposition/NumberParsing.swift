#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Number parsing over bytes with Go's `strconv` semantics, as Prometheus's parsers use it:
/// `parseFloat` refuses `p`, `P` and `_` ("unsupported character in float"), then behaves as
/// `strconv.ParseFloat(s, 64)`: decimal and exponent forms, `Inf`/`Infinity` with an optional
/// sign and `NaN` without one (any case); out-of-range values are an error, underflow is 0.
enum NumberParsing {
    enum FloatResult {
        case ok(Double)
        case syntax
        case range
        case unsupported
    }

    private static let pow10: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Parses `b[start..<end]`.
    @inline(__always)
    static func parseFloat(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> FloatResult {
        // Fast path (Clinger): [+-]?digits[.digits]?([eE][+-]?digits)? with ≤ 19 significant
        // digits, mantissa ≤ 2^53 and |exponent| ≤ 22 — exact with one multiply or divide.
        var i = start
        if i >= end { return .syntax }
        var neg = false
        let c0 = b[i]
        if c0 == 0x2D { neg = true; i += 1 } else if c0 == 0x2B { i += 1 }
        var mant: UInt64 = 0
        var sig = 0
        var sawDigit = false
        var fracDigits = 0
        var sawPoint = false
        while i < end {
            let c = b[i]
            let d = c &- 0x30
            if d < 10 {
                sawDigit = true
                if mant != 0 || d != 0 {
                    if sig >= 19 { return slowFloat(b, start, end) }
                    mant = mant &* 10 &+ UInt64(d)
                    sig += 1
                }
                if sawPoint { fracDigits += 1 }
            } else if c == 0x2E && !sawPoint {
                sawPoint = true
            } else {
                break
            }
            i += 1
        }
        if !sawDigit { return slowFloat(b, start, end) }
        var exp = 0
        if i < end {
            let c = b[i]
            guard c == 0x65 || c == 0x45 else { return slowFloat(b, start, end) }
            i += 1
            var eneg = false
            if i < end && (b[i] == 0x2D || b[i] == 0x2B) { eneg = b[i] == 0x2D; i += 1 }
            var ed = 0
            while i < end {
                let d = b[i] &- 0x30
                guard d < 10 else { return slowFloat(b, start, end) }
                if exp < 100_000 { exp = exp * 10 + Int(d) }
                ed += 1
                i += 1
            }
            if ed == 0 { return .syntax }
            if eneg { exp = -exp }
        }
        if mant == 0 { return .ok(neg ? -0.0 : 0.0) }
        let e10 = exp - fracDigits
        if mant <= (1 << 53) && e10 >= -22 && e10 <= 22 {
            var v = Double(mant)
            if e10 >= 0 { v *= pow10[e10] } else { v /= pow10[-e10] }
            return .ok(neg ? -v : v)
        }
        return slowFloat(b, start, end)
    }

    private static func lower(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c + 32 : c }

    private static func equalsIgnoringCase(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, _ word: StaticString) -> Bool {
        guard e - s == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for k in 0..<(e - s) where lower(b[s + k]) != w[k] { return false }
        return true
    }

    static func slowFloat(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> FloatResult {
        var s = start
        var sign = 1.0
        var signed = false
        for k in start..<end where b[k] == 0x70 || b[k] == 0x50 || b[k] == 0x5F { return .unsupported }
        if s < end && (b[s] == 0x2B || b[s] == 0x2D) { sign = b[s] == 0x2D ? -1 : 1; signed = true; s += 1 }
        if equalsIgnoringCase(b, s, end, "inf") || equalsIgnoringCase(b, s, end, "infinity") {
            return .ok(sign * .infinity)
        }
        if !signed && equalsIgnoringCase(b, s, end, "nan") { return .ok(.nan) }
        // Only decimal syntax reaches strtod (it would accept hex, "nan(…)", spaces, …).
        for k in start..<end {
            let c = b[k]
            let ok = (c >= 0x30 && c <= 0x39) || c == 0x2E || c == 0x65 || c == 0x45 || c == 0x2B || c == 0x2D
            if !ok { return .syntax }
        }
        let n = end - start
        if n == 0 || n > 1000 { return .syntax }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { tmp -> FloatResult in
            for k in 0..<n { tmp[k] = CChar(bitPattern: b[start + k]) }
            tmp[n] = 0
            var endp: UnsafeMutablePointer<CChar>? = nil
            let v = strtod(tmp.baseAddress!, &endp)
            guard let ep = endp, ep - tmp.baseAddress! == n else { return .syntax }
            // strtod takes "1e5" but also ".e5"-like junk is rejected above by end check.
            if v.isInfinite { return .range }
            return .ok(v)
        }
    }

    enum IntResult {
        case ok(Int64)
        case syntax
        case range
    }

    /// `strconv.ParseInt(s, 10, 64)` over bytes: optional sign, decimal digits.
    @inline(__always)
    static func parseInt(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> IntResult {
        var i = start
        var neg = false
        if i < end && (b[i] == 0x2D || b[i] == 0x2B) { neg = b[i] == 0x2D; i += 1 }
        if i >= end { return .syntax }
        var v: UInt64 = 0
        while i < end {
            let d = b[i] &- 0x30
            guard d < 10 else { return .syntax }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(d))
            if o1 || o2 { return .range }
            v = a
            i += 1
        }
        if neg {
            if v > UInt64(Int64.max) + 1 { return .range }
            return .ok(v == UInt64(Int64.max) + 1 ? Int64.min : -Int64(v))
        }
        if v > UInt64(Int64.max) { return .range }
        return .ok(Int64(v))
    }

    /// Seconds (float) → milliseconds, truncated toward zero as Go's `int64(ts * 1000)`;
    /// nil when NaN, infinite or outside the int64 range.
    static func secondsToMillis(_ s: Double) -> Int64? {
        if s.isNaN || s.isInfinite { return nil }
        let ms = s * 1000
        if ms >= 9.223372036854775e18 || ms <= -9.223372036854775e18 { return nil }
        return Int64(ms)
    }
}
