import Foundation
import MetricModel

// Go's fmt number formatting for templates: `%.4g` (humanize*), and a `printf` covering the
// verbs alert templates use (%s %v %d %f %e %g %q %% with width, precision and -/0 flags).

/// Go's `fmt.Sprintf("%.{prec}g", v)`; C's %g agrees with Go's for finite values.
func goG(_ v: Double, _ prec: Int) -> String {
    if v.isNaN { return "NaN" }
    if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
    return String(format: "%.\(max(prec, 1))g", v)
}

/// Prometheus's `humanize`: SI prefixes, 4 significant digits.
func humanize(_ value: Double) -> String {
    var v = value
    if v == 0 || v.isNaN || v.isInfinite { return goG(v, 4) }
    var prefix = ""
    if abs(v) >= 1 {
        for p in ["k", "M", "G", "T", "P", "E", "Z", "Y"] {
            if abs(v) < 1000 { break }
            prefix = p
            v /= 1000
        }
    } else {
        for p in ["m", "u", "n", "p", "f", "a", "z", "y"] {
            if abs(v) >= 1 { break }
            prefix = p
            v *= 1000
        }
    }
    return goG(v, 4) + prefix
}

/// Prometheus's `humanize1024`: binary prefixes.
func humanize1024(_ value: Double) -> String {
    var v = value
    if abs(v) <= 1 || v.isNaN || v.isInfinite { return goG(v, 4) }
    var prefix = ""
    for p in ["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"] {
        if abs(v) < 1024 { break }
        prefix = p
        v /= 1024
    }
    return goG(v, 4) + prefix
}

/// Prometheus's `humanizeDuration`: seconds as `1d 2h 3m 4s`, or `1.5s`, `250ms`.
func humanizeDuration(_ value: Double) -> String {
    var v = value
    if v.isNaN || v.isInfinite { return goG(v, 4) }
    if v == 0 { return goG(v, 4) + "s" }
    if abs(v) >= 1 {
        var sign = ""
        if v < 0 { sign = "-"; v = -v }
        let d = Int64(v)
        let seconds = d % 60, minutes = (d / 60) % 60, hours = (d / 3600) % 24, days = d / 86400
        if days != 0 { return "\(sign)\(days)d \(hours)h \(minutes)m \(seconds)s" }
        if hours != 0 { return "\(sign)\(hours)h \(minutes)m \(seconds)s" }
        if minutes != 0 { return "\(sign)\(minutes)m \(seconds)s" }
        return sign + goG(v, 4) + "s"
    }
    var prefix = ""
    for p in ["m", "u", "n", "p", "f", "a", "z", "y"] {
        if abs(v) >= 1 { break }
        prefix = p
        v *= 1000
    }
    return goG(v, 4) + prefix + "s"
}

/// Prometheus's `humanizeTimestamp`: Go's `time.Time.String()` in UTC.
func humanizeTimestamp(_ v: Double) -> String {
    if v.isNaN || v.isInfinite { return goG(v, 4) }
    // Prometheus goes through model.Time: nanoseconds truncated to milliseconds.
    let ms = Int64(v * 1e9) / 1_000_000
    let secs = Double(ms >= 0 ? ms / 1000 : (ms - 999) / 1000)
    let nanos = Int((ms - Int64(secs) * 1000) * 1_000_000)
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "UTC")
    f.dateFormat = "yyyy-MM-dd HH:mm:ss"
    var s = f.string(from: Date(timeIntervalSince1970: secs))
    if nanos > 0 {
        var frac = String(format: "%09d", nanos)
        while frac.hasSuffix("0") { frac.removeLast() }
        s += "." + frac
    }
    return s + " +0000 UTC"
}

/// `fmt.Sprint`: operands separated by a space when neither side is a string.
func goSprint(_ args: [TValue]) -> String {
    var out = ""
    for (i, a) in args.enumerated() {
        if i > 0, !(isString(a) || isString(args[i - 1])) { out += " " }
        out += a.printed
    }
    return out
}

private func isString(_ v: TValue) -> Bool { if case .string = v { return true }; return false }

/// `fmt.Sprintf` for the common verbs.
func goSprintf(_ format: String, _ args: [TValue]) -> String {
    var out = ""
    var argi = 0
    let chars = Array(format.unicodeScalars)
    var i = 0
    while i < chars.count {
        let c = chars[i]
        i += 1
        if c != "%" { out.unicodeScalars.append(c); continue }
        var minus = false, zero = false, plus = false
        while i < chars.count, "-0+ #".unicodeScalars.contains(chars[i]) {
            if chars[i] == "-" { minus = true } else if chars[i] == "0" { zero = true } else if chars[i] == "+" { plus = true }
            i += 1
        }
        var width = 0
        while i < chars.count, let d = Int(String(chars[i])) { width = width * 10 + d; i += 1 }
        var prec: Int?
        if i < chars.count, chars[i] == "." {
            i += 1
            var p = 0
            while i < chars.count, let d = Int(String(chars[i])) { p = p * 10 + d; i += 1 }
            prec = p
        }
        guard i < chars.count else { out += "%!(NOVERB)"; break }
        let verb = chars[i]
        i += 1
        if verb == "%" { out += "%"; continue }
        guard argi < args.count else { out += "%!\(verb)(MISSING)"; continue }
        let a = args[argi]
        argi += 1
        var s: String
        switch (verb, a) {
        case ("f", .float(let v)), ("F", .float(let v)):
            s = v.isFinite ? String(format: "%.\(prec ?? 6)f", v) : goG(v, 1)
        case ("e", .float(let v)):
            s = v.isFinite ? String(format: "%.\(prec ?? 6)e", v) : goG(v, 1)
        case ("g", .float(let v)):
            s = prec.map { goG(v, $0) } ?? PromFloat.formatG(v)
        case ("d", .int(let n)): s = String(n)
        case ("v", _), ("s", .string), ("s", .missing), ("s", .map), ("s", .nilValue): s = a.printed
        case ("q", .string(let str)): s = goQuote(str)
        case ("t", .bool(let b)): s = b ? "true" : "false"
        default: s = "%!\(verb)(\(a.kindName)=\(a.printed))"
        }
        if plus, case .float(let v) = a, v >= 0, !s.hasPrefix("+") { s = "+" + s }
        if s.count < width {
            let pad = String(repeating: zero && !minus ? "0" : " ", count: width - s.count)
            s = minus ? s + pad : pad + s
        }
        out += s
    }
    if argi < args.count {
        out += "%!(EXTRA " + args[argi...].map { "\($0.kindName)=\($0.printed)" }.joined(separator: ", ") + ")"
    }
    return out
}
