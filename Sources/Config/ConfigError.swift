import Relabeling

/// A configuration error with its place: `prometheus.yml:12: field scrape_intervall not found in
/// type config.ScrapeConfig`. Messages use Prometheus's wording; the place is ours (Prometheus
/// gives a line only for YAML type errors).
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file name as given to the loader (or `<string>`).
    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?
    /// The YAML field the error is about (e.g. `scrape_timeout`), when there is one.
    public var field: String?
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, field: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

/// A secret value (password, token, key): printed as `<secret>`, read with `.value`.
public struct Secret: Hashable, Sendable, CustomStringConvertible {
    public var value: String
    public init(_ value: String) { self.value = value }
    public var isEmpty: Bool { value.isEmpty }
    public var description: String { value.isEmpty ? "" : "<secret>" }
}

/// A YAML section we accept and keep but do not interpret (e.g. `remote_write`): its YAML text.
public struct RawYAML: Hashable, Sendable {
    public var yaml: String
    public var line: Int
}

func quoteGo(_ s: String) -> String { goQuote(s) }
