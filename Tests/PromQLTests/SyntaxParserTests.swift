import MetricModel
import Testing
@testable import PromQL

/// Hand-written parser expectations: AST shapes, values of modifiers, and error messages
/// checked against a running Prometheus.
@Suite struct SyntaxParserTests {
    @Test(arguments: SyntaxOracleErrorCases.all.indices)
    func oracleError(_ i: Int) {
        let (q, pos, msg) = SyntaxOracleErrorCases.all[i]
        #expect(throws: ParseError.self) { try Parser.parseExpr(q) }
        do {
            _ = try Parser.parseExpr(q)
        } catch {
            #expect(error.message == msg, "\(q.debugDescription)")
            #expect(error.lineColumn == pos, "\(q.debugDescription)")
            #expect(error.description == "\(pos): parse error: \(msg)")
        }
    }

    /// Parses and prints in Prometheus's canonical form (expected strings from Prometheus's
    /// printer semantics).
    @Test(arguments: [
        ("-2^2", "-2 ^ 2"),
        ("-1", "-1"),
        ("- 1", "-1"),
        ("2 ^ 3 ^ 2", "2 ^ 3 ^ 2"),
        ("foo offset 5m @ 100", "foo @ 100.000 offset 5m"),
        ("foo @ end() offset -1h", "foo @ end() offset -1h"),
        ("rate(x[90s])", "rate(x[1m30s])"),
        ("rate(x[300])", "rate(x[5m])"),
        ("x[1d:]", "x[1d:]"),
        ("x[7d:1w] offset 1y", "x[1w:1w] offset 1y"),
        ("x[8d]", "x[8d]"),
        ("x[14d]", "x[2w]"),
        ("sum(x) by (b, a)", "sum by (b, a) (x)"),
        ("sum without (a) (x)", "sum without (a) (x)"),
        ("topk(3, x)", "topk(3, x)"),
        ("count_values('v', x)", "count_values(\"v\", x)"),
        ("x{b='2', a=~\"1\"}", "x{a=~\"1\",b=\"2\"}"),
        ("{__name__=~\"a|b\"}", "{__name__=~\"a|b\"}"),
        ("a and on (x) b", "a and on (x) b"),
        ("a / ignoring (x) group_left (y) b", "a / ignoring (x) group_left (y) b"),
        ("a > bool 1", "a > bool 1"),
        ("1e3", "1000"),
        ("0x1F", "31"),
        ("1e-7", "0.0000001"),
        ("Inf", "+Inf"),
        ("-inf", "-Inf"),
        ("NaN", "NaN"),
        ("\"a\\nb\\u00e9\\x41\\101\"", "\"a\\nbéAA\""),
        ("`raw\\n`", "\"raw\\\\n\""),
        ("x # comment", "x"),
        ("foo @ 1.5", "foo @ 1.500"),
        ("foo @ -0.5", "foo @ -0.500"),
    ])
    func printsCanonical(_ input: String, _ expected: String) throws {
        let e = try Parser.parseExpr(input)
        #expect(e.description == expected)
        #expect(try Parser.parseExpr(expected).description == expected)
    }

    @Test func unaryMinusBindsLooserThanPower() throws {
        guard case .unary(.neg, .binary(let b), let r) = try Parser.parseExpr("-2^2") else {
            Issue.record("not a unary minus over ^"); return
        }
        #expect(b.op == .pow)
        #expect(r == PositionRange(start: 0, end: 4))
        guard case .binary(let m) = try Parser.parseExpr("-1*2"), case .number(-1, _) = m.lhs else {
            Issue.record("-1*2 is not (-1)*2"); return
        }
        #expect(m.op == .mul)
    }

    @Test func precedenceAndAssociativity() throws {
        // a or b and c unless d  →  a or ((b and c) unless d)
        guard case .binary(let or) = try Parser.parseExpr("a or b and c unless d") else { Issue.record(); return }
        #expect(or.op == .or)
        guard case .binary(let unless) = or.rhs, case .binary(let and) = unless.lhs else { Issue.record(); return }
        #expect(unless.op == .unless)
        #expect(and.op == .and)
        // 2 ^ 3 ^ 2 is right-associative.
        guard case .binary(let p) = try Parser.parseExpr("2 ^ 3 ^ 2"), case .binary(let inner) = p.rhs else {
            Issue.record(); return
        }
        #expect(inner.op == .pow)
        // a - b - c is left-associative.
        guard case .binary(let s) = try Parser.parseExpr("a - b - c"), case .binary = s.lhs else { Issue.record(); return }
        // Comparisons bind looser than arithmetic.
        guard case .binary(let cmp) = try Parser.parseExpr("a + 1 > b * 2") else { Issue.record(); return }
        #expect(cmp.op == .gtr)
    }

    @Test func vectorMatchingDefaults() throws {
        guard case .binary(let set) = try Parser.parseExpr("a and b") else { Issue.record(); return }
        #expect(set.matching == VectorMatching(card: .manyToMany))
        guard case .binary(let one) = try Parser.parseExpr("a + b") else { Issue.record(); return }
        #expect(one.matching == VectorMatching(card: .oneToOne))
        guard case .binary(let scalar) = try Parser.parseExpr("a + 1") else { Issue.record(); return }
        #expect(scalar.matching == nil)
        guard case .binary(let g) = try Parser.parseExpr("a * on(x, y) group_right(z) b") else { Issue.record(); return }
        #expect(g.matching == VectorMatching(card: .oneToMany, matchingLabels: ["x", "y"], on: true, include: ["z"]))
        guard case .binary(let ign) = try Parser.parseExpr("a == bool ignoring(x) b") else { Issue.record(); return }
        #expect(ign.returnBool)
        #expect(ign.matching == VectorMatching(card: .oneToOne, matchingLabels: ["x"], on: false))
    }

    @Test func selectorModifiers() throws {
        guard case .vectorSelector(let v) = try Parser.parseExpr("foo{a=\"b\"} @ 1.5 offset -5m") else { Issue.record(); return }
        #expect(v.name == "foo")
        #expect(v.matchers == [LabelMatcher.equal("a", "b"), LabelMatcher.equal("__name__", "foo")])
        #expect(v.offset == -300_000)
        #expect(v.at == .timestamp(1500))
        #expect(v.position == PositionRange(start: 0, end: 27))

        guard case .matrixSelector(let m) = try Parser.parseExpr("foo[1h30m] offset 1d @ start()") else { Issue.record(); return }
        #expect(m.range == 5_400_000)
        #expect(m.vector.offset == 86_400_000)
        #expect(m.vector.at == .start)
        #expect(m.position == PositionRange(start: 0, end: 30))

        guard case .subquery(let s) = try Parser.parseExpr("rate(x[5m])[1h:] @ end()") else { Issue.record(); return }
        #expect(s.range == 3_600_000)
        #expect(s.step == 0)
        #expect(s.at == .end)
        guard case .subquery(let s2) = try Parser.parseExpr("x[300:10]") else { Issue.record(); return }
        #expect(s2.range == 300_000)
        #expect(s2.step == 10_000)
    }

    @Test func aggregationForms() throws {
        for q in ["sum by (job) (x)", "sum(x) by (job)", "SUM BY (job) (x)"] {
            guard case .aggregate(let a) = try Parser.parseExpr(q) else { Issue.record(); return }
            #expect(a.op == .sum)
            #expect(a.grouping == ["job"])
            #expect(!a.without)
        }
        guard case .aggregate(let t) = try Parser.parseExpr("topk without (i) (5, x)") else { Issue.record(); return }
        #expect(t.op == .topk)
        #expect(t.without)
        guard case .number(5, _)? = t.param else { Issue.record("param"); return }
        guard case .aggregate(let q) = try Parser.parseExpr("quantile(0.9, x)"), case .number(0.9, _)? = q.param else {
            Issue.record(); return
        }
        guard case .aggregate(let cv) = try Parser.parseExpr("count_values(\"v\", x)"), case .string("v", _)? = cv.param else {
            Issue.record(); return
        }
    }

    @Test func keywordsAsNames() throws {
        guard case .vectorSelector(let v) = try Parser.parseExpr("sum{a=\"b\"}") else { Issue.record(); return }
        #expect(v.name == "sum")
        guard case .binary(let b) = try Parser.parseExpr("offset + by") else { Issue.record(); return }
        guard case .vectorSelector(let l) = b.lhs, case .vectorSelector(let r) = b.rhs else { Issue.record(); return }
        #expect(l.name == "offset")
        #expect(r.name == "by")
        guard case .vectorSelector(let q) = try Parser.parseExpr("{\"my.metric\", \"label.name\"=\"v\"}") else { Issue.record(); return }
        #expect(q.name == nil)
        #expect(q.matchers == [LabelMatcher.equal("__name__", "my.metric"), LabelMatcher.equal("label.name", "v")])
        #expect(Expr.vectorSelector(q).description == "{\"label.name\"=\"v\",__name__=\"my.metric\"}")
    }

    @Test func functionCallsAreTyped() throws {
        guard case .call(let c) = try Parser.parseExpr("histogram_quantile(0.9, sum by (le) (rate(x[5m])))") else {
            Issue.record(); return
        }
        #expect(c.function.name == "histogram_quantile")
        #expect(c.args.count == 2)
        #expect(try Parser.parseExpr("time()").type == .scalar)
        #expect(try Parser.parseExpr("scalar(x)").type == .scalar)
        #expect(try Parser.parseExpr("x[5m]").type == .matrix)
        #expect(try Parser.parseExpr("\"s\"").type == .string)
        #expect(try Parser.parseExpr("round(x)").type == .vector)
        #expect(try Parser.parseExpr("label_join(x, \"d\", \",\", \"a\", \"b\", \"c\")").type == .vector)
    }

    @Test func experimentalFeaturesCanBeRefused() {
        let strict = ParserOptions(enableExperimentalFunctions: false)
        #expect(throws: ParseError.self) { try Parser.parseExpr("sort_by_label(x, \"a\")", options: strict) }
        do {
            _ = try Parser.parseExpr("mad_over_time(x[5m])", options: strict)
        } catch {
            #expect(error.description == "1:1: parse error: function \"mad_over_time\" is not enabled")
        }
        do {
            _ = try Parser.parseExpr("limitk(1, x)", options: strict)
        } catch {
            #expect(error.message == "limitk() is experimental and must be enabled with --enable-feature=promql-experimental-functions")
        }
        #expect((try? Parser.parseExpr("sort_by_label(x, \"a\")")) != nil)
        #expect(Functions.named("sort_by_label")?.experimental == true)
        #expect(Functions.named("rate")?.experimental == false)
    }

    @Test func experimentalSyntaxIsRefusedAsPrometheusDoes() throws {
        let cases: [(String, String)] = [
            ("foo[5m+1m]", "1:5: parse error: experimental duration expression is not enabled"),
            ("foo[step()]", "1:5: parse error: experimental duration expression is not enabled"),
            ("foo anchored", "1:1: parse error: anchored modifier is experimental and not enabled"),
            ("foo[5m] smoothed", "1:1: parse error: smoothed modifier is experimental and not enabled"),
            ("a + fill(0) b", "1:1: parse error: binop fill modifiers are experimental and not enabled"),
        ]
        for (q, msg) in cases {
            do {
                _ = try Parser.parseExpr(q)
                Issue.record("\(q) parsed")
            } catch {
                #expect(error.description == msg)
            }
        }
    }

    @Test func multiLinePositions() {
        do {
            _ = try Parser.parseExpr("sum(\n  rate(x[5m])\n) by (job) +")
        } catch {
            #expect(error.description == "3:13: parse error: unexpected end of input")
        }
    }

    @Test func rawBytesInStrings() throws {
        guard case .string(let s, _) = try Parser.parseExpr("\"a\\xc5z\"") else { Issue.record(); return }
        #expect(!PromQLString.isValidUTF8(s))
        #expect(PromQLString.bytes(s) == [0x61, 0xC5, 0x7A])
        #expect(PromQLString.quote(s) == "\"a\\xc5z\"")
        #expect(PromQLString.lossy(s) == "a\u{FFFD}z")
        #expect(s.unicodeScalars.contains("\u{FFFD}"))
        guard case .string(let ok, _) = try Parser.parseExpr("\"\\xc3\\xa9\"") else { Issue.record(); return }
        #expect(ok == "é")
        #expect(PromQLString.isValidUTF8(ok))
    }
}

@Suite struct SyntaxSupportTests {
    @Test(arguments: [
        ("5m", 300_000 as Int64), ("1h30m", 5_400_000), ("1d", 86_400_000), ("1w", 604_800_000),
        ("1y", 31_536_000_000), ("100ms", 100), ("0", 0), ("1m30s500ms", 90_500),
    ])
    func parsesDurations(_ s: String, _ ms: Int64) throws {
        #expect(try Parser.parseDuration(s) == ms)
    }

    @Test(arguments: [
        ("", "empty duration string"),
        ("5", "not a valid duration string: \"5\""),
        ("1m1h", "not a valid duration string: \"1m1h\""),
        ("5x", "unknown unit \"x\" in duration \"5x\""),
        ("300000y", "duration out of range"),
    ])
    func rejectsDurations(_ s: String, _ msg: String) {
        do {
            _ = try Parser.parseDuration(s)
            Issue.record("\(s) parsed")
        } catch {
            #expect(error.message == msg)
        }
    }

    @Test(arguments: [
        (0 as Int64, "0s"), (1, "1ms"), (90_000, "1m30s"), (86_400_000, "1d"), (604_800_000, "1w"),
        (691_200_000, "8d"), (1_209_600_000, "2w"), (31_536_000_000, "1y"), (31_622_400_000, "366d"), (-60_000, "-1m"),
        (3_723_004, "1h2m3s4ms"),
    ])
    func formatsDurations(_ ms: Int64, _ s: String) {
        #expect(Parser.formatDuration(milliseconds: ms) == s)
    }

    @Test func metricSelectors() throws {
        let m = try Parser.parseMetricSelector("up{job=\"a\", instance=~\"x.*\"}")
        #expect(m.map(\.description) == ["job=\"a\"", "instance=~\"x.*\"", "__name__=\"up\""])
        let n = try Parser.parseMetricSelector("{__name__=~\"a|b\"}")
        #expect(n.count == 1)
        #expect(n[0].type == .regexMatch)
        // Like Prometheus's ParseMetricSelector: no type check here.
        #expect(try Parser.parseMetricSelector("{job=\"\"}").count == 1)
        #expect(try Parser.parseMetricSelector("foo{__name__=\"bar\"}").count == 2)
        #expect(throws: ParseError.self) { try Parser.parseMetricSelector("rate(x[5m])") }
        do {
            _ = try Parser.parseMetricSelector("up offset 5m")
            Issue.record("parsed")
        } catch {
            #expect(error.description == "1:4: parse error: unexpected <offset>")
        }
        #expect(try Parser.parseMatchersParam(["up", "{job=~\"a.+\"}"]).count == 2)
        do {
            _ = try Parser.parseMatchersParam(["up", "{job=~\".*\"}"])
            Issue.record("parsed")
        } catch {
            #expect(error.description == "match[] must contain at least one non-empty matcher")
        }
        do {
            _ = try Parser.parseMatchersParam(["up{"])
            Issue.record("parsed")
        } catch {
            #expect(error.description == "1:4: parse error: unexpected end of input inside braces")
        }
    }

    @Test func functionTable() {
        let stable = ["abs", "absent", "absent_over_time", "acos", "acosh", "asin", "asinh", "atan", "atanh",
                      "avg_over_time", "ceil", "changes", "clamp", "clamp_max", "clamp_min", "cos", "cosh",
                      "count_over_time", "days_in_month", "day_of_month", "day_of_week", "day_of_year", "deg",
                      "delta", "deriv", "exp", "first_over_time", "floor", "histogram_avg", "histogram_count",
                      "histogram_fraction", "histogram_quantile", "histogram_stddev", "histogram_stdvar",
                      "histogram_sum", "hour", "idelta", "increase", "irate", "label_join", "label_replace",
                      "last_over_time", "ln", "log10", "log2", "max_over_time", "min_over_time", "minute", "month",
                      "pi", "predict_linear", "present_over_time", "quantile_over_time", "rad", "rate", "resets",
                      "round", "scalar", "sgn", "sin", "sinh", "sort", "sort_desc", "sqrt", "stddev_over_time",
                      "stdvar_over_time", "sum_over_time", "tan", "tanh", "time", "timestamp", "vector", "year"]
        for name in stable {
            #expect(Functions.named(name)?.experimental == false, "\(name)")
        }
        for name in ["info", "sort_by_label", "sort_by_label_desc", "mad_over_time", "double_exponential_smoothing",
                     "ts_of_min_over_time", "ts_of_max_over_time", "ts_of_first_over_time", "ts_of_last_over_time",
                     "histogram_quantiles", "step", "range", "start", "end", "min_of", "max_of"] {
            #expect(Functions.named(name)?.experimental == true, "\(name)")
        }
        #expect(Functions.named("round")?.minArgs == 1)
        #expect(Functions.named("round")?.maxArgs == 2)
        #expect(Functions.named("label_join")?.minArgs == 3)
        #expect(Functions.named("label_join")?.maxArgs == nil)
        #expect(Functions.named("clamp")?.minArgs == 3)
        #expect(Functions.named("rate")?.argTypes == [.matrix])
        #expect(Functions.named("histogram_fraction")?.argTypes == [.scalar, .scalar, .vector])
    }
}

@Suite struct SyntaxPrettyTests {
    @Test(arguments: SyntaxOraclePrettyCases.all.indices)
    func prettyMatchesFormatQuery(_ i: Int) throws {
        let (q, expected) = SyntaxOraclePrettyCases.all[i]
        #expect(Printer.pretty(try Parser.parseExpr(q)) == expected)
    }

    @Test func shortExpressionsStayOnOneLine() throws {
        let q = "sum by (job) (rate(http_requests_total{job=\"api\"}[5m]))"
        #expect(Printer.pretty(try Parser.parseExpr(q)) == q)
    }
}

@Suite struct SyntaxWalkTests {
    @Test func extractsSelectorsInOrder() throws {
        let e = try Parser.parseExpr("sum by (a) (rate(x{j=\"1\"}[5m])) / on (a) group_left topk(3, y offset 1m) + count_values(\"v\", max_over_time(z[1h:]))")
        #expect(e.selectors.map { $0.map(\.description) } == [
            ["j=\"1\"", "__name__=\"x\""], ["__name__=\"y\""], ["__name__=\"z\""],
        ])
    }

    @Test func inspectGivesPathsAndCanPrune() throws {
        let e = try Parser.parseExpr("-(a + b) * rate(c[5m])")
        var depths: [Int] = []
        e.inspect { _, path in depths.append(path.count); return true }
        // * → unary → paren → + → a, b ; rate → matrix → selector
        #expect(depths == [0, 1, 2, 3, 4, 4, 1, 2, 3])
        var visited = 0
        e.inspect { n, _ in visited += 1; if case .call = n { return false }; return true }
        #expect(visited == 7)
    }
}

@Suite struct SyntaxNestingTests {
    @Test func deepButBoundedNestingParses() throws {
        let q = String(repeating: "(", count: 400) + "x" + String(repeating: ")", count: 400)
        #expect(try Parser.parseExpr(q).description == q)
        let chain = (0..<400).map { "m\($0)" }.joined(separator: " + ")
        #expect(try Parser.parseExpr(chain).description == chain)
    }

    @Test(arguments: [
        String(repeating: "(", count: 5000) + "x" + String(repeating: ")", count: 5000),
        String(repeating: "-", count: 5000) + "x",
        (0..<5000).map { "m\($0)" }.joined(separator: " or "),
        "x" + String(repeating: "[1m:]", count: 1000),
        Array(repeating: "2", count: 3000).joined(separator: " ^ "),
    ])
    func pathologicalNestingFailsInsteadOfCrashing(_ q: String) {
        do {
            _ = try Parser.parseExpr(q)
            Issue.record("parsed")
        } catch {
            #expect(error.message == "expression is nested too deeply (more than 500 levels)")
        }
    }
}

@Suite struct SyntaxDurationNumberTests {
    @Test(arguments: [
        ("time() - 1h", "time() - 1h", "time() - 3600"),
        ("-1h", "-1h", "-3600"),
        ("5m", "5m", "300"),
        ("x > 90s", "x > 1m30s", "x > 90"),
        ("predict_linear(x[1h], 1d)", "predict_linear(x[1h], 1d)", "predict_linear(x[1h], 86400)"),
        ("vector(0x10) + 1e3 - 7", "vector(16) + 1000 - 7", "vector(16) + 1000 - 7"),
    ])
    func durationsUsedAsNumbersPrintAsWrittenGivenTheSource(_ q: String, _ withSource: String, _ without: String) throws {
        let e = try Parser.parseExpr(q)
        #expect(Printer.format(e, source: q) == withSource)
        #expect(Printer.pretty(e, source: q) == withSource)
        #expect(e.description == without)
    }
}
