/// Milliseconds since the Unix epoch, as Prometheus stores timestamps.
public typealias Timestamp = Int64

/// A float sample.
public struct Sample: Hashable, Sendable {
    public var t: Timestamp
    public var v: Double

    @inlinable
    public init(t: Timestamp, v: Double) {
        self.t = t
        self.v = v
    }
}

/// Prometheus's staleness marker: a NaN with a specific bit pattern (`value.StaleNaN`), stored as
/// an ordinary value. Any other NaN is a normal sample value.
public enum StaleNaN {
    public static let bits: UInt64 = 0x7ff0_0000_0000_0002
    public static let value = Double(bitPattern: bits)

    @inlinable
    public static func isStale(_ v: Double) -> Bool { v.bitPattern == 0x7ff0_0000_0000_0002 }
}

/// Prometheus's normal NaN (`math.NaN()` in Go is 0x7FF8000000000001).
public enum NormalNaN {
    public static let bits: UInt64 = 0x7ff8_0000_0000_0001
    public static let value = Double(bitPattern: bits)
}
