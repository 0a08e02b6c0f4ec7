import MetricModel

// Go `%f`-style fixed formatting, used in error messages.

extension GoQuote {
    /// `%.Nf` without Foundation.
    static func formatFixed(_ v: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let neg = v < 0 || (v == 0 && v.sign == .minus)
        let a = abs(v)
        if a * scale >= 9.2e18 {
            // Large values are integers: print the exact decimal expansion, as Go does.
            return (neg ? "-" : "") + exactInteger(a) + (decimals > 0 ? "." + String(repeating: "0", count: decimals) : "")
        }
        let scaled = UInt64((a * scale).rounded())
        let ip = scaled / UInt64(scale)
        var fp = String(scaled % UInt64(scale))
        while fp.count < decimals { fp = "0" + fp }
        return (neg ? "-" : "") + String(ip) + (decimals > 0 ? "." + fp : "")
    }

    /// The exact decimal digits of an integral, finite, non-negative double.
    static func exactInteger(_ v: Double) -> String {
        var exp = Int(v.exponent) - 52
        var limbs: [UInt64] = [v.significandBitPattern | (1 << 52)]  // base 1e9, little-endian
        let base: UInt64 = 1_000_000_000
        func normalize() {
            var carry: UInt64 = 0
            for i in 0..<limbs.count {
                let x = limbs[i] + carry
                limbs[i] = x % base
                carry = x / base
            }
            while carry > 0 { limbs.append(carry % base); carry /= base }
        }
        normalize()
        while exp < 0 {
            // Exact because v is integral: shift right by one.
            var rem: UInt64 = 0
            for i in stride(from: limbs.count - 1, through: 0, by: -1) {
                let x = limbs[i] + rem * base
                limbs[i] = x / 2
                rem = x % 2
            }
            exp += 1
        }
        while exp > 0 {
            let step = min(exp, 30)
            for i in 0..<limbs.count { limbs[i] <<= UInt64(step) }
            normalize()
            exp -= step
        }
        while limbs.count > 1 && limbs.last == 0 { limbs.removeLast() }
        var out = String(limbs.last!)
        for l in limbs.dropLast().reversed() {
            let d = String(l)
            out += String(repeating: "0", count: 9 - d.count) + d
        }
        return out
    }
}
