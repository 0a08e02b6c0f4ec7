/// Relabeling: Prometheus's `relabel_configs` / `metric_relabel_configs` semantics.
///
/// Contract (Prometheus `model/relabel`): configs apply in order to one label set; an action may
/// rewrite labels or drop the whole set (`relabel(...)` returns nil). Regexes are fully anchored
/// RE2. `hashmod` is bit-compatible with Prometheus (md5, last 8 bytes big-endian, mod modulus),
/// so a promfleet shard and a Prometheus shard with the same rule scrape the same targets.
/// All types here are immutable values and safe to share between threads.

/// The relabel actions Prometheus knows.
public enum RelabelAction: String, Sendable, Hashable, CaseIterable {
    case replace, keep, drop, keepequal, dropequal, hashmod, labelmap, labeldrop, labelkeep, lowercase, uppercase

    /// Parses an action case-insensitively, as Prometheus does.
    public init(parsing s: String) throws(RelabelError) {
        guard let a = RelabelAction(rawValue: s.lowercased()) else {
            throw RelabelError("unknown relabel action \(goQuote(s))")
        }
        self = a
    }
}

/// How label names are validated (Prometheus's `model.ValidationScheme`).
public enum NameValidationScheme: String, Sendable, Hashable {
    /// `[a-zA-Z_][a-zA-Z0-9_]*` — Prometheus 2.x, and promfleet's default.
    case legacy
    /// Any non-empty UTF-8 string — Prometheus 3's default.
    case utf8

    public func isValidLabelName(_ name: String) -> Bool {
        switch self {
        case .utf8: return !name.isEmpty
        case .legacy: return isLegacyLabelName(name)
        }
    }
}

/// A relabeling or configuration error; `message` uses Prometheus's wording.
public struct RelabelError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One relabel rule. Defaults are Prometheus's: separator `;`, regex `(.*)`, replacement `$1`,
/// action `replace`.
public struct RelabelConfig: Sendable {
    public var sourceLabels: [String]
    public var separator: String
    public var regex: RelabelRegex
    public var modulus: UInt64
    public var targetLabel: String
    public var replacement: String
    public var action: RelabelAction
    public var nameValidationScheme: NameValidationScheme

    public static let defaultSeparator = ";"
    public static let defaultReplacement = "$1"

    public init(
        sourceLabels: [String] = [], separator: String = RelabelConfig.defaultSeparator,
        regex: RelabelRegex = .defaultRegex, modulus: UInt64 = 0, targetLabel: String = "",
        replacement: String = RelabelConfig.defaultReplacement, action: RelabelAction = .replace,
        nameValidationScheme: NameValidationScheme = .legacy
    ) {
        self.sourceLabels = sourceLabels
        self.separator = separator
        self.regex = regex
        self.modulus = modulus
        self.targetLabel = targetLabel
        self.replacement = replacement
        self.action = action
        self.nameValidationScheme = nameValidationScheme
    }

    /// Convenience: compiles `regex` (throws on a bad pattern) and validates the rule.
    public init(
        sourceLabels: [String] = [], separator: String = RelabelConfig.defaultSeparator,
        regex: String, modulus: UInt64 = 0, targetLabel: String = "",
        replacement: String = RelabelConfig.defaultReplacement, action: RelabelAction = .replace
    ) throws(RelabelError) {
        self.init(sourceLabels: sourceLabels, separator: separator, regex: try RelabelRegex(regex),
                  modulus: modulus, targetLabel: targetLabel, replacement: replacement, action: action)
        try validate()
    }

    /// Prometheus's `relabel.Config.Validate`, with the same messages.
    public func validate() throws(RelabelError) {
        let a = action
        let scheme = nameValidationScheme
        if a == .hashmod && modulus == 0 {
            throw RelabelError("relabel configuration for hashmod requires non-zero modulus")
        }
        if [.replace, .hashmod, .lowercase, .uppercase, .keepequal, .dropequal].contains(a) && targetLabel.isEmpty {
            throw RelabelError("relabel configuration for \(a.rawValue) action requires 'target_label' value")
        }
        let invalidTarget = RelabelError("\(goQuote(targetLabel)) is invalid 'target_label' for \(a.rawValue) action")
        let targetHasVar = targetLabel.contains("$")
        if a == .replace && !targetHasVar && !scheme.isValidLabelName(targetLabel) { throw invalidTarget }
        if a == .replace && targetHasVar && !isValidNameWithVars(targetLabel) { throw invalidTarget }
        let equalLike: Set<RelabelAction> = [.lowercase, .uppercase, .keepequal, .dropequal]
        if equalLike.contains(a) && !scheme.isValidLabelName(targetLabel) { throw invalidTarget }
        if equalLike.contains(a) && replacement != Self.defaultReplacement {
            throw RelabelError("'replacement' can not be set for \(a.rawValue) action")
        }
        if a == .labelmap && !isValidNameWithVars(replacement) {
            throw RelabelError("\(goQuote(replacement)) is invalid 'replacement' for \(a.rawValue) action")
        }
        if a == .hashmod && !scheme.isValidLabelName(targetLabel) { throw invalidTarget }
        if a == .keepequal || a == .dropequal {
            if !regex.isDefault || modulus != 0 || separator != Self.defaultSeparator || replacement != Self.defaultReplacement {
                throw RelabelError("\(a.rawValue) action requires only 'source_labels' and `target_label`, and no other fields")
            }
        }
        if a == .labeldrop || a == .labelkeep {
            if !sourceLabels.isEmpty || !targetLabel.isEmpty || modulus != 0
                || separator != Self.defaultSeparator || replacement != Self.defaultReplacement {
                throw RelabelError("\(a.rawValue) action requires only 'regex', and no other fields")
            }
        }
    }

    private func isValidNameWithVars(_ s: String) -> Bool {
        nameValidationScheme == .utf8 ? !s.isEmpty : isLegacyNameWithVars(s)
    }
}

/// `[a-zA-Z_][a-zA-Z0-9_]*`.
public func isLegacyLabelName(_ name: String) -> Bool {
    var first = true
    for b in name.utf8 {
        let ok = (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F || (!first && b >= 0x30 && b <= 0x39)
        if !ok { return false }
        first = false
    }
    return !first
}

@inline(__always) func isWordByte(_ b: UInt8) -> Bool {
    (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F || (b >= 0x30 && b <= 0x39)
}

/// Prometheus's `relabelTargetLegacy`: `^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$` — a legacy
/// label name in which `$var` / `${var}` references may stand for characters.
func isLegacyNameWithVars(_ s: String) -> Bool {
    let b = Array(s.utf8)
    var i = 0
    func variable() -> Bool {  // at b[i] == "$"
        i += 1
        if i < b.count && b[i] == UInt8(ascii: "{") {
            i += 1
            let start = i
            while i < b.count && isWordByte(b[i]) { i += 1 }
            guard i > start, i < b.count, b[i] == UInt8(ascii: "}") else { return false }
            i += 1
            return true
        }
        let start = i
        while i < b.count && isWordByte(b[i]) { i += 1 }
        return i > start
    }
    guard !b.isEmpty else { return false }
    if b[0] == UInt8(ascii: "$") {
        if !variable() { return false }
    } else if isWordByte(b[0]) && !(b[0] >= 0x30 && b[0] <= 0x39) {
        i = 1
    } else {
        return false
    }
    while i < b.count {
        if isWordByte(b[i]) { i += 1 } else if b[i] == UInt8(ascii: "$") { if !variable() { return false } } else { return false }
    }
    return true
}

/// Go's `%q` for the strings that appear in messages (quotes, backslashes and control chars escaped).
public func goQuote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        default:
            if u.value < 0x20 || u.value == 0x7F {
                let hex = String(u.value, radix: 16)
                out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    return out + "\""
}

extension RelabelConfig: Equatable {
    /// Same rule: equal fields, regexes with the same pattern and the same "default" status.
    public static func == (a: RelabelConfig, b: RelabelConfig) -> Bool {
        a.sourceLabels == b.sourceLabels && a.separator == b.separator && a.regex.pattern == b.regex.pattern
            && a.regex.isDefault == b.regex.isDefault && a.modulus == b.modulus && a.targetLabel == b.targetLabel
            && a.replacement == b.replacement && a.action == b.action && a.nameValidationScheme == b.nameValidationScheme
    }
}
