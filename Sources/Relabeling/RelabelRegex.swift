import MetricModel

/// A relabeling regex: fully anchored like Prometheus's `relabel.Regexp` (`^(?s:RE)$`), RE2
/// syntax, with capture groups for `replacement` / `target_label` expansion.
///
/// Matching runs on Unicode scalars (RE2 works on code points, not grapheme clusters). Patterns
/// that are a literal or an alternation of literals are matched without the regex engine.
/// Immutable after construction, so safe to share between threads.
public final class RelabelRegex: @unchecked Sendable, CustomStringConvertible {
    /// The pattern as written in the config (without the anchoring wrapper).
    public let pattern: String
    private let compiled: Regex<AnyRegexOutput>
    private let literals: Set<String>?
    private let matchesAll: Bool

    /// The default regex `(.*)`. Prometheus compares configs against this exact instance (a
    /// regex written out as `(.*)` in YAML is not "the default"), so identity matters here.
    public static let defaultRegex: RelabelRegex = try! RelabelRegex("(.*)")

    public init(_ pattern: String) throws(RelabelError) {
        self.pattern = pattern
        try RelabelRegex.refuseNonRE2(pattern)
        do {
            // RE2 semantics: code points, and ASCII-only \d \w \s and POSIX classes.
            compiled = try Regex("(?s:" + RelabelRegex.translate(pattern) + ")")
                .matchingSemantics(.unicodeScalar).asciiOnlyCharacterClasses()
        } catch {
            throw RelabelError("error parsing regexp: \(error) in `\(pattern)`")
        }
        if let lits = try? FastRegex(pattern).literalSet, !pattern.contains("\\") {
            literals = Set(lits)
        } else {
            literals = nil
        }
        matchesAll = pattern == ".*" || pattern == "(.*)"
    }

    public var description: String { pattern }

    /// Whether this is the shared default instance (not merely the same pattern).
    public var isDefault: Bool { self === RelabelRegex.defaultRegex }

    /// Whole-string match.
    public func matches(_ s: String) -> Bool {
        if matchesAll { return true }
        if let literals { return literals.contains(s) }
        return (try? compiled.wholeMatch(in: s)) != nil
    }

    /// The capture groups of a whole-string match: index 0 is the whole string; nil entries are
    /// groups that did not participate. Returns nil when the regex does not match.
    public func captures(_ s: String) -> Captures? {
        guard let m = try? compiled.wholeMatch(in: s) else { return nil }
        var groups: [Substring?] = []
        var names: [String?] = []
        for element in m.output {
            groups.append(element.substring)
            names.append(element.name)
        }
        return Captures(groups: groups, names: names)
    }

    /// Go's `Regexp.ReplaceAllString` for an anchored regex: the template expanded when the whole
    /// string matches, else `s` unchanged.
    public func replaceAll(_ s: String, template: String) -> String {
        guard let c = captures(s) else { return s }
        return c.expand(template)
    }

    /// Rewrites RE2 spellings Swift's parser reads differently: `\\pL` → `\\p{L}`; POSIX classes
    /// made ASCII; inside `[…]` a leading `]`, a nested `[` and `&`/`~` are literals (Swift would
    /// read class set operations); a `{` that does not start `{n}`, `{n,}` or `{n,m}` is a literal.
    static func translate(_ p: String) -> String {
        let u = Array(p.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        var inClass = false
        func emit(_ s: String) { out.append(contentsOf: s.unicodeScalars) }
        while i < u.count {
            let c = u[i]
            if c == "\\" && i + 1 < u.count {
                let n = u[i + 1]
                if (n == "p" || n == "P") && i + 2 < u.count && u[i + 2] != "{" {
                    out.append(contentsOf: [c, n, "{", u[i + 2], "}"])
                    i += 3
                } else if (n == "p" || n == "P" || n == "x") && i + 2 < u.count && u[i + 2] == "{",
                          let close = u[(i + 2)...].firstIndex(of: "}") {
                    out.append(contentsOf: u[i...close])  // \p{Greek}, \x{263a}
                    i = close + 1
                } else {
                    out.append(contentsOf: [c, n])
                    i += 2
                }
                continue
            }
            if inClass {
                if c == "]" {
                    inClass = false
                    out.append(c)
                } else if c == "[" && i + 1 < u.count && u[i + 1] == ":" ,
                          let end = (i + 2 < u.count ? (i + 2)..<u.count : nil).flatMap({ r in r.first { u[$0] == ":" && $0 + 1 < u.count && u[$0 + 1] == "]" } }) {
                    let name = String(String.UnicodeScalarView(u[(i + 2)..<end]))
                    if let ascii = posixClasses.first(where: { $0.0 == name })?.1 { emit(ascii) } else { emit("[:\(name):]") }
                    i = end + 2
                    continue
                } else if c == "[" || c == "&" || c == "~" {
                    out.append("\\")
                    out.append(c)
                } else {
                    out.append(c)
                }
                i += 1
                continue
            }
            if c == "[" {
                inClass = true
                out.append(c)
                i += 1
                if i < u.count && u[i] == "^" { out.append("^"); i += 1 }
                if i < u.count && u[i] == "]" { emit("\\]"); i += 1 }
                continue
            }
            if c == "{" && !isRepetition(u, i) {
                emit("\\{")
                i += 1
                continue
            }
            out.append(c)
            i += 1
        }
        return String(out)
    }

    /// RE2: `{` starts a repetition only as `{n}`, `{n,}` or `{n,m}`.
    static func isRepetition(_ u: [Unicode.Scalar], _ start: Int) -> Bool {
        var i = start + 1
        func digits() -> Bool {
            let s = i
            while i < u.count && ("0"..."9").contains(u[i]) { i += 1 }
            return i > s
        }
        guard digits() else { return false }
        if i < u.count && u[i] == "," {
            i += 1
            _ = digits()
        }
        return i < u.count && u[i] == "}"
    }

    static let posixClasses: [(String, String)] = [
        ("alnum", "0-9A-Za-z"), ("alpha", "A-Za-z"), ("ascii", "\\x00-\\x7F"), ("blank", "\\t "),
        ("cntrl", "\\x00-\\x1F\\x7F"), ("digit", "0-9"), ("graph", "!-~"), ("lower", "a-z"), ("print", " -~"),
        ("punct", "!-/:-@\\[-`{-~"), ("space", "\\t\\n\\v\\f\\r "), ("upper", "A-Z"), ("word", "0-9A-Za-z_"),
        ("xdigit", "0-9A-Fa-f"),
    ]

    /// Refuses syntax RE2 (and therefore Prometheus) rejects but Swift's engine would accept.
    static func refuseNonRE2(_ p: String) throws(RelabelError) {
        let u = Array(p.unicodeScalars)
        var i = 0
        var inClass = false
        func fail(_ reason: String) -> RelabelError { RelabelError("error parsing regexp: \(reason): `\(p)`") }
        while i < u.count {
            let c = u[i]
            if c == "\\" {
                if i + 1 < u.count {
                    let n = u[i + 1]
                    if !inClass && n >= "1" && n <= "9" { throw fail("invalid escape sequence `\\\(n)`") }
                    if "ZGKRXhHVNkgiIcCeoj".unicodeScalars.contains(n) { throw fail("invalid escape sequence `\\\(n)`") }
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
                for bad in ["=", "!", "<=", "<!", ">", "#", "|", "P=", "P>", "&", "R", "+", "-", "^"] where rest.hasPrefix(bad) {
                    if bad == "-" && rest.count > 1, let next = rest.unicodeScalars.dropFirst().first, "imsU".unicodeScalars.contains(next) { continue }
                    throw fail("invalid or unsupported Perl syntax: `(?\(bad)`")
                }
            } else if (c == "+" || c == "*" || c == "?" || c == "}") && i + 1 < u.count && u[i + 1] == "+" {
                throw fail("invalid nested repetition operator: `\(c)+`")
            }
            i += 1
        }
    }
}

/// The groups of one match, for template expansion with Go's `Regexp.Expand` rules.
public struct Captures: Sendable {
    public let groups: [Substring?]
    public let names: [String?]

    /// Expands `$1`, `${1}`, `$name`, `${name}` and `$$` like Go's `Regexp.ExpandString`:
    /// a `$name` reference takes the longest run of letters, digits and `_` (so `$1x` is the
    /// group named `1x`, empty if none); a malformed reference leaves the `$` as text.
    public func expand(_ template: String) -> String {
        var out = ""
        let t = Array(template.unicodeScalars)
        var i = 0
        while i < t.count {
            let c = t[i]
            if c != "$" {
                out.unicodeScalars.append(c)
                i += 1
                continue
            }
            i += 1
            if i < t.count && t[i] == "$" {
                out += "$"
                i += 1
                continue
            }
            guard let (name, next) = Captures.extractName(t, i) else {
                out += "$"
                continue
            }
            i = next
            out += value(of: name)
        }
        return out
    }

    private func value(of name: String) -> String {
        if let num = Captures.groupNumber(name) {
            if num < groups.count, let g = groups[num] { return String(g) }
            return ""
        }
        for (idx, n) in names.enumerated() where n == name {
            if let g = groups[idx] { return String(g) }
        }
        return ""
    }

    /// Go's `extract`: `{name}` or a bare name of letters/digits/underscore. Returns the name and
    /// the index after it, or nil when malformed.
    static func extractName(_ t: [Unicode.Scalar], _ start: Int) -> (String, Int)? {
        var i = start
        guard i < t.count else { return nil }
        let brace = t[i] == "{"
        if brace { i += 1 }
        let nameStart = i
        while i < t.count && isNameScalar(t[i]) { i += 1 }
        if i == nameStart { return nil }
        let name = String(String.UnicodeScalarView(t[nameStart..<i]))
        if brace {
            guard i < t.count && t[i] == "}" else { return nil }
            i += 1
        }
        return (name, i)
    }

    static func isNameScalar(_ s: Unicode.Scalar) -> Bool {
        if s == "_" { return true }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber:
            return true
        default:
            return false
        }
    }

    /// A group number when `name` is all ASCII digits without a leading zero (Go caps at 1e8).
    static func groupNumber(_ name: String) -> Int? {
        var num = 0
        for b in name.utf8 {
            guard b >= 0x30 && b <= 0x39, num < 100_000_000 else { return nil }
            num = num * 10 + Int(b - 0x30)
        }
        if name.utf8.first == 0x30 && name.utf8.count > 1 { return nil }
        return num
    }
}
