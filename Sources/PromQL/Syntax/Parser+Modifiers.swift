import MetricModel

// Postfix modifiers: range `[5m]`, subquery `[1h:5m]`, `offset`, `@`, in any order, as in
// generated_parser.y (matrix_selector, subquery_expr, offset_expr, step_invariant_expr).

extension ParserCore {
    mutating func parsePostfix(_ base: Expr) throws(SyntaxAbort) -> Expr {
        var e = base
        while true {
            switch tok.kind {
            case .leftBracket:
                try deeper()
                e = try parseRangeOrSubquery(e)
            case .offset: e = try parseOffset(e)
            case .at: e = try parseAt(e)
            case .anchored, .smoothed:
                let t = advance()
                addError(e.positionRange, "\(text(t).lowercased()) modifier is experimental and not enabled")
            default: return e
            }
        }
    }

    private static func nanos(_ seconds: Double) -> Int64 {
        let ns = (seconds * 1e9).rounded()
        if ns >= 9.2e18 { return Int64.max }
        if ns <= -9.2e18 { return Int64.min }
        return Int64(ns)
    }

    private static func ms(_ seconds: Double) -> Int64 { nanos(seconds) / 1_000_000 }

    // MARK: ranges and subqueries

    private mutating func parseRangeOrSubquery(_ e: Expr) throws(SyntaxAbort) -> Expr {
        let open = advance()
        let rangeV = try parsePositiveDuration(context: "subquery or range selector",
                                               expected: "number, duration, step(), or range()")
        if tok.kind == .rightBracket {
            let close = advance()
            let errRange = PositionRange(start: open.start, end: close.end)
            var vs: VectorSelector?
            if case .vectorSelector(let v) = e {
                vs = v
                if v.offset != 0 {
                    addError(errRange, "no offset modifiers allowed before range")
                } else if v.at != nil {
                    addError(errRange, "no @ modifiers allowed before range")
                }
            } else {
                addError(errRange, "ranges only allowed for vector selectors")
            }
            let range = ParserCore.ms(rangeV.seconds ?? 0)
            let sel = vs ?? VectorSelector(name: nil, matchers: [], position: e.positionRange)
            return .matrixSelector(MatrixSelector(vector: sel, range: range,
                                                  position: PositionRange(start: e.positionRange.start, end: close.end)))
        }
        guard tok.kind == .colon else { throw unexpected("subquery or range", "\":\" or \"]\"") }
        advance()
        var step: Int64 = 0
        if tok.kind != .rightBracket {
            let stepV = try parsePositiveDuration(context: "subquery selector",
                                                  expected: "number, duration, step(), range(), or \"]\"")
            step = ParserCore.ms(stepV.seconds ?? 0)
            guard tok.kind == .rightBracket else { throw unexpected("subquery selector", "\"]\"") }
        }
        let close = advance()
        return .subquery(SubqueryExpr(expr: e, range: ParserCore.ms(rangeV.seconds ?? 0), step: step,
                                      position: PositionRange(start: e.positionRange.start, end: close.end)))
    }

    private mutating func parsePositiveDuration(context: String, expected: String) throws(SyntaxAbort) -> DurationValue {
        let d = try parseDurationExpr(minPrec: 1, context: context, expected: expected)
        if let s = d.seconds, s <= 0 {
            addError(d.range, "duration must be greater than 0")
            return DurationValue(seconds: 0, range: d.range)
        }
        return d
    }

    // MARK: offset

    private mutating func parseOffset(_ e: Expr) throws(SyntaxAbort) -> Expr {
        advance()
        let context = "offset"
        let expected = "number, duration, step(), or range()"
        var d: DurationValue
        if tok.kind == .add || tok.kind == .sub {
            let sign = advance()
            var inner: DurationValue
            if tok.kind == .number || tok.kind == .duration {
                let t = advance()
                inner = DurationValue(seconds: numberValue(t), range: t.range)
            } else if tok.kind == .leftParen {
                // `-(…)`: Prometheus wraps it without the experimental check on the parentheses.
                advance()
                inner = try parseDurationExpr(minPrec: 1, context: context, expected: expected)
                _ = try expect(.rightParen, context, expected)
            } else {
                inner = try parseDurationPrimary(context: context, expected: expected)
            }
            if var v = inner.seconds {
                if sign.kind == .sub { v = -v }
                if ParserCore.outOfRange(v) {
                    addError(sign.range, "duration out of range")
                    v = 0
                }
                d = DurationValue(seconds: v, range: PositionRange(start: sign.start, end: lastEnd))
            } else {
                d = DurationValue(seconds: nil, range: PositionRange(start: sign.start, end: lastEnd))
            }
        } else {
            d = try parseDurationPrimary(context: context, expected: expected)
        }
        guard let seconds = d.seconds else { return e }
        let offset = ParserCore.ms(seconds)
        let end = lastEnd
        switch e {
        case .vectorSelector(var v):
            if v.offset != 0 { addError(e.positionRange, "offset may not be set multiple times"); return e }
            v.offset = offset
            v.position.end = end
            return .vectorSelector(v)
        case .matrixSelector(var m):
            if m.vector.offset != 0 { addError(e.positionRange, "offset may not be set multiple times"); return e }
            m.vector.offset = offset
            m.position.end = end
            return .matrixSelector(m)
        case .subquery(var s):
            if s.offset != 0 { addError(e.positionRange, "offset may not be set multiple times"); return e }
            s.offset = offset
            s.position.end = end
            return .subquery(s)
        default:
            addError(e.positionRange, "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery")
            return e
        }
    }

    // MARK: @

    private mutating func parseAt(_ e: Expr) throws(SyntaxAbort) -> Expr {
        advance()
        var at: AtModifier
        switch tok.kind {
        case .add, .sub, .number, .duration:
            var neg = false
            if tok.kind == .add || tok.kind == .sub { neg = advance().kind == .sub }
            guard tok.kind == .number || tok.kind == .duration else { throw unexpected("@", "timestamp") }
            var v = numberValue(advance())
            if neg { v = -v }
            if v.isNaN || v.isInfinite || v >= 9.223372036854775807e18 || v <= -9.223372036854775808e18 {
                addError(e.positionRange, "timestamp out of bounds for @ modifier: \(ParserCore.goPercentF(v))")
            }
            let msD = (v * 1000).rounded()
            let ms: Int64 = msD.isNaN ? 0 : msD >= 9.2e18 ? Int64.max : msD <= -9.2e18 ? Int64.min : Int64(msD)
            at = .timestamp(ms)
        case .start, .end:
            let isStart = advance().kind == .start
            _ = try expect(.leftParen, "@", "timestamp")
            _ = try expect(.rightParen, "@", "timestamp")
            at = isStart ? .start : .end
        default:
            throw unexpected("@", "timestamp")
        }
        let end = lastEnd
        let multiple = "@ <timestamp> may not be set multiple times"
        switch e {
        case .vectorSelector(var v):
            if v.at != nil { addError(e.positionRange, multiple); return e }
            v.at = at
            v.position.end = end
            return .vectorSelector(v)
        case .matrixSelector(var m):
            if m.vector.at != nil { addError(e.positionRange, multiple); return e }
            m.vector.at = at
            m.position.end = end
            return .matrixSelector(m)
        case .subquery(var s):
            if s.at != nil { addError(e.positionRange, multiple); return e }
            s.at = at
            s.position.end = end
            return .subquery(s)
        default:
            addError(e.positionRange, "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery")
            return e
        }
    }

    /// Go's `%f`.
    static func goPercentF(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        return GoQuote.formatFixed(v, decimals: 6)
    }
}
