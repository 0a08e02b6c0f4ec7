import MetricModel

// Walking the AST (Prometheus ast.go Children, Inspect, ExtractSelectors).

extension Expr {
    /// Direct children, in Prometheus's order (aggregation: expression, then parameter).
    public var children: [Expr] {
        switch self {
        case .aggregate(let a): return a.param.map { [a.expr, $0] } ?? [a.expr]
        case .binary(let b): return [b.lhs, b.rhs]
        case .call(let c): return c.args
        case .subquery(let s): return [s.expr]
        case .paren(let e, _), .unary(_, let e, _): return [e]
        case .matrixSelector(let m): return [.vectorSelector(m.vector)]
        case .number, .string, .vectorSelector: return []
        }
    }

    /// Visits the expression and its descendants depth-first, parents before children; `path`
    /// holds the ancestors. Returning false from `visit` skips the node's children.
    public func inspect(_ visit: (Expr, _ path: [Expr]) -> Bool) {
        var path: [Expr] = []
        walk(&path, visit)
    }

    private func walk(_ path: inout [Expr], _ visit: (Expr, [Expr]) -> Bool) {
        guard visit(self, path) else { return }
        path.append(self)
        for c in children { c.walk(&path, visit) }
        path.removeLast()
    }

    /// The matchers of every vector selector, in query order (Prometheus ExtractSelectors): what
    /// a querier must select to evaluate the expression.
    public var selectors: [[LabelMatcher]] {
        var out: [[LabelMatcher]] = []
        inspect { e, _ in
            if case .vectorSelector(let v) = e { out.append(v.matchers) }
            return true
        }
        return out
    }
}
