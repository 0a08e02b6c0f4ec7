#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Minimal file and environment access for the syntax tests (no Foundation needed).

enum ProcessInfoLite {
    static func environment(_ name: String) -> String? {
        guard let p = getenv(name) else { return nil }
        return String(cString: p)
    }
}

enum FileLite {
    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func read(_ path: String) -> String? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            bytes.append(contentsOf: buf[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func list(_ dir: String) -> [String] {
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var out: [String] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { out.append(name) }
        }
        return out
    }
}

extension String {
    func trimmingWhitespace() -> Substring {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s.removeLast() }
        return s
    }
}

import PromQL

extension Expr {
    /// The same tree with every position zeroed and matchers sorted (the printer sorts them), to
    /// compare trees parsed from different texts.
    var withoutPositions: Expr {
        let z = PositionRange(start: 0, end: 0)
        func vs(_ v: VectorSelector) -> VectorSelector {
            var v = v
            v.position = z
            v.matchers.sort { $0.description < $1.description }
            return v
        }
        switch self {
        case .number(let v, _): return .number(v, z)
        case .string(let s, _): return .string(s, z)
        case .vectorSelector(let v): return .vectorSelector(vs(v))
        case .matrixSelector(var m):
            m.vector = vs(m.vector)
            m.position = z
            return .matrixSelector(m)
        case .subquery(var s):
            s.expr = s.expr.withoutPositions
            s.position = z
            return .subquery(s)
        case .aggregate(var a):
            a.expr = a.expr.withoutPositions
            a.param = a.param?.withoutPositions
            a.position = z
            return .aggregate(a)
        case .binary(var b):
            b.lhs = b.lhs.withoutPositions
            b.rhs = b.rhs.withoutPositions
            return .binary(b)
        case .call(var c):
            c.args = c.args.map(\.withoutPositions)
            c.position = z
            return .call(c)
        case .paren(let e, _): return .paren(e.withoutPositions, z)
        case .unary(let o, let e, _): return .unary(o, e.withoutPositions, z)
        }
    }
}
