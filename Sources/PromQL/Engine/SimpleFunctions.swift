import Foundation

/// Element-wise functions: value in, value out, `__name__` dropped.
let simpleFunctions: [String: @Sendable (Double) -> Double] = [
    "abs": { abs($0) },
    "ceil": { $0.rounded(.up) },
    "floor": { $0.rounded(.down) },
    "exp": { Foundation.exp($0) },
    "sqrt": { $0.squareRoot() },
    "ln": { Foundation.log($0) },
    "log2": { Foundation.log2($0) },
    "log10": { Foundation.log10($0) },
    "sin": { Foundation.sin($0) },
    "cos": { Foundation.cos($0) },
    "tan": { Foundation.tan($0) },
    "asin": { Foundation.asin($0) },
    "acos": { Foundation.acos($0) },
    "atan": { Foundation.atan($0) },
    "sinh": { Foundation.sinh($0) },
    "cosh": { Foundation.cosh($0) },
    "tanh": { Foundation.tanh($0) },
    "asinh": { Foundation.asinh($0) },
    "acosh": { Foundation.acosh($0) },
    "atanh": { Foundation.atanh($0) },
    "rad": { $0 * Double.pi / 180 },
    "deg": { $0 * 180 / Double.pi },
    "sgn": { v in v < 0 ? -1 : (v > 0 ? 1 : v) },
]

/// Date functions over Unix seconds, UTC (Prometheus dateWrapper).
let dateFunctions: [String: @Sendable (Int64) -> Double] = [
    "days_in_month": { s in let d = civil(s); return Double(daysInMonth(d.year, d.month)) },
    "day_of_month": { s in Double(civil(s).day) },
    "day_of_week": { s in
        let days = floorDiv(s, 86400)
        return Double(((days % 7) + 11) % 7)  // 1970-01-01 was a Thursday (4)
    },
    "day_of_year": { s in
        let d = civil(s)
        var n = d.day
        for m in 1..<d.month { n += daysInMonth(d.year, m) }
        return Double(n)
    },
    "hour": { s in Double((floorMod(s, 86400)) / 3600) },
    "minute": { s in Double((floorMod(s, 3600)) / 60) },
    "month": { s in Double(civil(s).month) },
    "year": { s in Double(civil(s).year) },
]

@inline(__always) func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

@inline(__always) func floorMod(_ a: Int64, _ b: Int64) -> Int64 { a - floorDiv(a, b) * b }

func isLeap(_ y: Int64) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

func daysInMonth(_ y: Int64, _ m: Int64) -> Int64 {
    switch m {
    case 2: return isLeap(y) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
}

/// Civil date from Unix seconds (Howard Hinnant's algorithm), UTC.
func civil(_ s: Int64) -> (year: Int64, month: Int64, day: Int64) {
    let z = floorDiv(s, 86400) + 719468
    let era = floorDiv(z, 146097)
    let doe = z - era * 146097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
    let y = yoe + era * 400
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (m <= 2 ? y + 1 : y, m, d)
}
