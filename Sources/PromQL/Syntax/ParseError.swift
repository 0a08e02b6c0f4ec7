// Parse errors as Prometheus reports them (promql/parser/parse.go ParseErr):
// `<line>:<col>: parse error: <message>`, line and column 1-based, column in bytes.

/// A PromQL parse error. `description` is Prometheus's `ParseErr.Error()` text.
public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Byte range in `query` the error refers to.
    public var position: PositionRange
    /// The message without position, e.g. `unexpected end of input`.
    public var message: String
    /// The query that failed to parse.
    public var query: String

    public init(position: PositionRange, message: String, query: String) {
        self.position = position
        self.message = message
        self.query = query
    }

    /// `line:col` of the start position, as posrange.StartPosInput.
    public var lineColumn: String {
        if query.isEmpty { return "unknown position" }
        let bytes = Array(query.utf8)
        let p = position.start
        if p < 0 || p > bytes.count { return "invalid position" }
        var line = 1
        var lastBreak = -1
        for i in 0..<p where bytes[i] == 0x0A {
            lastBreak = i
            line += 1
        }
        return "\(line):\(p - lastBreak)"
    }

    public var description: String { "\(lineColumn): parse error: \(message)" }
}
