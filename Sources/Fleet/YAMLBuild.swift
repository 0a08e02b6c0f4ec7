import Config

/// Small builders for emitting YAML trees with deterministic key order (Config's `YAMLTree`).
enum Y {
    static func map(_ pairs: [(String, YAMLTree)]) -> YAMLTree { .map(pairs) }
    /// A string, quoted when plain style would read back as something else.
    static func str(_ s: String) -> YAMLTree { .str(s) }
    static func int(_ v: Int) -> YAMLTree { .int(v) }
    static func bool(_ v: Bool) -> YAMLTree { .bool(v) }
    static func seq(_ items: [YAMLTree]) -> YAMLTree { .seq(items) }
    static func strs(_ items: [String]) -> YAMLTree { .strs(items) }
    /// A short list on one line: `[a, b]`.
    static func flow(_ items: [String]) -> YAMLTree { .flow(items) }
    /// A Prometheus duration, written as Prometheus prints it (`15s`, `1m30s`).
    static func duration(_ d: PromDuration) -> YAMLTree { .plain(d.description) }
    static func emit(_ node: YAMLTree) throws -> String { try node.serialized() }
}
