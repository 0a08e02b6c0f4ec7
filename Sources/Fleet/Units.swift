/// A Prometheus duration (`15s`, `1m30s`, `2h`): units ms, s, m, h, d, w, y, largest first.
public struct PromDuration: Sendable, Equatable, Hashable, CustomStringConvertible {
    public let milliseconds: Int64
    /// The text as written (`15s`).
    public let text: String

    public init?(_ text: String) {
        let units: [(String, Int64)] = [("y", 31_536_000_000), ("w", 604_800_000), ("d", 86_400_000),
                                        ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)]
        var rest = Substring(text)
        var total: Int64 = 0
        var lastUnit = -1
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let n = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unitText = rest.prefix { $0.isLetter }
            guard let i = units.firstIndex(where: { $0.0 == unitText }), i > lastUnit else { return nil }
            let unit = units[i]
            lastUnit = i
            rest = rest.dropFirst(unitText.count)
            let (product, overflow) = n.multipliedReportingOverflow(by: unit.1)
            let (sum, overflow2) = total.addingReportingOverflow(product)
            guard !overflow, !overflow2 else { return nil }
            total = sum
        }
        milliseconds = total
        self.text = text
    }

    public var description: String { text }
}

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

