// Prometheus's Pretty(0) (promql/parser/prettier.go): what /api/v1/format_query returns. Nodes
// whose one-line form is longer than 100 bytes are split over lines, indented two spaces a level.

extension Printer {
    static let maxCharactersPerLine = 100

    /// The output of Prometheus's `/api/v1/format_query` for the expression; pass the parsed
    /// query as `source` so durations used as numbers print as written (see `format`).
    public static func pretty(_ e: Expr, source: String? = nil) -> String {
        pretty(e, level: 0, source.map { Array($0.utf8) })
    }

    private static func format(_ e: Expr, _ src: [UInt8]?) -> String {
        var o = ""
        write(e, src, into: &o)
        return o
    }

    private static func indent(_ n: Int) -> String { String(repeating: "  ", count: n) }

    private static func needsSplit(_ e: Expr, _ src: [UInt8]?) -> Bool { format(e, src).utf8.count > maxCharactersPerLine }

    static func pretty(_ e: Expr, level: Int, _ src: [UInt8]?) -> String {
        switch e {
        case .aggregate(let a):
            guard needsSplit(e, src) else { return indent(level) + format(e, src) }
            var s = indent(level) + a.op.rawValue
            if a.without {
                s += " without (" + labelList(a.grouping) + ") "
            } else if !a.grouping.isEmpty {
                s += " by (" + labelList(a.grouping) + ") "
            }
            s += "(\n"
            if a.op.takesParameter, let p = a.param { s += pretty(p, level: level + 1, src) + ",\n" }
            return s + pretty(a.expr, level: level + 1, src) + "\n" + indent(level) + ")"
        case .binary(let b):
            guard needsSplit(e, src) else { return indent(level) + format(e, src) }
            var op = b.op.rawValue
            if b.returnBool { op += " bool" }
            op += matchingString(b.matching)
            return pretty(b.lhs, level: level + 1, src) + "\n" + indent(level) + op + "\n" + pretty(b.rhs, level: level + 1, src)
        case .call(let c):
            guard needsSplit(e, src) else { return indent(level) + format(e, src) }
            let args = c.args.map { pretty($0, level: level + 1, src) }.joined(separator: ",\n")
            return indent(level) + c.function.name + "(\n" + args + "\n" + indent(level) + ")"
        case .paren(let inner, _):
            guard needsSplit(e, src) else { return indent(level) + format(e, src) }
            return indent(level) + "(\n" + pretty(inner, level: level + 1, src) + "\n" + indent(level) + ")"
        case .subquery(let s):
            guard needsSplit(e, src) else { return format(e, src) }
            var suffix = ""
            writeSubquerySuffix(s, into: &suffix)
            return pretty(s.expr, level: level, src) + suffix
        case .unary(let op, let inner, _):
            let child = pretty(inner, level: level, src)
            return indent(level) + op.rawValue + trimSpaces(child)
        case .vectorSelector, .matrixSelector, .number, .string:
            return indent(level) + format(e, src)
        }
    }

    private static func trimSpaces(_ s: String) -> Substring {
        var t = Substring(s)
        while let f = t.first, f == " " || f == "\n" || f == "\t" { t.removeFirst() }
        while let l = t.last, l == " " || l == "\n" || l == "\t" { t.removeLast() }
        return t
    }
}
