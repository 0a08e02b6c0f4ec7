// Durations after `[`, `:` and `offset`: number and duration literals, optionally signed.
// Prometheus's experimental duration arithmetic (`5m+1m`, `step()`, `min_of(…)`, parentheses) is
// parsed with its grammar so syntax errors read the same, and refused with Prometheus's message
// when the feature is off, in the order Prometheus's reductions would report it.

/// A parsed duration expression: a literal number of seconds, or a non-literal (experimental).
struct DurationValue {
    var seconds: Double?
    var range: PositionRange
}

extension ParserCore {
    static let experimentalDurationMessage = "experimental duration expression is not enabled"

    static func outOfRange(_ v: Double) -> Bool {
        v > 9223372036.854775807 || v < -9223372036.854775808
    }

    private static func durationOp(_ k: TokenKind) -> (prec: Int, right: Bool)? {
        switch k {
        case .add, .sub: return (4, false)
        case .mul, .div, .mod: return (5, false)
        case .pow: return (6, true)
        default: return nil
        }
    }

    mutating func parseDurationExpr(minPrec: Int, context: String, expected: String) throws(SyntaxAbort) -> DurationValue {
        var lhs = try parseDurationUnary(context: context, expected: expected)
        while let (prec, right) = ParserCore.durationOp(tok.kind), prec >= minPrec {
            let opTok = advance()
            let rhs = try parseDurationExpr(minPrec: right ? prec : prec + 1, context: context, expected: expected)
            addError(lhs.range, ParserCore.experimentalDurationMessage)
            if (opTok.kind == .div || opTok.kind == .mod), rhs.seconds == 0 {
                addError(opTok.range, opTok.kind == .div ? "division by zero" : "modulo by zero")
            }
            lhs = DurationValue(seconds: nil, range: PositionRange(start: lhs.range.start, end: rhs.range.end))
        }
        return lhs
    }

    private mutating func parseDurationUnary(context: String, expected: String) throws(SyntaxAbort) -> DurationValue {
        if tok.kind == .add || tok.kind == .sub {
            let opTok = advance()
            let inner = try parseDurationExpr(minPrec: 6, context: context, expected: expected)
            guard var v = inner.seconds else {
                return DurationValue(seconds: nil, range: PositionRange(start: opTok.start, end: inner.range.end))
            }
            if opTok.kind == .sub { v = -v }
            if ParserCore.outOfRange(v) {
                addError(opTok.range, "duration out of range")
                return DurationValue(seconds: 0, range: PositionRange(start: opTok.start, end: inner.range.end))
            }
            return DurationValue(seconds: v, range: PositionRange(start: opTok.start, end: inner.range.end))
        }
        return try parseDurationPrimary(context: context, expected: expected)
    }

    mutating func parseDurationPrimary(context: String, expected: String) throws(SyntaxAbort) -> DurationValue {
        switch tok.kind {
        case .number, .duration:
            let t = advance()
            let v = numberValue(t)
            if ParserCore.outOfRange(v) {
                addError(t.range, "duration out of range")
                return DurationValue(seconds: 0, range: t.range)
            }
            return DurationValue(seconds: v, range: t.range)
        case .step, .range:
            let t = advance()
            _ = try expect(.leftParen, context, expected)
            let close = try expect(.rightParen, context, expected)
            let r = PositionRange(start: t.start, end: close.end)
            addError(r, ParserCore.experimentalDurationMessage)
            return DurationValue(seconds: nil, range: r)
        case .maxOf, .minOf:
            let t = advance()
            _ = try expect(.leftParen, context, expected)
            _ = try parseDurationExpr(minPrec: 1, context: context, expected: expected)
            _ = try expect(.comma, context, expected)
            _ = try parseDurationExpr(minPrec: 1, context: context, expected: expected)
            let close = try expect(.rightParen, context, expected)
            let r = PositionRange(start: t.start, end: close.end)
            addError(r, ParserCore.experimentalDurationMessage)
            return DurationValue(seconds: nil, range: r)
        case .leftParen:
            let open = advance()
            let inner = try parseDurationExpr(minPrec: 1, context: context, expected: expected)
            let close = try expect(.rightParen, context, expected)
            addError(inner.range, ParserCore.experimentalDurationMessage)
            return DurationValue(seconds: nil, range: PositionRange(start: open.start, end: close.end))
        default:
            throw unexpected(context, expected)
        }
    }
}
