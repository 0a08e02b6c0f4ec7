/// One problem in a topology: the field (a dotted path such as `federation.replicas`), the
/// reason, and the line in the file when known.
public struct TopologyIssue: Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var reason: String
    public var line: Int?

    public init(field: String, reason: String, line: Int? = nil) {
        self.field = field
        self.reason = reason
        self.line = line
    }

    public var description: String {
        (line.map { "line \($0): " } ?? "") + (field.isEmpty ? reason : "\(field): \(reason)")
    }
}

/// A topology refused: every issue found, in file order.
public struct TopologyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String?
    public var issues: [TopologyIssue]

    public init(file: String? = nil, issues: [TopologyIssue]) {
        self.file = file
        self.issues = issues
    }

    public var description: String {
        let prefix = file.map { "\($0): " } ?? ""
        return "invalid topology:\n" + issues.map { "  \(prefix)\($0)" }.joined(separator: "\n")
    }
}
