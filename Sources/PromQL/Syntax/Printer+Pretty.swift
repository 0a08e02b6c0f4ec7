// Prometheus's Pretty(0) (promql/parser/prettier.go): what /api/v1/format_query returns. Nodes
// whose one-line form is longer than 100 bytes are split over lines, indented two spaces a level.

extension Printer {
    static let maxCharactersPerLine = 100

    /// The output of Prometheus's `/api/v1/format_query` for the expression.
    public static func pretty(_ e: Expr) -> String { pretty(e, level: 0) }

    private static func indent(_ n: Int) -> String { String(repeating: "  ", count: n) }

    private static func needsSplit(_ e: Expr) -> Bool { format(e).utf8.count > maxCharactersPerLine }

    static func pretty(_ e: Expr, level: Int) -> String {
        switch e {
        case .aggregate(let a):
            guard needsSplit(e) else { return indent(level) + format(e) }
            var s = indent(level) + a.op.rawValue
            if a.without {
                s += " without (" + labelList(a.grouping) + ") "
            } else if !a.grouping.isEmpty {
                s += " by (" + labelList(a.grouping) + ") "
            }
            s += "(\n"
            if a.op.takesParameter, let p = a.param { s += pretty(p, level: level + 1) + ",\n" }
            return s + pretty(a.expr, level: level + 1) + "\n" + indent(level) + ")"
        case .binary(let b):
            guard needsSplit(e) else { return indent(level) + format(e) }
            var op = b.op.rawValue
            if b.returnBool { op += " bool" }
            op += matchingString(b.matching)
            return pretty(b.lhs, level: level + 1) + "\n" + indent(level) + op + "\n" + pretty(b.rhs, level: level + 1)
        case .call(let c):
            guard needsSplit(e) else { return indent(level) + format(e) }
            let args = c.args.map { pretty($0, level: level + 1) }.joined(separator: ",\n")
            return indent(level) + c.function.name + "(\n" + args + "\n" + indent(level) + ")"
        case .paren(let inner, _):
            guard needsSplit(e) else { return indent(level) + format(e) }
            return indent(level) + "(\n" + pretty(inner, level: level + 1) + "\n" + indent(level) + ")"
        case .subquery(let s):
            guard needsSplit(e) else { return format(e) }
            var suffix = ""
            writeSubquerySuffix(s, into: &suffix)
            return pretty(s.expr, level: level) + suffix
        case .unary(let op, let inner, _):
            let child = pretty(inner, level: level)
            return indent(level) + op.rawValue + trimSpaces(child)
        case .vectorSelector, .matrixSelector, .number, .string:
            return indent(level) + format(e)
        }
    }

    private static func trimSpaces(_ s: String) -> Substring {
        var t = Substring(s)
        while let f = t.first, f == " " || f == "\n" || f == "\t" { t.removeFirst() }
        while let l = t.last, l == " " || l == "\n" || l == "\t" { t.removeLast() }
        return t
    }
}
