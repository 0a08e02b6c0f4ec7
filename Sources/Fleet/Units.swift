/// Parses a byte size: a plain integer, or a number with a unit B, KB, MB, GB, TB, PB (base 1024,
/// as Prometheus's `--storage.tsdb.retention.size`) or KiB, MiB, GiB, TiB, PiB.
public func parseByteSize(_ text: String) -> Int64? {
    if let n = Int64(text) { return n }
    let digits = text.prefix { $0.isASCII && $0.isNumber }
    guard !digits.isEmpty, let n = Int64(digits) else { return nil }
    let unit = text.dropFirst(digits.count).filter { $0 != " " }.uppercased()
    let exponent: Int64? = switch unit {
    case "B": 0
    case "KB", "KIB": 1
    case "MB", "MIB": 2
    case "GB", "GIB": 3
    case "TB", "TIB": 4
    case "PB", "PIB": 5
    default: nil
    }
    guard let exponent else { return nil }
    let (v, overflow) = n.multipliedReportingOverflow(by: Int64(1) << (10 * exponent))
    return overflow ? nil : v
}

