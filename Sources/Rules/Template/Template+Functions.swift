import Foundation
import MetricModel

// Go's text/template builtins and Prometheus's template functions (template/template.go), with
// Go's formatting (`%.4g` and friends) so rendered annotations match Prometheus byte for byte.

extension Template {
    func callFunction(_ f: String, _ args: [TValue]) throws(ExecError) -> TValue {
        func want(_ n: Int) throws(ExecError) {
            if args.count != n { throw ExecError(message: "wrong number of args for \(f): want \(n) got \(args.count)") }
        }
        func str(_ v: TValue) throws(ExecError) -> String {
            if case .string(let s) = v { return s }
            throw ExecError(message: "error calling \(f): wrong type for value; expected string; got \(v.kindName)")
        }
        switch f {
        case "not":
            try want(1)
            return .bool(!args[0].isTrue)
        case "eq", "ne", "lt", "le", "gt", "ge":
            if f == "eq" {
                guard args.count >= 2 else { throw ExecError(message: "error calling eq: missing argument for comparison") }
                for b in args.dropFirst() where try compare(args[0], b, f) == 0 { return .bool(true) }
                return .bool(false)
            }
            try want(2)
            let c = try compare(args[0], args[1], f)
            switch f {
            case "ne": return .bool(c != 0)
            case "lt": return .bool(c < 0)
            case "le": return .bool(c <= 0)
            case "gt": return .bool(c > 0)
            default: return .bool(c >= 0)
            }
        case "len":
            try want(1)
            switch args[0] {
            case .string(let s): return .int(s.utf8.count)
            case .map(let m): return .int(m.count)
            default: throw ExecError(message: "error calling len: len of type \(args[0].kindName)")
            }
        case "index":
            try want(2)
            guard case .map(let m) = args[0] else { throw ExecError(message: "error calling index: can't index item of type \(args[0].kindName)") }
            return .string(m[try str(args[1])] ?? "")
        case "print": return .string(goSprint(args))
        case "println": return .string(args.map(\.printed).joined(separator: " ") + "\n")
        case "printf":
            guard let fmt = args.first else { throw ExecError(message: "wrong number of args for printf: want at least 1 got 0") }
            return .string(goSprintf(try str(fmt), Array(args.dropFirst())))
        case "humanize", "humanize1024", "humanizeDuration", "humanizePercentage", "humanizeTimestamp":
            try want(1)
            let v = try toFloat(args[0], f)
            switch f {
            case "humanize": return .string(humanize(v))
            case "humanize1024": return .string(humanize1024(v))
            case "humanizeDuration": return .string(humanizeDuration(v))
            case "humanizePercentage": return .string(goG(v * 100, 4) + "%")
            default: return .string(humanizeTimestamp(v))
            }
        case "toUpper": try want(1); return .string(try str(args[0]).uppercased())
        case "toLower": try want(1); return .string(try str(args[0]).lowercased())
        case "title":  // Go's strings.Title: upper-case the first letter of each word, keep the rest
            try want(1)
            var out = ""
            var atStart = true
            for ch in try str(args[0]) {
                let wordChar = ch.isLetter || ch.isNumber || ch == "_" || ch == "'"
                out += atStart && wordChar ? ch.uppercased() : String(ch)
                atStart = !wordChar
            }
            return .string(out)
        case "match":
            try want(2)
            return .bool(try regex(try str(args[0]), f).firstMatch(in: try str(args[1]), range: NSRange(try str(args[1]).startIndex..., in: try str(args[1]))) != nil)
        case "reReplaceAll":
            try want(3)
            let text = try str(args[2])
            return .string(try regex(try str(args[0]), f).stringByReplacingMatches(
                in: text, range: NSRange(text.startIndex..., in: text), withTemplate: try str(args[1])))
        case "stripPort":
            try want(1)
            let s = try str(args[0])
            if s.hasPrefix("["), let close = s.firstIndex(of: "]") { return .string(String(s[s.index(after: s.startIndex)..<close])) }
            if let c = s.lastIndex(of: ":"), s.firstIndex(of: ":") == c { return .string(String(s[..<c])) }
            return .string(s)
        case "stripDomain":
            try want(1)
            let s = try str(args[0])
            var port = ""
            var host = s
            if let c = s.lastIndex(of: ":"), s.firstIndex(of: ":") == c { host = String(s[..<c]); port = String(s[c...]) }
            if let dot = host.firstIndex(of: "."), Double(host.replacingOccurrences(of: ".", with: "")) == nil {
                host = String(host[..<dot])
            }
            return .string(host + port)
        default:
            throw ExecError(message: "function \"\(f)\" not defined")
        }
    }

    func regex(_ p: String, _ f: String) throws(ExecError) -> NSRegularExpression {
        do { return try NSRegularExpression(pattern: p) } catch {
            throw ExecError(message: "error calling \(f): error parsing regexp: \(p)")
        }
    }

    /// Prometheus's convertToFloat: numbers, and strings that parse as floats.
    func toFloat(_ v: TValue, _ f: String) throws(ExecError) -> Double {
        switch v {
        case .float(let d): return d
        case .int(let i): return Double(i)
        case .string(let s):
            if let d = PromFloat.parse(s) { return d }
            throw ExecError(message: "error calling \(f): strconv.ParseFloat: parsing \(goQuote(s)): invalid syntax")
        default:
            throw ExecError(message: "error calling \(f): can't convert \(v.printed) to float")
        }
    }

    /// Go's basic-kind comparison: both sides of the same kind, else an error.
    func compare(_ a: TValue, _ b: TValue, _ f: String) throws(ExecError) -> Int {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.float(let x), .float(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.string(let x), .string(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.bool(let x), .bool(let y)):
            if f != "eq" && f != "ne" { throw ExecError(message: "error calling \(f): invalid type for comparison") }
            return x == y ? 0 : 1
        default:
            throw ExecError(message: "error calling \(f): incompatible types for comparison")
        }
    }
}

func goQuote(_ s: String) -> String {
    var out = "\""
    for c in s.unicodeScalars {
        switch c {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default: out.unicodeScalars.append(c)
        }
    }
    return out + "\""
}
