/// application/x-www-form-urlencoded, as Go's url.QueryEscape / ParseQuery do it.
public enum FormEncoding {
    private static let unreserved: [Bool] = {
        var t = [Bool](repeating: false, count: 256)
        for c in UInt8(ascii: "a")...UInt8(ascii: "z") { t[Int(c)] = true }
        for c in UInt8(ascii: "A")...UInt8(ascii: "Z") { t[Int(c)] = true }
        for c in UInt8(ascii: "0")...UInt8(ascii: "9") { t[Int(c)] = true }
        for c in "-_.~".utf8 { t[Int(c)] = true }
        return t
    }()
    private static let hex = Array("0123456789ABCDEF".utf8)

    /// Escapes a query parameter value (space → `+`).
    public static func escape(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 8)
        for b in s.utf8 {
            if unreserved[Int(b)] { out.append(b) }
            else if b == 0x20 { out.append(UInt8(ascii: "+")) }
            else { out.append(UInt8(ascii: "%")); out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 15)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes one component (`+` → space, `%XX`); malformed escapes are kept literally.
    public static func unescape<S: StringProtocol>(_ s: S) -> String {
        let u = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(u.count)
        var i = 0
        while i < u.count {
            let b = u[i]
            if b == UInt8(ascii: "+") { out.append(0x20); i += 1; continue }
            if b == UInt8(ascii: "%"), i + 2 < u.count, let h = hexVal(u[i + 1]), let l = hexVal(u[i + 2]) {
                out.append(h << 4 | l); i += 3; continue
            }
            out.append(b); i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses `a=1&b=2&a=3` into ordered pairs.
    public static func parse<S: StringProtocol>(_ s: S) -> [(String, String)] {
        var out: [(String, String)] = []
        for part in s.split(separator: "&", omittingEmptySubsequences: true) {
            if let eq = part.firstIndex(of: "=") {
                out.append((unescape(part[..<eq]), unescape(part[part.index(after: eq)...])))
            } else {
                out.append((unescape(part), ""))
            }
        }
        return out
    }

    private static func hexVal(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
