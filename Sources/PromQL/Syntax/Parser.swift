import MetricModel

/// Parser options, as Prometheus's parser.Options.
public struct ParserOptions: Sendable, Hashable {
    /// Accept experimental functions and the `limitk`/`limit_ratio` aggregations. When false,
    /// they fail as in Prometheus without `--enable-feature=promql-experimental-functions`
    /// (`function "sort_by_label" is not enabled`). Default true: the parser accepts them and
    /// the engine decides (each FunctionSignature carries `experimental`).
    public var enableExperimentalFunctions: Bool

    public init(enableExperimentalFunctions: Bool = true) {
        self.enableExperimentalFunctions = enableExperimentalFunctions
    }
}

/// PromQL parsing entry points (Prometheus promql/parser: ParseExpr, ParseMetricSelector).
///
/// Errors are Prometheus's: the first error found, with its position, worded as Prometheus words
/// it (`1:14: parse error: unexpected "}" in label matching, expected string`). Type checking
/// (Prometheus's checkAST) runs when the query is syntactically valid.
public enum Parser {
    /// Parses and type-checks a PromQL expression.
    public static func parseExpr(_ input: String, options: ParserOptions = .init()) throws(ParseError) -> Expr {
        var p = ParserCore(input, options: options)
        let e = p.parseTop()
        if let err = p.firstError() { throw err }
        guard let expr = e else {
            throw ParseError(position: PositionRange(start: 0, end: 0), message: "unexpected error", query: input)
        }
        var c = Checker(query: p.bytes, binaryInfo: p.binaryInfo)
        _ = c.check(expr)
        if let (r, m) = c.errors.first { throw ParseError(position: r, message: m, query: input) }
        return expr
    }

    /// Parses a series selector as used by `match[]` (`up{job="x"}`, `{__name__=~"a.*"}`): the
    /// matchers, the metric name one last when the name precedes the braces. Like Prometheus's
    /// ParseMetricSelector it does not type-check: `{job=""}` is accepted here (the HTTP API's
    /// check is `parseMatchersParam`; /federate has none).
    public static func parseMetricSelector(_ input: String) throws(ParseError) -> [LabelMatcher] {
        var p = ParserCore(input, options: .init())
        let vs = p.parseTopSelector()
        if let err = p.firstError() { throw err }
        guard let sel = vs else {
            throw ParseError(position: PositionRange(start: 0, end: 0), message: "unexpected error", query: input)
        }
        return sel.matchers
    }

    /// The HTTP API's `match[]` handling (web/api/v1 parseMatchersParam): every selector parsed,
    /// and each must have a matcher that does not match the empty string.
    public static func parseMatchersParam(_ inputs: [String]) throws(MatchersParamError) -> [[LabelMatcher]] {
        var sets: [[LabelMatcher]] = []
        for s in inputs {
            do throws(ParseError) {
                sets.append(try parseMetricSelector(s))
            } catch {
                throw .parse(error)
            }
        }
        for ms in sets where !ms.contains(where: { !$0.matchesEmpty }) {
            throw .noNonEmptyMatcher
        }
        return sets
    }

    /// Parses a Prometheus duration (`5m`, `1h30m`, `1d`, `100ms`, `0`) to milliseconds.
    public static func parseDuration(_ s: String) throws(ParseError) -> Int64 {
        switch Literals.parseDurationNanos(s) {
        case .success(let ns): return ns / 1_000_000
        case .failure(let e):
            throw ParseError(position: PositionRange(start: 0, end: s.utf8.count), message: e.message, query: s)
        }
    }

    /// Formats milliseconds as Prometheus's model.Duration String() (`1h30m`, `0s`).
    public static func formatDuration(milliseconds: Int64) -> String {
        Literals.formatDuration(milliseconds: milliseconds)
    }
}

/// Why a `match[]` parameter was refused; `description` is Prometheus's error text.
public enum MatchersParamError: Error, Equatable, Sendable, CustomStringConvertible {
    case parse(ParseError)
    case noNonEmptyMatcher

    public var description: String {
        switch self {
        case .parse(let e): return e.description
        case .noNonEmptyMatcher: return "match[] must contain at least one non-empty matcher"
        }
    }
}

/// Deepest expression tree accepted. Prometheus has no limit, but recursion over a deeper tree
/// (parser, checker, printer, evaluator) could exhaust a thread's stack; such a query fails with
/// `maxNestingMessage` instead of crashing the process.
let maxNesting = 500
let maxNestingMessage = "expression is nested too deeply (more than \(maxNesting) levels)"

/// Thrown inside the parser on a syntax error; the message is already recorded.
struct SyntaxAbort: Error {}

/// What the checker needs to know about a binary expression's modifiers as written.
struct BinaryInfo {
    var matching: VectorMatching
    var returnBool: Bool
}

/// The recursive-descent parser's state: one token of lookahead, the errors in the order
/// Prometheus would record them, and the aggregation nesting that words syntax errors.
struct ParserCore {
    let bytes: [UInt8]
    let query: String
    let options: ParserOptions
    var lexer: Lexer
    var tok: Token
    var errors: [(PositionRange, String)] = []
    var aggDepth = 0
    /// Depth of the tree being built above the current node (recursion plus operator chains).
    var nesting = 0
    var binaryInfo: [PositionRange: BinaryInfo] = [:]
    /// End of the last consumed token.
    var lastEnd = 0

    init(_ input: String, options: ParserOptions) {
        query = input
        bytes = Array(input.utf8)
        self.options = options
        lexer = Lexer(bytes)
        tok = Token(kind: .eof, start: 0, end: 0)
        tok = fetch()
    }

    func firstError() -> ParseError? {
        errors.first.map { ParseError(position: $0.0, message: $0.1, query: query) }
    }

    mutating func addError(_ r: PositionRange, _ msg: String) {
        errors.append((r, msg))
    }

    private mutating func fetch() -> Token {
        while true {
            let t = lexer.nextToken()
            if t.kind == .comment { continue }
            if t.kind == .error { addError(PositionRange(start: t.start, end: bytes.count), t.message) }
            return t
        }
    }

    /// Consumes the lookahead token and returns it.
    @discardableResult
    mutating func advance() -> Token {
        let t = tok
        lastEnd = t.end
        tok = fetch()
        return t
    }

    func text(_ t: Token) -> String { String(decoding: bytes[t.start..<t.end], as: UTF8.self) }

    /// Prometheus's Item.desc() of the lookahead token.
    func describe(_ t: Token) -> String {
        let val = text(t)
        if t.kind == .eof { return "end of input" }
        if t.kind.hasFixedString {
            if t.kind.isKeyword { return "<\(val)>" }
            if t.kind.isOperator { return "<op:\(val)>" }
            if case .aggregator = t.kind { return "<aggr:\(val)>" }
            return quoteItem(val)
        }
        switch t.kind {
        case .identifier, .metricIdentifier: return "\(t.kind.descName) \(GoQuote.quote(val))"
        default: return "\(t.kind.descName) \(quoteItem(val))"
        }
    }

    private func quoteItem(_ val: String) -> String {
        val.unicodeScalars.count > 10 ? GoQuote.quote(val, maxRunes: 10) + "..." : GoQuote.quote(val)
    }

    /// Records `unexpected <token>[ in <context>][, expected <expected>]` (unless the lookahead is
    /// a lexer error, already recorded) and returns the abort to throw.
    mutating func unexpected(_ context: String = "", _ expected: String = "") -> SyntaxAbort {
        if tok.kind != .error {
            var msg = "unexpected " + describe(tok)
            var ctx = context
            if ctx.isEmpty && aggDepth > 0 && expected.isEmpty { ctx = "aggregation" }
            if !ctx.isEmpty { msg += " in " + ctx }
            if !expected.isEmpty { msg += ", expected " + expected }
            addError(tok.range, msg)
        }
        return SyntaxAbort()
    }

    mutating func expect(_ k: TokenKind, _ context: String = "", _ expected: String = "") throws(SyntaxAbort) -> Token {
        guard tok.kind == k else { throw unexpected(context, expected) }
        return advance()
    }

    // MARK: top level

    mutating func parseTop() -> Expr? {
        if tok.kind == .eof {
            addError(PositionRange(start: 0, end: 0), "no expression found in input")
            return nil
        }
        do {
            let e = try parseExpression()
            if tok.kind != .eof { throw unexpected() }
            return e
        } catch {
            return nil
        }
    }

    mutating func parseTopSelector() -> VectorSelector? {
        do {
            let start = tok
            var name: Token?
            if tok.kind.isMetricIdentifier {
                name = advance()
            } else if tok.kind != .leftBrace {
                throw unexpected()
            }
            let vs = try parseVectorSelector(name: name, start: start.start)
            if tok.kind != .eof { throw unexpected() }
            return vs
        } catch {
            return nil
        }
    }
}
