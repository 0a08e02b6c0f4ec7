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
        out.append(contentsOf: PromFloat.formatG(v).utf8)
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
