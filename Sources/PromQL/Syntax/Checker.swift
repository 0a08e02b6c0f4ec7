import MetricModel

// Type checking of a syntactically valid AST (Prometheus parse.go checkAST), in Prometheus's
// order so the first error reported is the same one.

struct Checker {
    let query: [UInt8]
    let binaryInfo: [PositionRange: BinaryInfo]
    var errors: [(PositionRange, String)] = []

    init(query: [UInt8], binaryInfo: [PositionRange: BinaryInfo]) {
        self.query = query
        self.binaryInfo = binaryInfo
    }

    private mutating func add(_ r: PositionRange, _ m: String) { errors.append((r, m)) }

    private mutating func expectType(_ e: Expr, _ want: ValueType, _ context: String) {
        let t = check(e)
        if t != want {
            add(e.positionRange, "expected type \(want.documentedName) in \(context), got \(t.documentedName)")
        }
    }

    /// The operator's position: from the end of the left operand to the start of the right one,
    /// without surrounding whitespace (checkAST's opRange).
    private func opRange(_ b: BinaryExpr) -> PositionRange {
        var s = b.lhs.positionRange.end
        while s < query.count && Lexer.isSpace(Int32(query[s])) { s += 1 }
        var e = b.rhs.positionRange.start - 1
        while e > 0 && e < query.count && Lexer.isSpace(Int32(query[e])) { e -= 1 }
        return PositionRange(start: s, end: e)
    }

    @discardableResult
    mutating func check(_ node: Expr, bypassEmptyMatcherCheck: Bool = false) -> ValueType {
        let type = node.type
        switch node {
        case .aggregate(let a):
            expectType(a.expr, .vector, "aggregation expression")
            switch a.op {
            case .topk, .bottomk, .quantile, .limitk, .limitRatio:
                if let p = a.param { expectType(p, .scalar, "aggregation parameter") }
            case .countValues:
                if let p = a.param { expectType(p, .string, "aggregation parameter") }
            default: break
            }
        case .binary(let b):
            checkBinary(b)
        case .call(let c):
            checkCall(c)
        case .paren(let e, _):
            check(e)
        case .unary(_, let e, let r):
            let t = check(e)
            if t != .scalar && t != .vector {
                add(r, "unary expression only allowed on expressions of type scalar or instant vector, got \(GoQuote.quote(t.documentedName))")
            }
        case .subquery(let s):
            let t = check(s.expr)
            if t != .vector {
                add(s.position, "subquery is only allowed on instant vector, got \(t.rawValue) instead")
            }
        case .matrixSelector(let m):
            check(.vectorSelector(m.vector))
        case .vectorSelector(let v):
            checkSelector(v, bypass: bypassEmptyMatcherCheck)
        case .number, .string:
            break
        }
        return type
    }

    private mutating func checkSelector(_ v: VectorSelector, bypass: Bool) {
        if let name = v.name {
            for m in v.matchers.dropLast() where m.name == "__name__" {
                add(v.position, "metric name must not be set twice: \(GoQuote.quote(name)) or \(GoQuote.quote(m.value))")
            }
            return
        }
        if !bypass && !v.matchers.contains(where: { !$0.matchesEmpty }) {
            add(v.position, "vector selector must contain at least one non-empty matcher")
        }
    }

    private mutating func checkBinary(_ b: BinaryExpr) {
        let lt = check(b.lhs)
        let rt = check(b.rhs)
        let range = PositionRange(start: b.lhs.positionRange.start, end: b.rhs.positionRange.end)
        let info = binaryInfo[range] ?? BinaryInfo(matching: b.matching ?? VectorMatching(card: .oneToOne), returnBool: b.returnBool)
        let m = info.matching
        if b.returnBool && !b.op.isComparison {
            add(opRange(b), "bool modifier can only be used on comparison operators")
        }
        if b.op.isComparison && !b.returnBool && lt == .scalar && rt == .scalar {
            add(opRange(b), "comparisons between scalars must use BOOL modifier")
        }
        if m.on {
            for l1 in m.matchingLabels where m.include.contains(l1) {
                add(opRange(b), "label \(GoQuote.quote(l1)) must not occur in ON and GROUP clause at once")
            }
        }
        if lt != .scalar && lt != .vector {
            add(b.lhs.positionRange, "binary expression must contain only scalar and instant vector types")
        }
        if rt != .scalar && rt != .vector {
            add(b.rhs.positionRange, "binary expression must contain only scalar and instant vector types")
        }
        if lt != .vector || rt != .vector {
            if !m.matchingLabels.isEmpty {
                add(range, "vector matching only allowed between instant vectors")
            }
        } else if b.op.isSetOperator {
            if m.card == .oneToMany || m.card == .manyToOne {
                add(range, "no grouping allowed for \(GoQuote.quote(b.op.rawValue)) operation")
            }
            if m.card != .manyToMany {
                add(range, "set operations must always be many-to-many")
            }
        }
        if (lt == .scalar || rt == .scalar) && b.op.isSetOperator {
            add(range, "set operator \(GoQuote.quote(b.op.rawValue)) not allowed in binary scalar expression")
        }
    }

    private mutating func checkCall(_ c: Call) {
        let f = c.function
        let n = c.args.count
        if f.variadic == 0 {
            if f.argTypes.count != n {
                add(c.position, "expected \(f.argTypes.count) argument(s) in call to \(GoQuote.quote(f.name)), got \(n)")
            }
        } else {
            let na = f.argTypes.count - 1
            if na > n {
                add(c.position, "expected at least \(na) argument(s) in call to \(GoQuote.quote(f.name)), got \(n)")
            } else if f.variadic > 0 && na + f.variadic < n {
                add(c.position, "expected at most \(na + f.variadic) argument(s) in call to \(GoQuote.quote(f.name)), got \(n)")
            }
        }
        var bypassSecond = false
        if f.name == "info" && n > 1 {
            let a1 = c.args[1]
            if a1.type != .vector {
                add(c.position, "expected type instant vector in call to function \"info\", got \(a1.type.documentedName)")
            }
            if case .vectorSelector(let vs) = a1 {
                if vs.name != nil {
                    add(a1.positionRange, "expected label selectors only, got vector selector instead")
                } else {
                    bypassSecond = true
                }
            } else {
                add(a1.positionRange, "expected label selectors only")
            }
        }
        for (i, arg) in c.args.enumerated() {
            var idx = i
            if i >= f.argTypes.count {
                if f.variadic == 0 { break }
                idx = f.argTypes.count - 1
            }
            let t = check(arg, bypassEmptyMatcherCheck: bypassSecond && i == 1)
            if t != f.argTypes[idx] {
                add(arg.positionRange, "expected type \(f.argTypes[idx].documentedName) in call to function \(GoQuote.quote(f.name)), got \(t.documentedName)")
            }
        }
    }
}
