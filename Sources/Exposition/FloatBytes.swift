import MetricModel

/// Number formatting straight into byte buffers, as prometheus/common's expfmt writes them.
enum FloatBytes {
    /// expfmt `writeFloat`: `1`, `0` (also for -0), `-1`, `NaN`, `+Inf`, `-Inf`, else Go's
    /// `strconv.AppendFloat(f, 'g', -1, 64)` (`PromFloat.formatG`).
    @inline(__always)
    static func appendG(_ v: Double, to out: inout [UInt8]) {
        if v.isNaN { out.append(contentsOf: nanBytes); return }
        if v.isInfinite { out.append(contentsOf: v > 0 ? posInfBytes : negInfBytes); return }
        if v == 0 { out.append(0x30); return }
        // Integers below 1e6 print as themselves in %g; the common case for counters.
        if v == v.rounded(.towardZero) && v > -1e6 && v < 1e6 {
            appendInt(Int64(v), to: &out)
            return
        }
        appendShortestG(v, to: &out)
    }

    /// Go's `%g` with shortest digits for a finite, non-zero `v`, built from Swift's shortest
    /// round-trip `description` in a stack buffer (same output as `PromFloat.formatG`).
    static func appendShortestG(_ v: Double, to out: inout [UInt8]) {
        var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &storage) { d in
            var nd = 0          // digits stored
            var dp = 0          // digits before the decimal point
            var seenPoint = false
            var exp = 0
            var expNeg = false
            var inExp = false
            var leading = true  // still skipping leading zeros
            for c in v.magnitude.description.utf8 {
                if inExp {
                    if c == 0x2D { expNeg = true } else if c != 0x2B { exp = exp * 10 + Int(c &- 0x30) }
                    continue
                }
                switch c {
                case 0x2E: seenPoint = true
                case 0x65, 0x45: inExp = true
                default:
                    let digit = c &- 0x30
                    if leading && digit == 0 {
                        if seenPoint { dp -= 1 }
                        continue
                    }
                    leading = false
                    if nd < 32 { d[nd] = digit; nd += 1 }
                    if !seenPoint { dp += 1 }
                }
            }
            while nd > 1 && d[nd - 1] == 0 { nd -= 1 }
            dp += expNeg ? -exp : exp
            if v < 0 { out.append(0x2D) }
            let e10 = dp - 1
            if e10 < -4 || e10 >= 6 {
                out.append(d[0] + 0x30)
                if nd > 1 {
                    out.append(0x2E)
                    for k in 1..<nd { out.append(d[k] + 0x30) }
                }
                out.append(0x65)
                out.append(e10 < 0 ? 0x2D : 0x2B)
                let a = e10.magnitude
                if a < 10 { out.append(0x30) }
                appendInt(Int64(a), to: &out)
            } else if dp <= 0 {
                out.append(0x30); out.append(0x2E)
                for _ in 0..<(-dp) { out.append(0x30) }
                for k in 0..<nd { out.append(d[k] + 0x30) }
            } else {
                for k in 0..<max(dp, nd) {
                    if k == dp { out.append(0x2E) }
                    out.append((k < nd ? d[k] : 0) + 0x30)
                }
            }
        }
    }

    /// expfmt `writeOpenMetricsFloat`: like `appendG`, plus `.0` when the result has neither a
    /// `.` nor an `e` (`1.0`, `0.0`, `-1.0`, `5.0`, `1e+06`).
    static func appendOpenMetrics(_ v: Double, to out: inout [UInt8]) {
        if v.isNaN || v.isInfinite { appendG(v, to: &out); return }
        let start = out.count
        appendG(v, to: &out)
        var i = start
        while i < out.count {
            if out[i] == 0x2E || out[i] == 0x65 { return }
            i += 1
        }
        out.append(0x2E)
        out.append(0x30)
    }

    /// Decimal integer.
    @inline(__always)
    static func appendInt(_ v: Int64, to out: inout [UInt8]) {
        if v < 0 { out.append(0x2D) }
        var m = v.magnitude
        if m < 10 { out.append(UInt8(m) + 0x30); return }
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0) // 24 bytes ≥ 20 digits
        let n = withUnsafeMutableBytes(of: &tmp) { raw -> Int in
            var k = raw.count
            while m > 0 {
                k -= 1
                raw[k] = UInt8(m % 10) + 0x30
                m /= 10
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[k...]))
            return raw.count - k
        }
        _ = n
    }

    static let nanBytes: [UInt8] = Array("NaN".utf8)
    static let posInfBytes: [UInt8] = Array("+Inf".utf8)
    static let negInfBytes: [UInt8] = Array("-Inf".utf8)
}

/// Number formatting for writers outside this module (/federate): the same bytes as the text
/// writer's, appended to a byte buffer without allocating.
public enum TextNumbers {
    /// expfmt `writeFloat` (`PromFloat.formatG` as bytes).
    @inlinable
    public static func appendValue(_ v: Double, to out: inout [UInt8]) { appendValueImpl(v, to: &out) }

    /// A decimal integer (timestamps).
    @inlinable
    public static func appendInt(_ v: Int64, to out: inout [UInt8]) { appendIntImpl(v, to: &out) }

    @usableFromInline
    static func appendValueImpl(_ v: Double, to out: inout [UInt8]) { FloatBytes.appendG(v, to: &out) }

    @usableFromInline
    static func appendIntImpl(_ v: Int64, to out: inout [UInt8]) { FloatBytes.appendInt(v, to: &out) }
}
