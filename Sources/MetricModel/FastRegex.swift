/// A fully anchored regex with RE2-like semantics and fast paths for common shapes.
///
/// Supported: the RE2 syntax that Swift's regex engine shares (classes, `\d \w \s`, Unicode
/// classes `\p{…}`, repetition incl. `{n,m}`, non-greedy, groups, `(?i)` flags, `(?P<name>…)`).
/// Refused with a clear error, as RE2 refuses them: backreferences (`\1`), lookaround
/// (`(?=`, `(?!`, `(?<=`, `(?<!`), atomic groups and possessive quantifiers.
/// `.` matches newline (Prometheus 3 compiles with `(?s)`).
public final class FastRegex: @unchecked Sendable, Hashable {
    public let pattern: String

    enum Shape {
        case literal(String)
        case literalSet(Set<String>, [String])
        case prefix(String)        // prefix.*
        case suffix(String)        // .*suffix
        case contains(String)      // .*infix.*
        case any                   // .*
        case nonEmpty              // .+
        case general
    }

    let shape: Shape
    // Swift Regex used only for `.general`; immutable after init, so concurrent reads are safe.
    private let compiled: Regex<AnyRegexOutput>?

    public init(_ pattern: String) throws {
        self.pattern = pattern
        try FastRegex.refuseNonRE2(pattern)
        let shape = FastRegex.classify(pattern)
        self.shape = shape
        do {
            // Always compile, so syntax errors surface even for shapes we match directly.
            let r = try Regex("(?s:" + pattern + ")")
            if case .general = shape { compiled = r } else { compiled = nil }
        } catch {
            throw MatcherError.invalidRegex(pattern: pattern, reason: "\(error)")
        }
    }

    public var literalSet: [String]? {
        switch shape {
        case .literal(let s): return [s]
        case .literalSet(_, let list): return list
        default: return nil
        }
    }

    @inlinable
    public func matches(_ s: String) -> Bool {
        return matchImpl(s)
    }

    @usableFromInline
    func matchImpl(_ s: String) -> Bool {
        switch shape {
        case .literal(let l): return s == l
        case .literalSet(let set, _): return set.contains(s)
        case .prefix(let p): return s.utf8.starts(with: p.utf8)
        case .suffix(let x): return s.utf8.count >= x.utf8.count && s.utf8.reversed().starts(with: x.utf8.reversed())
        case .contains(let x): return x.isEmpty || Self.containsBytes(s, x)
        case .any: return true
        case .nonEmpty: return !s.isEmpty
        case .general:
            return (try? compiled!.wholeMatch(in: s)) != nil
        }
    }

    static func containsBytes(_ s: String, _ x: String) -> Bool {
        let a = Array(s.utf8), b = Array(x.utf8)
        if b.count > a.count { return false }
        var i = 0
        while i + b.count <= a.count {
            if a[i] == b[0] && a[i..<(i + b.count)].elementsEqual(b) { return true }
            i += 1
        }
        return false
    }

    private static let meta: Set<Character> = ["\\", ".", "+", "*", "?", "(", ")", "|", "[", "]", "{", "}", "^", "$"]

    private static func isLiteral(_ s: Substring) -> Bool { !s.contains(where: { meta.contains($0) }) }

    static func classify(_ p: String) -> Shape {
        if p == ".*" { return .any }
        if p == ".+" { return .nonEmpty }
        if isLiteral(p[...]) { return .literal(p) }
        // Alternation of literals, optionally wrapped in one group: a|b|c or (a|b|c)
        var body = p[...]
        if body.hasPrefix("(") && body.hasSuffix(")") && !body.dropFirst().dropLast().contains(where: { $0 == "(" || $0 == ")" }) {
            body = body.dropFirst().dropLast()
        }
        if body.contains("|") {
            let parts = body.split(separator: "|", omittingEmptySubsequences: false)
            if parts.allSatisfy({ isLiteral($0) }) {
                let list = parts.map(String.init)
                return .literalSet(Set(list), list)
            }
        }
        if p.hasPrefix(".*") && p.hasSuffix(".*") && p.count >= 4 {
            let mid = p.dropFirst(2).dropLast(2)
            if isLiteral(mid) { return .contains(String(mid)) }
        }
        if p.hasSuffix(".*") {
            let pre = p.dropLast(2)
            if isLiteral(pre) { return .prefix(String(pre)) }
        }
        if p.hasPrefix(".*") {
            let suf = p.dropFirst(2)
            if isLiteral(suf) { return .suffix(String(suf)) }
        }
        return .general
    }

    static func refuseNonRE2(_ p: String) throws {
        let u = Array(p.unicodeScalars)
        var i = 0
        var inClass = false
        while i < u.count {
            let c = u[i]
            if c == "\\" {
                if i + 1 < u.count {
                    let n = u[i + 1]
                    if !inClass, let d = n.properties.numericType, d == .decimal, n != "0" {
                        throw MatcherError.invalidRegex(pattern: p, reason: "invalid escape sequence: `\\\(n)` (backreferences are not supported by RE2)")
                    }
                    if n == "Z" || n == "G" || n == "K" || n == "R" || n == "X" || n == "h" || n == "H" || n == "V" || n == "N" {
                        throw MatcherError.invalidRegex(pattern: p, reason: "invalid escape sequence: `\\\(n)`")
                    }
                }
                i += 2
                continue
            }
            if inClass {
                if c == "]" { inClass = false }
            } else if c == "[" {
                inClass = true
                if i + 1 < u.count && u[i + 1] == "]" { i += 1 }
                if i + 2 < u.count && u[i + 1] == "^" && u[i + 2] == "]" { i += 2 }
            } else if c == "(" && i + 1 < u.count && u[i + 1] == "?" {
                let rest = String(String.UnicodeScalarView(u[(i + 2)...].prefix(3)))
                if rest.hasPrefix("=") || rest.hasPrefix("!") || rest.hasPrefix("<=") || rest.hasPrefix("<!") || rest.hasPrefix(">") {
                    throw MatcherError.invalidRegex(pattern: p, reason: "invalid or unsupported Perl syntax: `(?\(rest.prefix(rest.hasPrefix("<") ? 2 : 1))` (lookaround and atomic groups are not RE2)")
                }
            } else if (c == "+" || c == "*" || c == "?" || c == "}") && i + 1 < u.count && u[i + 1] == "+" {
                throw MatcherError.invalidRegex(pattern: p, reason: "invalid nested repetition operator: `\(c)+`")
            }
            i += 1
        }
    }

    public static func == (a: FastRegex, b: FastRegex) -> Bool { a.pattern == b.pattern }
    public func hash(into h: inout Hasher) { h.combine(pattern) }
}
