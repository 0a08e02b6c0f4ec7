import Yams

/// A YAML document as a tree with source lines and scalar/sequence styles: what modules other
/// than Config use to read and write YAML, so the YAML library stays inside Config (DESIGN:
/// "Yams in Config"). Mapping entries keep their order.
public struct YAMLTree: Sendable {
    public enum Kind: Sendable {
        case scalar(String)
        case mapping([(key: YAMLTree, value: YAMLTree)])
        case sequence([YAMLTree])
    }

    /// How a node is written: scalars plain or quoted, sequences and mappings in block or flow
    /// (`[a, b]`, `{a: b}`) style.
    public enum Style: Sendable {
        case plain, singleQuoted, doubleQuoted, block, flow
    }

    public var kind: Kind
    public var style: Style
    /// 1-based source line of a composed node; nil for built ones.
    public var line: Int?

    public init(_ kind: Kind, style: Style = .plain, line: Int? = nil) {
        self.kind = kind
        self.style = style
        self.line = line
    }

    /// The YAML syntax error of `compose`, with its 1-based line.
    public struct SyntaxError: Error, CustomStringConvertible, Sendable {
        public var message: String
        public var line: Int?
        public var description: String { message }
    }

    /// Parses one YAML document (nil for an empty one). Aliases are resolved by the composer.
    public static func compose(_ text: String) throws(SyntaxError) -> YAMLTree? {
        do {
            return try Yams.compose(yaml: text).map(YAMLTree.init(node:))
        } catch let e as YamlError {
            var line: Int?
            switch e {
            case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _): line = mark.line
            default: break
            }
            throw SyntaxError(message: "\(e)", line: line)
        } catch {
            throw SyntaxError(message: "\(error)", line: nil)
        }
    }

    /// The tree as YAML text: two-space indent, no line wrapping, keys in tree order.
    public func serialized() throws -> String {
        try Yams.serialize(node: node, indent: 2, width: -1, sortKeys: false)
    }

    // MARK: reading

    /// The scalar's text, nil for mappings and sequences.
    public var scalar: String? {
        if case .scalar(let s) = kind { return s }
        return nil
    }

    public var isQuoted: Bool { style == .singleQuoted || style == .doubleQuoted }

    /// A sequence's items, nil for other nodes.
    public var sequence: [YAMLTree]? {
        if case .sequence(let items) = kind { return items }
        return nil
    }

    /// A mapping's entries in order, nil for other nodes.
    public var mapping: [(key: YAMLTree, value: YAMLTree)]? {
        if case .mapping(let entries) = kind { return entries }
        return nil
    }

    /// A plain scalar read as an integer.
    public var int: Int? {
        guard let s = scalar, !isQuoted else { return nil }
        return Int(s)
    }

    /// A plain scalar read as a YAML 1.1 boolean (true/false, yes/no, on/off).
    public var bool: Bool? {
        guard let s = scalar, !isQuoted else { return nil }
        switch s.lowercased() {
        case "true", "yes", "on", "y": return true
        case "false", "no", "off", "n": return false
        default: return nil
        }
    }

    /// A plain `~`, `null` or empty scalar.
    public var isNull: Bool {
        guard case .scalar(let s) = kind, !isQuoted else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(s)
    }

    /// The value of the first mapping entry whose key is the scalar `key`.
    public subscript(key: String) -> YAMLTree? {
        guard case .mapping(let entries) = kind else { return nil }
        return entries.first { $0.key.scalar == key }?.value
    }

    // MARK: building

    public static func map(_ pairs: [(String, YAMLTree)]) -> YAMLTree {
        YAMLTree(.mapping(pairs.map { (key: YAMLTree(.scalar($0.0)), value: $0.1) }), style: .block)
    }

    public static func seq(_ items: [YAMLTree]) -> YAMLTree { YAMLTree(.sequence(items), style: .block) }

    /// A short list of strings on one line: `[a, b]`.
    public static func flow(_ items: [String]) -> YAMLTree { YAMLTree(.sequence(items.map(str)), style: .flow) }

    public static func strs(_ items: [String]) -> YAMLTree { seq(items.map(str)) }

    /// Text written as is (numbers, booleans, durations).
    public static func plain(_ s: String) -> YAMLTree { YAMLTree(.scalar(s)) }

    public static func int(_ v: Int) -> YAMLTree { plain(String(v)) }
    public static func bool(_ v: Bool) -> YAMLTree { plain(v ? "true" : "false") }

    /// A string, double-quoted when plain style would read back as something else (a number,
    /// bool, null, duration-looking text) or needs escaping.
    public static func str(_ s: String) -> YAMLTree {
        YAMLTree(.scalar(s), style: needsQuotes(s) ? .doubleQuoted : .plain)
    }

    static func needsQuotes(_ s: String) -> Bool {
        guard let first = s.utf8.first else { return true }
        let plainFirst = (first >= 65 && first <= 90) || (first >= 97 && first <= 122) || first == 95 || first == 47
        let plainRest = s.utf8.allSatisfy {
            ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57)
                || $0 == 95 || $0 == 45 || $0 == 46 || $0 == 47
        }
        let reserved = ["true", "false", "yes", "no", "on", "off", "null", "y", "n"].contains(s.lowercased())
        return !(plainFirst && plainRest) || reserved
    }

    // MARK: conversion

    init(node: Node) {
        let line = node.mark?.line
        switch node {
        case .scalar(let s):
            let style: Style = s.style == .singleQuoted ? .singleQuoted : s.style == .doubleQuoted ? .doubleQuoted : .plain
            self.init(.scalar(s.string), style: style, line: line)
        case .mapping(let m):
            self.init(.mapping(m.map { (key: YAMLTree(node: $0.key), value: YAMLTree(node: $0.value)) }),
                      style: m.style == .flow ? .flow : .block, line: line)
        case .sequence(let s):
            self.init(.sequence(s.map(YAMLTree.init(node:))), style: s.style == .flow ? .flow : .block, line: line)
        }
    }

    var node: Node {
        switch kind {
        case .scalar(let s):
            let style: Node.Scalar.Style = style == .singleQuoted ? .singleQuoted : style == .doubleQuoted ? .doubleQuoted : .plain
            return .scalar(Node.Scalar(s, .implicit, style))
        case .mapping(let entries):
            return .mapping(Node.Mapping(entries.map { ($0.key.node, $0.value.node) }, .implicit, style == .flow ? .flow : .any))
        case .sequence(let items):
            return .sequence(Node.Sequence(items.map(\.node), .implicit, style == .flow ? .flow : .any))
        }
    }
}
