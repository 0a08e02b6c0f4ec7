/// The four label matcher types of PromQL selectors and `match[]`.
public enum MatchType: String, Sendable, Hashable, CaseIterable {
    case equal = "="
    case notEqual = "!="
    case regexMatch = "=~"
    case regexNoMatch = "!~"
}

/// Errors building a matcher.
public enum MatcherError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The regex does not compile, or uses a construct RE2 (and so Prometheus) does not accept.
    case invalidRegex(pattern: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidRegex(pattern, reason): return "invalid regular expression \"\(pattern)\": \(reason)"
        }
    }
}

/// A label matcher with Prometheus's semantics: regexes are fully anchored (`^(?:re)$`), follow
/// RE2 syntax, and `.` matches newlines (Prometheus 3). A missing label matches as the empty
/// string, so `{foo=""}` selects series without `foo` and `{foo!=""}` those with it.
///
/// Common regex shapes (literal, alternation of literals, `prefix.*`, `.*suffix`, `.*infix.*`,
/// `.*`, `.+`) are matched without the regex engine, as Prometheus's `FastRegexMatcher` does.
/// Thread-safe: a matcher is immutable after construction.
public struct LabelMatcher: Sendable, Hashable, CustomStringConvertible {
    public let type: MatchType
    public let name: String
    public let value: String
    @usableFromInline let regex: FastRegex?

    public init(_ type: MatchType, _ name: String, _ value: String) throws {
        self.type = type
        self.name = name
        self.value = value
        switch type {
        case .equal, .notEqual: regex = nil
        case .regexMatch, .regexNoMatch: regex = try FastRegex(value)
        }
    }

    /// For matchers known to be valid (equality, or a regex that compiled before).
    public static func equal(_ name: String, _ value: String) -> LabelMatcher {
        try! LabelMatcher(.equal, name, value)
    }

    @inlinable
    public func matches(_ v: String) -> Bool {
        switch type {
        case .equal: return v == value
        case .notEqual: return v != value
        case .regexMatch: return regex!.matches(v)
        case .regexNoMatch: return !regex!.matches(v)
        }
    }

    /// Whether this matcher matches the empty string (i.e. series lacking the label).
    public var matchesEmpty: Bool { matches("") }

    /// Whether the labels satisfy this matcher (a missing label is the empty string).
    public func matches(_ labels: Labels) -> Bool { matches(labels.get(name)) }

    /// For regex matchers that are a finite set of literals (`a|b|c`), the set; else nil.
    public var setMatches: [String]? { regex?.literalSet }

    public var description: String {
        "\(name)\(type.rawValue)\"\(escapeLabelValue(value))\""
    }

    public static func == (a: LabelMatcher, b: LabelMatcher) -> Bool {
        a.type == b.type && a.name == b.name && a.value == b.value
    }

    public func hash(into h: inout Hasher) {
        h.combine(type)
        h.combine(name)
        h.combine(value)
    }
}

extension Array where Element == LabelMatcher {
    /// Whether every matcher matches the labels.
    public func matches(_ labels: Labels) -> Bool {
        allSatisfy { $0.matches(labels) }
    }
}
