/// A byte count written with base-2 units (`units.Base2Bytes`): `10MB` and `10MiB` both mean
/// 10 × 1024 × 1024 bytes; `B`, `KB`/`KiB` … `EB`/`EiB`; `0` is no limit. A number without a unit is
/// refused, as Prometheus refuses it (`units: unknown unit  in 100`).
public struct ByteSize: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var bytes: Int64
    public init(bytes: Int64) { self.bytes = bytes }
    public static let zero = ByteSize(bytes: 0)
    public static func < (a: ByteSize, b: ByteSize) -> Bool { a.bytes < b.bytes }

    private static let prefixes = ["", "K", "M", "G", "T", "P", "E"]

    /// Parses like `units.ParseBase2Bytes` (compound values such as `1GB512MB` and fractions such
    /// as `1.5GB` included).
    public init(parsing s: String) throws(ByteSizeError) {
        let orig = s
        var rest = Substring(s)
        var neg = false
        if let c = rest.first, c == "-" || c == "+" {
            neg = c == "-"
            rest = rest.dropFirst()
        }
        if rest == "0" { self.init(bytes: 0); return }
        guard !rest.isEmpty else { throw ByteSizeError(message: "units: invalid \(orig)") }
        var total = 0.0
        while !rest.isEmpty {
            let numEnd = rest.firstIndex { !($0.isASCII && ($0.isNumber || $0 == ".")) } ?? rest.endIndex
            let num = rest[..<numEnd]
            guard !num.isEmpty, num != ".", let value = Double(num.hasPrefix(".") ? "0" + num : String(num)) else {
                throw ByteSizeError(message: "units: invalid \(orig)")
            }
            rest = rest[numEnd...]
            let unitEnd = rest.firstIndex { $0.isASCII && ($0.isNumber || $0 == ".") } ?? rest.endIndex
            let unit = String(rest[..<unitEnd])
            rest = rest[unitEnd...]
            guard let mult = Self.multiplier(unit) else { throw ByteSizeError(message: "units: unknown unit \(unit) in \(orig)") }
            total += value * mult
        }
        if neg { total = -total }
        guard total >= -0x1p63 && total < 0x1p63 else { throw ByteSizeError(message: "units: overflow parsing unit") }
        self.init(bytes: Int64(total))
    }

    private static func multiplier(_ unit: String) -> Double? {
        if unit == "B" { return 1 }
        for (i, p) in prefixes.enumerated() where i > 0 && (unit == p + "B" || unit == p + "iB") {
            return Double(Int64(1) << (10 * Int64(i)))
        }
        return nil
    }

    /// Formats like `Base2Bytes.String`: `10MiB`, `1GiB512MiB`, `0B`.
    public var description: String {
        var n = bytes
        var parts: [String] = []
        for (i, p) in Self.prefixes.enumerated() {
            if n % 1024 != 0 || (i == 0 && n == 0) {
                parts.append("\(n % 1024)\(p)\(i == 0 ? "B" : "iB")")
            }
            n /= 1024
            if n == 0 { break }
        }
        return parts.reversed().joined()
    }
}

public struct ByteSizeError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
