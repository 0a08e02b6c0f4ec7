/// A Prometheus duration (`model.Duration`): whole milliseconds, written like `1h30m`, `5m`,
/// `10s`, `100ms`, `1d`, `1w`, `1y` (units biggest first, each at most once; a year is 365d).
/// Named `PromDuration` so it does not shadow Swift's `Duration` in modules that import Config.
public struct PromDuration: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Length in milliseconds (never negative when parsed).
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }
    public static func seconds(_ s: Int64) -> PromDuration { PromDuration(milliseconds: s * 1000) }
    public static func minutes(_ m: Int64) -> PromDuration { PromDuration(milliseconds: m * 60_000) }
    public static let zero = PromDuration(milliseconds: 0)

    public static func < (a: PromDuration, b: PromDuration) -> Bool { a.milliseconds < b.milliseconds }

    /// As a Swift `Duration`, for clocks and sleeps.
    public var duration: Swift.Duration { .milliseconds(milliseconds) }
    public var seconds: Double { Double(milliseconds) / 1000 }

    private static let units: [(String, Int, UInt64)] = [  // name, order, nanoseconds
        ("ms", 7, 1_000_000), ("s", 6, 1_000_000_000), ("m", 5, 60_000_000_000), ("h", 4, 3_600_000_000_000),
        ("d", 3, 86_400_000_000_000), ("w", 2, 604_800_000_000_000), ("y", 1, 31_536_000_000_000_000),
    ]

    /// Parses like `init(parsing:)`; nil when the text is not a duration.
    public init?(_ text: String) {
        guard let d = try? PromDuration(parsing: text) else { return nil }
        self = d
    }

    /// Parses like Prometheus's `model.ParseDuration`, with its error messages.
    public init(parsing s: String) throws(DurationError) {
        if s == "0" { self.init(milliseconds: 0); return }
        if s.isEmpty { throw DurationError(message: "empty duration string") }
        let bytes = Array(s.utf8)
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        let invalid = DurationError(message: "not a valid duration string: \(quoteGo(s))")
        var i = 0
        var nanos: UInt64 = 0
        var lastPos = 0
        while i < bytes.count {
            guard isDigit(bytes[i]) else { throw invalid }
            var v: UInt64 = 0
            while i < bytes.count && isDigit(bytes[i]) {
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(bytes[i] - 0x30))
                if o1 || o2 { throw invalid }
                v = a
                i += 1
            }
            let unitStart = i
            while i < bytes.count && !isDigit(bytes[i]) { i += 1 }
            if i == unitStart { throw invalid }
            let u = String(decoding: bytes[unitStart..<i], as: UTF8.self)
            guard let unit = Self.units.first(where: { $0.0 == u }) else {
                throw DurationError(message: "unknown unit \(quoteGo(u)) in duration \(quoteGo(s))")
            }
            if unit.1 <= lastPos { throw invalid }
            lastPos = unit.1
            if v > (1 << 63) / unit.2 { throw DurationError(message: "duration out of range") }
            nanos += v * unit.2
            if nanos > UInt64(Int64.max) { throw DurationError(message: "duration out of range") }
        }
        self.init(milliseconds: Int64(nanos / 1_000_000))
    }

    /// Formats like Prometheus's `Duration.String`: `0s`, `1m30s`, `90d` (years and weeks only
    /// when exact).
    public var description: String {
        var ms = milliseconds
        if ms == 0 { return "0s" }
        var sign = ""
        if ms < 0 { sign = "-"; ms = -ms }
        var r = ""
        func f(_ unit: String, _ mult: Int64, exact: Bool) {
            if exact && ms % mult != 0 { return }
            let v = ms / mult
            if v > 0 {
                r += "\(v)\(unit)"
                ms -= v * mult
            }
        }
        f("y", 1000 * 60 * 60 * 24 * 365, exact: true)
        f("w", 1000 * 60 * 60 * 24 * 7, exact: true)
        f("d", 1000 * 60 * 60 * 24, exact: false)
        f("h", 1000 * 60 * 60, exact: false)
        f("m", 1000 * 60, exact: false)
        f("s", 1000, exact: false)
        f("ms", 1, exact: false)
        return sign + r
    }
}

public struct DurationError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
