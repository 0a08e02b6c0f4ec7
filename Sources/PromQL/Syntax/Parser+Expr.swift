import MetricModel

// Expressions: binary operators by precedence climbing (or < and/unless < comparisons < +- <
// */%/atan2 < ^, ^ right-associative), unary +/- binding like `*` (so -2^2 = -(2^2)),
// primaries, function calls and aggregations (Prometheus generated_parser.y).

extension Expr {
    /// The node's position (Prometheus Node.PositionRange()).
    public var positionRange: PositionRange {
        switch self {
        case .number(_, let p), .string(_, let p), .paren(_, let p), .unary(_, _, let p): return p
        case .vectorSelector(let v): return v.position
        case .matrixSelector(let m): return m.position
        case .subquery(let s): return s.position
        case .aggregate(let a): return a.position
        case .call(let c): return c.position
        case .binary(let b):
            return PositionRange(start: b.lhs.positionRange.start, end: b.rhs.positionRange.end)
        }
    }
}

extension ParserCore {
    mutating func parseExpression() throws(SyntaxAbort) -> Expr {
        try parseBinary(minPrec: 1)
    }

    /// Counts one more level of tree depth; fails beyond `maxNesting`.
    mutating func deeper(_ levels: Int = 1) throws(SyntaxAbort) {
        nesting += levels
        if nesting > maxNesting {
            addError(tok.range, maxNestingMessage)
            throw SyntaxAbort()
        }
    }

    mutating func parseBinary(minPrec: Int) throws(SyntaxAbort) -> Expr {
        let saved = nesting
        defer { nesting = saved }
        var lhs = try parseUnary()
        while let op = tok.kind.binaryOp, op.precedence >= minPrec {
            try deeper()
            let opTok = advance()
            var returnBool = false
            var matching = VectorMatching(card: .oneToOne)
            var fillGiven = false
            if tok.kind == .bool { advance(); returnBool = true }
            if tok.kind == .on || tok.kind == .ignoring {
                matching.on = advance().kind == .on
                matching.matchingLabels = try parseGroupingLabels()
                if tok.kind == .groupLeft || tok.kind == .groupRight {
                    matching.card = advance().kind == .groupLeft ? .manyToOne : .oneToMany
                    if tok.kind == .leftParen { matching.include = try parseGroupingLabels() }
                }
            }
            while tok.kind == .fill || tok.kind == .fillLeft || tok.kind == .fillRight {
                advance()
                try parseFillValue()
                fillGiven = true
            }
            let rhs = try parseBinary(minPrec: op.isRightAssociative ? op.precedence : op.precedence + 1)
            lhs = makeBinary(op, opTok, lhs, rhs, matching, returnBool)
            if fillGiven {
                addError(lhs.positionRange, "binop fill modifiers are experimental and not enabled")
            }
        }
        return lhs
    }

    private mutating func parseFillValue() throws(SyntaxAbort) {
        _ = try expect(.leftParen)
        if tok.kind == .add || tok.kind == .sub { advance() }
        guard tok.kind == .number || tok.kind == .duration else { throw unexpected() }
        advance()
        _ = try expect(.rightParen)
    }

    private mutating func makeBinary(_ op: BinaryOp, _ opTok: Token, _ lhs: Expr, _ rhs: Expr,
                                     _ matching: VectorMatching, _ returnBool: Bool) -> Expr {
        var m = matching
        if op.isSetOperator && m.card == .oneToOne { m.card = .manyToMany }
        let range = PositionRange(start: lhs.positionRange.start, end: rhs.positionRange.end)
        binaryInfo[range] = BinaryInfo(matching: m, returnBool: returnBool)
        let bothVectors = lhs.type == .vector && rhs.type == .vector
        return .binary(BinaryExpr(op: op, lhs: lhs, rhs: rhs, matching: bothVectors ? m : nil, returnBool: returnBool))
    }

    mutating func parseUnary() throws(SyntaxAbort) -> Expr {
        let saved = nesting
        defer { nesting = saved }
        try deeper()
        if tok.kind == .add || tok.kind == .sub {
            let opTok = advance()
            let operand = try parseBinary(minPrec: BinaryOp.pow.precedence)
            let end = operand.positionRange.end
            if case .number(let v, let r) = operand {
                return .number(opTok.kind == .sub ? -v : v, PositionRange(start: opTok.start, end: r.end))
            }
            return .unary(opTok.kind == .sub ? .neg : .pos, operand, PositionRange(start: opTok.start, end: end))
        }
        let primary = try parsePrimary()
        return try parsePostfix(primary)
    }

    mutating func parsePrimary() throws(SyntaxAbort) -> Expr {
        switch tok.kind {
        case .number, .duration:
            let t = advance()
            return .number(numberValue(t), t.range)
        case .string:
            let t = advance()
            return .string(unquote(t), t.range)
        case .leftParen:
            let open = advance()
            let inner = try parseExpression()
            let close = try expect(.rightParen)
            return .paren(inner, PositionRange(start: open.start, end: close.end))
        case .leftBrace:
            return .vectorSelector(try parseVectorSelector(name: nil, start: tok.start))
        case .identifier:
            let t = advance()
            if tok.kind == .leftParen { return try parseCall(t) }
            return .vectorSelector(try parseVectorSelector(name: t, start: t.start))
        case .aggregator(let op):
            let t = advance()
            if tok.kind == .leftParen || tok.kind == .by || tok.kind == .without {
                return try parseAggregation(op, t)
            }
            return .vectorSelector(try parseVectorSelector(name: t, start: t.start))
        case .start, .end, .step, .range, .maxOf, .minOf:
            let t = advance()
            if tok.kind == .leftParen { return try parseCall(t) }
            return .vectorSelector(try parseVectorSelector(name: t, start: t.start))
        case _ where tok.kind.isMetricIdentifier:
            let t = advance()
            return .vectorSelector(try parseVectorSelector(name: t, start: t.start))
        default:
            throw unexpected()
        }
    }

    /// The value of a NUMBER or DURATION token (durations in seconds).
    mutating func numberValue(_ t: Token) -> Double {
        let s = text(t)
        if t.kind == .duration {
            switch Literals.parseDurationNanos(s) {
            case .success(let ns): return Double(ns) / 1e9
            case .failure(let e):
                addError(t.range, e.message)
                return 0
            }
        }
        let (v, err) = Literals.parseNumber(s)
        if let v { return v }
        addError(t.range, "error parsing number: \(err)")
        return 0
    }

    mutating func unquote(_ t: Token) -> String {
        do throws(Literals.SyntaxError) {
            return try Literals.unquote(bytes[t.start..<t.end])
        } catch {
            addError(t.range, "error unquoting string \(GoQuote.quote(text(t))): invalid syntax")
            return ""
        }
    }

    private mutating func parseCallArgs() throws(SyntaxAbort) -> [Expr] {
        _ = try expect(.leftParen)
        var args: [Expr] = []
        if tok.kind == .rightParen { advance(); return args }
        args.append(try parseExpression())
        while tok.kind == .comma {
            let comma = advance()
            if tok.kind == .rightParen {
                addError(comma.range, "trailing commas not allowed in function call args")
                break
            }
            args.append(try parseExpression())
        }
        _ = try expect(.rightParen)
        return args
    }

    private mutating func parseCall(_ nameTok: Token) throws(SyntaxAbort) -> Expr {
        let name = text(nameTok)
        let fn = Functions.named(name)
        if fn == nil {
            addError(nameTok.range, "unknown function with name \(GoQuote.quote(name))")
        } else if fn!.experimental && !options.enableExperimentalFunctions {
            addError(nameTok.range, "function \(GoQuote.quote(name)) is not enabled")
        }
        let args = try parseCallArgs()
        let sig = fn ?? FunctionSignature(name: name, argTypes: [], variadic: -1, returnType: .vector)
        return .call(Call(function: sig, args: args, position: PositionRange(start: nameTok.start, end: lastEnd)))
    }

    private mutating func parseAggregation(_ op: AggregateOp, _ opTok: Token) throws(SyntaxAbort) -> Expr {
        aggDepth += 1
        var grouping: [String] = []
        var without = false
        var hadModifier = false
        if tok.kind == .by || tok.kind == .without {
            without = advance().kind == .without
            grouping = try parseGroupingLabels()
            hadModifier = true
        }
        if tok.kind != .leftParen { throw unexpected() }
        let args = try parseCallArgs()
        aggDepth -= 1
        if !hadModifier && (tok.kind == .by || tok.kind == .without) {
            without = advance().kind == .without
            grouping = try parseGroupingLabels()
        }
        let range = PositionRange(start: opTok.start, end: lastEnd)
        let placeholder = Expr.number(0, range)
        if args.isEmpty {
            addError(range, "no arguments for aggregate expression provided")
            return .aggregate(AggregateExpr(op: op, expr: placeholder, param: nil, grouping: grouping, without: without, position: range))
        }
        var desired = 1
        var param: Expr?
        if op.takesParameter {
            if !options.enableExperimentalFunctions && (op == .limitk || op == .limitRatio) {
                addError(range, "\(op.rawValue)() is experimental and must be enabled with --enable-feature=promql-experimental-functions")
            }
            desired = 2
            param = args[0]
        }
        if args.count != desired {
            addError(range, "wrong number of arguments for aggregate expression provided, expected \(desired), got \(args.count)")
            return .aggregate(AggregateExpr(op: op, expr: args[args.count - 1], param: param, grouping: grouping, without: without, position: range))
        }
        return .aggregate(AggregateExpr(op: op, expr: args[desired - 1], param: param, grouping: grouping, without: without, position: range))
    }
}
