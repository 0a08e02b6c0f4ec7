// Lexer tokens (Prometheus promql/parser/lex.go ItemType) and their descriptions in error text.

enum TokenKind: Sendable, Equatable {
    case eof, error, comment, identifier, metricIdentifier, number, duration, string
    case leftParen, rightParen, leftBrace, rightBrace, leftBracket, rightBracket
    case comma, eql, colon
    // Operators.
    case add, sub, mul, div, mod, pow, eqlc, neq, lte, lss, gte, gtr, trimUpper, trimLower
    case eqlRegex, neqRegex, at, land, lor, lunless, atan2
    // Aggregators.
    case aggregator(AggregateOp)
    // Keywords.
    case bool, by, groupLeft, groupRight, fill, fillLeft, fillRight, ignoring, offset, smoothed, anchored, on, without
    // Preprocessors.
    case start, end, step, range, maxOf, minOf

    var isOperator: Bool {
        switch self {
        case .add, .sub, .mul, .div, .mod, .pow, .eqlc, .neq, .lte, .lss, .gte, .gtr, .trimUpper, .trimLower,
             .eqlRegex, .neqRegex, .at, .land, .lor, .lunless, .atan2: return true
        default: return false
        }
    }

    var isKeyword: Bool {
        switch self {
        case .bool, .by, .groupLeft, .groupRight, .fill, .fillLeft, .fillRight, .ignoring, .offset, .smoothed,
             .anchored, .on, .without: return true
        default: return false
        }
    }

    /// Whether Prometheus's ItemTypeStr has a fixed string for this kind.
    var hasFixedString: Bool {
        switch self {
        case .eof, .error, .comment, .identifier, .metricIdentifier, .number, .duration, .string: return false
        default: return true
        }
    }

    var descName: String {
        switch self {
        case .error: return "error"
        case .eof: return "end of input"
        case .comment: return "comment"
        case .identifier: return "identifier"
        case .metricIdentifier: return "metric identifier"
        case .string: return "string"
        case .number: return "number"
        case .duration: return "duration"
        default: return "\(self)"
        }
    }

    /// The binary operator this token stands for, if any.
    var binaryOp: BinaryOp? {
        switch self {
        case .add: return .add
        case .sub: return .sub
        case .mul: return .mul
        case .div: return .div
        case .mod: return .mod
        case .pow: return .pow
        case .atan2: return .atan2
        case .eqlc: return .eql
        case .neq: return .neq
        case .gtr: return .gtr
        case .lss: return .lss
        case .gte: return .gte
        case .lte: return .lte
        case .land: return .and
        case .lor: return .or
        case .lunless: return .unless
        default: return nil
        }
    }

    /// Tokens that may name a metric (grammar rule `metric_identifier`).
    var isMetricIdentifier: Bool {
        switch self {
        case .identifier, .metricIdentifier, .aggregator, .by, .without, .fill, .fillLeft, .fillRight,
             .land, .lor, .lunless, .offset, .start, .end, .step, .range, .anchored, .smoothed, .maxOf, .minOf:
            return true
        default: return false
        }
    }

    /// Tokens accepted as a label name in grouping lists (grammar rule `maybe_label`).
    var isMaybeLabel: Bool {
        switch self {
        case .identifier, .metricIdentifier, .aggregator, .bool, .by, .groupLeft, .groupRight, .fill, .fillLeft,
             .fillRight, .ignoring, .land, .lor, .lunless, .offset, .on, .start, .end, .atan2, .step, .range,
             .anchored, .smoothed, .maxOf, .minOf:
            return true
        default: return false
        }
    }
}

struct Token: Sendable {
    var kind: TokenKind
    /// Byte offsets of the token text.
    var start: Int
    var end: Int
    /// Error message for `.error` tokens.
    var message: String = ""

    var range: PositionRange { PositionRange(start: start, end: end) }
}

/// Keywords, case-insensitive (lex.go `key`). `inf` and `nan` lex as numbers.
let keywordTable: [String: TokenKind] = {
    var m: [String: TokenKind] = [
        "and": .land, "or": .lor, "unless": .lunless, "atan2": .atan2,
        "offset": .offset, "smoothed": .smoothed, "anchored": .anchored, "by": .by, "without": .without,
        "on": .on, "ignoring": .ignoring, "group_left": .groupLeft, "group_right": .groupRight,
        "fill": .fill, "fill_left": .fillLeft, "fill_right": .fillRight, "bool": .bool,
        "start": .start, "end": .end, "step": .step, "range": .range, "max_of": .maxOf, "min_of": .minOf,
        "inf": .number, "nan": .number,
    ]
    for op in AggregateOp.allCases { m[op.rawValue] = .aggregator(op) }
    return m
}()
