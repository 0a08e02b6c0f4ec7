/// A ULID (https://github.com/ulid/spec): 48-bit millisecond timestamp then 80 random bits,
/// written as 26 Crockford base32 characters. Blocks are named by their ULID, so directory
/// names sort by creation time.
public struct ULID: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// The 16 bytes, big-endian: 6 bytes of time, 10 of randomness.
    public let bytes: [UInt8]

    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    public init(bytes: [UInt8]) {
        precondition(bytes.count == 16)
        self.bytes = bytes
    }

    /// A new ULID for `ms` (milliseconds since the epoch) with fresh randomness.
    public init(ms: Int64) {
        var g = SystemRandomNumberGenerator()
        self.init(ms: ms, using: &g)
    }

    public init(ms: Int64, using rng: inout some RandomNumberGenerator) {
        var b = [UInt8](repeating: 0, count: 16)
        let t = UInt64(max(0, ms)) & 0xFFFF_FFFF_FFFF
        for i in 0..<6 { b[i] = UInt8(truncatingIfNeeded: t >> (8 * (5 - i))) }
        for i in 6..<16 { b[i] = UInt8.random(in: 0...255, using: &rng) }
        bytes = b
    }

    /// Parses 26 Crockford base32 characters (case-insensitive; I/L read as 1, O as 0).
    public init?(string: String) {
        let s = Array(string.utf8)
        guard s.count == 26 else { return nil }
        var value: (hi: UInt64, lo: UInt64) = (0, 0)  // 130 bits; top 2 must be zero
        for (i, c) in s.enumerated() {
            guard let d = ULID.decode(c) else { return nil }
            if i == 0 && d > 7 { return nil }
            value.hi = value.hi << 5 | value.lo >> 59
            value.lo = value.lo << 5 | UInt64(d)
        }
        var b = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            b[i] = UInt8(truncatingIfNeeded: value.hi >> (8 * (7 - i)))
            b[8 + i] = UInt8(truncatingIfNeeded: value.lo >> (8 * (7 - i)))
        }
        bytes = b
    }

    static func decode(_ c: UInt8) -> UInt8? {
        var c = c
        if c >= 97 && c <= 122 { c -= 32 }
        switch c {
        case 73, 76: return 1  // I, L
        case 79: return 0  // O
        default:
            if let i = alphabet.firstIndex(of: c) { return UInt8(i) }
            return nil
        }
    }

    /// Milliseconds since the epoch encoded in the first 48 bits.
    public var time: Int64 {
        var t: UInt64 = 0
        for i in 0..<6 { t = t << 8 | UInt64(bytes[i]) }
        return Int64(t)
    }

    public var description: String {
        var hi: UInt64 = 0, lo: UInt64 = 0
        for i in 0..<8 { hi = hi << 8 | UInt64(bytes[i]); lo = lo << 8 | UInt64(bytes[8 + i]) }
        var out = [UInt8](repeating: 0, count: 26)
        for i in (0..<26).reversed() {
            out[i] = ULID.alphabet[Int(lo & 31)]
            lo = lo >> 5 | hi << 59
            hi >>= 5
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func < (a: ULID, b: ULID) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }

    public init(from decoder: any Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let u = ULID(string: s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid ULID \(s)"))
        }
        self = u
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
