import MetricModel

// Expression printing as Prometheus's Expr.String() (promql/parser/printer.go), the output of
// /api/v1/format_query: canonical spacing, sorted matchers, durations as model.Duration,
// numbers as strconv.FormatFloat(v, 'f', -1, 64), strings double-quoted with Go escaping.

public enum Printer {
    /// Prometheus's String() of the expression.
    public static func format(_ e: Expr) -> String {
        var out = ""
        write(e, into: &out)
        return out
    }

    static func write(_ e: Expr, into o: inout String) {
        switch e {
        case .number(let v, _): o += PromFloat.formatF(v)
        case .string(let s, _): o += GoQuote.quote(s)
        case .paren(let inner, _):
            o += "("
            write(inner, into: &o)
            o += ")"
        case .unary(let op, let inner, _):
            o += op.rawValue
            write(inner, into: &o)
        case .vectorSelector(let v):
            writeSelector(v, into: &o)
            writeAtOffset(v.at, v.offset, into: &o)
        case .matrixSelector(let m):
            writeSelector(m.vector, into: &o)
            o += "[" + Literals.formatDuration(milliseconds: m.range) + "]"
            writeAtOffset(m.vector.at, m.vector.offset, into: &o)
        case .subquery(let s):
            write(s.expr, into: &o)
            writeSubquerySuffix(s, into: &o)
        case .call(let c):
            o += c.function.name + "("
            for (i, a) in c.args.enumerated() {
                if i > 0 { o += ", " }
                write(a, into: &o)
            }
            o += ")"
        case .aggregate(let a):
            o += a.op.rawValue
            if a.without {
                o += " without (" + labelList(a.grouping) + ") "
            } else if !a.grouping.isEmpty {
                o += " by (" + labelList(a.grouping) + ") "
            }
            o += "("
            if a.op.takesParameter, let p = a.param {
                write(p, into: &o)
                o += ", "
            }
            write(a.expr, into: &o)
            o += ")"
        case .binary(let b):
            write(b.lhs, into: &o)
            o += " " + b.op.rawValue
            if b.returnBool { o += " bool" }
            o += matchingString(b.matching)
            o += " "
            write(b.rhs, into: &o)
        }
    }

    /// `[range:step]`, then `@` and `offset`.
    static func writeSubquerySuffix(_ s: SubqueryExpr, into o: inout String) {
        o += "[" + Literals.formatDuration(milliseconds: s.range) + ":"
        if s.step != 0 { o += Literals.formatDuration(milliseconds: s.step) }
        o += "]"
        writeAtOffset(s.at, s.offset, into: &o)
    }

    /// ` on (…) group_left (…)` as BinaryExpr.getMatchingStr.
    static func matchingString(_ vm: VectorMatching?) -> String {
        guard let m = vm else { return "" }
        var o = ""
        let grouped = m.card == .manyToOne || m.card == .oneToMany
        if !m.matchingLabels.isEmpty || m.on || grouped {
            o += (m.on ? " on (" : " ignoring (") + labelList(m.matchingLabels) + ")"
        }
        if grouped {
            o += (m.card == .manyToOne ? " group_left (" : " group_right (") + labelList(m.include) + ")"
        }
        return o
    }

    private static func writeAtOffset(_ at: AtModifier?, _ offset: Int64, into o: inout String) {
        switch at {
        case .timestamp(let ms)?: o += " @ " + formatMillisAsSeconds(ms)
        case .start?: o += " @ start()"
        case .end?: o += " @ end()"
        case nil: break
        }
        if offset > 0 {
            o += " offset " + Literals.formatDuration(milliseconds: offset)
        } else if offset < 0 {
            o += " offset -" + Literals.formatDuration(milliseconds: -offset)
        }
    }

    /// `%.3f` of ms / 1000.
    static func formatMillisAsSeconds(_ ms: Int64) -> String {
        let neg = ms < 0
        let a = ms.magnitude
        var frac = String(a % 1000)
        while frac.count < 3 { frac = "0" + frac }
        return (neg ? "-" : "") + String(a / 1000) + "." + frac
    }

    private static func writeSelector(_ v: VectorSelector, into o: inout String) {
        let name = v.name ?? ""
        var parts: [String] = []
        for m in v.matchers {
            if m.name == "__name__" && m.type == .equal && m.value == name && !m.value.isEmpty { continue }
            parts.append(matcherString(m))
        }
        o += name
        if !parts.isEmpty {
            parts.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            o += "{" + parts.joined(separator: ",") + "}"
        }
    }

    /// labels.Matcher.String(): the name quoted unless it is a plain identifier.
    static func matcherString(_ m: LabelMatcher) -> String {
        (needsQuoting(m.name) ? GoQuote.quote(m.name) : m.name) + m.type.rawValue + GoQuote.quote(m.value)
    }

    static func needsQuoting(_ name: String) -> Bool {
        if name.isEmpty { return true }
        for (i, c) in name.utf8.enumerated() {
            let ok = c == 0x5F || (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (i > 0 && c >= 0x30 && c <= 0x39)
            if !ok { return true }
        }
        return false
    }

    static func labelList(_ ls: [String]) -> String {
        ls.map { needsQuoting($0) ? GoQuote.quote($0) : $0 }.joined(separator: ", ")
    }
}

extension Expr: CustomStringConvertible {
    /// Prometheus's String() of the expression (Printer.format).
    public var description: String { Printer.format(self) }
}
