/// Request parameters from the query string and, for POST, an
/// `application/x-www-form-urlencoded` body — both merged in order, repeated keys kept
/// (Prometheus reads `r.Form`, so `match[]` may repeat and may come from either).
public struct FormParams: Sendable {
    public private(set) var pairs: [(String, String)] = []

    public init() {}

    public init(query: String?) {
        if let q = query { add(encoded: Array(q.utf8)) }
    }

    /// Adds `a=1&b=2` pairs, percent-decoding and turning `+` into space.
    public mutating func add(encoded: [UInt8]) {
        for part in encoded.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if let eq = part.firstIndex(of: UInt8(ascii: "=")) {
                pairs.append((Self.decode(part[part.startIndex..<eq]), Self.decode(part[(eq + 1)...])))
            } else {
                pairs.append((Self.decode(part[...]), ""))
            }
        }
    }

    public func first(_ key: String) -> String? { pairs.first { $0.0 == key }?.1 }
    public func all(_ key: String) -> [String] { pairs.filter { $0.0 == key }.map(\.1) }

    static func decode(_ s: ArraySlice<UInt8>) -> String {
        if !s.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) {
            return String(decoding: s, as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if c == UInt8(ascii: "+") {
                out.append(0x20)
            } else if c == UInt8(ascii: "%"), i + 2 < s.endIndex + 0, i + 2 <= s.endIndex - 1,
                      let h = hexVal(s[i + 1]), let l = hexVal(s[i + 2]) {
                out.append(h << 4 | l)
                i += 2
            } else {
                out.append(c)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexVal(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }
}
