import MetricModel

// Expression printing as Prometheus's Expr.String() (promql/parser/printer.go), the output of
// /api/v1/format_query: canonical spacing, sorted matchers, durations as model.Duration,
// numbers as strconv.FormatFloat(v, 'f', -1, 64), strings double-quoted with Go escaping.

public enum Printer {
    /// Prometheus's String() of the expression.
    ///
    /// Prometheus remembers when a number was written as a duration (`time() - 1h`) and prints
    /// it back as one; the AST does not, so pass the parsed query as `source` to get that exact
    /// form (without it such numbers print as seconds, `time() - 3600`).
    public static func format(_ e: Expr, source: String? = nil) -> String {
        var out = ""
        let src = source.map { Array($0.utf8) }
        write(e, src, into: &out)
        return out
    }

    static func write(_ e: Expr, into o: inout String) { write(e, nil, into: &o) }

    /// Whether the source text of a number literal was a duration (`1h`, `-5m`, `+1d2h`).
    static func isDurationLiteral(_ src: [UInt8]?, _ r: PositionRange) -> Bool {
        guard let src, r.start >= 0, r.end <= src.count, r.start < r.end else { return false }
        var i = r.start
        while i < r.end, src[i] == UInt8(ascii: "-") || src[i] == UInt8(ascii: "+") || Lexer.isSpace(Int32(src[i])) {
            i += 1
        }
        guard i < r.end, Lexer.isDigit(Int32(src[i])) else { return false }
        var sawUnit = false
        while i < r.end {
            let c = src[i]
            if Lexer.isDigit(Int32(c)) {
            } else if "smhdwy".utf8.contains(c) {
                sawUnit = true
            } else {
                return false
            }
            i += 1
        }
        return sawUnit
    }

    static func write(_ e: Expr, _ src: [UInt8]?, into o: inout String) {
        switch e {
        case .number(let v, let r) where isDurationLiteral(src, r) && v.isFinite:
            let ms = (v * 1000).rounded()
            let msInt = abs(ms) < 9.2e18 ? Int64(ms) : (ms < 0 ? Int64.min + 1 : Int64.max)
            o += msInt < 0 ? "-" + Literals.formatDuration(milliseconds: -msInt) : Literals.formatDuration(milliseconds: msInt)
        case .number(let v, _): o += PromFloat.formatF(v)
        case .string(let s, _): o += GoQuote.quote(s)
        case .paren(let inner, _):
            o += "("
            write(inner, src, into: &o)
            o += ")"
        case .unary(let op, let inner, _):
            o += op.rawValue
            write(inner, src, into: &o)
        case .vectorSelector(let v):
            writeSelector(v, into: &o)
            writeAtOffset(v.at, v.offset, into: &o)
        case .matrixSelector(let m):
            writeSelector(m.vector, into: &o)
            o += "[" + Literals.formatDuration(milliseconds: m.range) + "]"
            writeAtOffset(m.vector.at, m.vector.offset, into: &o)
        case .subquery(let s):
            write(s.expr, src, into: &o)
            writeSubquerySuffix(s, into: &o)
        case .call(let c):
            o += c.function.name + "("
            for (i, a) in c.args.enumerated() {
                if i > 0 { o += ", " }
                write(a, src, into: &o)
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
                write(p, src, into: &o)
                o += ", "
            }
            write(a.expr, src, into: &o)
            o += ")"
        case .binary(let b):
            write(b.lhs, src, into: &o)
            o += " " + b.op.rawValue
            if b.returnBool { o += " bool" }
            o += matchingString(b.matching)
            o += " "
            write(b.rhs, src, into: &o)
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
