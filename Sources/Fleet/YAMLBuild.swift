import Yams

/// Small builders for emitting YAML trees with deterministic key order.
enum Y {
    static func map(_ pairs: [(String, Node)]) -> Node {
        .mapping(Node.Mapping(pairs.map { (Node.scalar(Node.Scalar($0.0)), $0.1) }))
    }

    /// A string, quoted when plain style would read back as something else (a number, bool,
    /// null, duration-looking text) or needs escaping.
    static func str(_ s: String) -> Node {
        .scalar(Node.Scalar(s, .implicit, needsQuotes(s) ? .doubleQuoted : .plain))
    }

    static func int(_ v: Int) -> Node { .scalar(Node.Scalar(String(v), .implicit, .plain)) }
    static func bool(_ v: Bool) -> Node { .scalar(Node.Scalar(v ? "true" : "false", .implicit, .plain)) }
    static func seq(_ items: [Node]) -> Node { .sequence(Node.Sequence(items)) }
    static func strs(_ items: [String]) -> Node { seq(items.map(str)) }
    /// A short list on one line: `[a, b]`.
    static func flow(_ items: [String]) -> Node { .sequence(Node.Sequence(items.map(str), .implicit, .flow)) }
    /// A Prometheus duration; plain style reads back as the same string.
    static func duration(_ d: PromDuration) -> Node { .scalar(Node.Scalar(d.text, .implicit, .plain)) }

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

    static func emit(_ node: Node) throws -> String {
        try Yams.serialize(node: node, indent: 2, width: -1, sortKeys: false)
    }
}
