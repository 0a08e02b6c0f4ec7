import Testing
@testable import PromQL

/// Every `eval` expression in Prometheus's promqltest files (../shared/promql-testdata) must
/// parse, and print → parse must give the same printed form.
@Suite struct SyntaxTestdataTests {
    struct EvalCase: Sendable, CustomStringConvertible {
        var file: String
        var line: Int
        var expr: String
        var expectFail: Bool
        var description: String { "\(file):\(line) \(expr)" }
    }

    /// Evals that legitimately do not parse here, with the reason.
    static let allowedFailures: [String: String] = [:]

    static func testdataDirectory() -> String? {
        var candidates: [String] = []
        let env = ProcessInfoLite.environment("PROMQL_TESTDATA")
        if let env { candidates.append(env) }
        // Tests/PromQLTests/ThisFile.swift → repository root.
        var root = #filePath
        for _ in 0..<3 { root = String(root[..<(root.lastIndex(of: "/") ?? root.startIndex)]) }
        candidates.append(root + "/../shared/promql-testdata")
        candidates.append("/work/shared/promql-testdata")
        return candidates.first { FileLite.exists($0 + "/functions.test") }
    }

    static func loadCases() -> [EvalCase] {
        guard let dir = testdataDirectory() else { return [] }
        var out: [EvalCase] = []
        for file in FileLite.list(dir).filter({ $0.hasSuffix(".test") }).sorted() {
            guard let text = FileLite.read(dir + "/" + file) else { continue }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for (i, raw) in lines.enumerated() {
                guard let (expr, failByCommand) = parseEvalLine(raw) else { continue }
                var fail = failByCommand
                var j = i + 1
                while j < lines.count, let f = lines[j].first, f == " " || f == "\t" {
                    if lines[j].trimmingWhitespace().hasPrefix("expect fail") { fail = true }
                    j += 1
                }
                out.append(EvalCase(file: file, line: i + 1, expr: expr, expectFail: fail))
            }
        }
        return out
    }

    /// The expression of an `eval …` command line, and whether the command itself expects failure.
    static func parseEvalLine(_ line: String) -> (String, Bool)? {
        guard line.hasPrefix("eval") else { return nil }
        // Split off `n` leading words, keeping the rest of the line (the expression) verbatim.
        func dropWords(_ n: Int, _ s: Substring) -> (words: [Substring], rest: Substring) {
            var rest = s
            var words: [Substring] = []
            for _ in 0..<n {
                while rest.first == " " || rest.first == "\t" { rest.removeFirst() }
                guard let end = rest.firstIndex(where: { $0 == " " || $0 == "\t" }) else { words.append(rest); rest = ""; break }
                words.append(rest[..<end])
                rest = rest[end...]
            }
            return (words, rest)
        }
        let (head, _) = dropWords(2, Substring(line))
        guard head.count == 2 else { return nil }
        let fail = head[0] == "eval_fail"
        let n: Int
        switch head[1] {
        case "instant": n = 4  // eval instant at <time> <expr>
        case "range": n = 8  // eval range from <a> to <b> step <s> <expr>
        default: return nil
        }
        let (_, rest) = dropWords(n, Substring(line))
        let expr = String(rest).trimmingWhitespace()
        return expr.isEmpty ? nil : (String(expr), fail)
    }

    static let cases = loadCases()

    @Test func testdataIsPresent() {
        if SyntaxTestdataTests.testdataDirectory() == nil {
            print("SyntaxTestdataTests: ../shared/promql-testdata not found; set PROMQL_TESTDATA to run the eval parse check")
            return
        }
        #expect(SyntaxTestdataTests.cases.count > 1000, "found \(SyntaxTestdataTests.cases.count) evals")
        print("SyntaxTestdataTests: \(SyntaxTestdataTests.cases.count) eval expressions")
    }

    @Test(arguments: SyntaxTestdataTests.cases)
    func evalExpressionParses(_ c: EvalCase) throws {
        if let reason = SyntaxTestdataTests.allowedFailures[c.expr] {
            #expect(throws: ParseError.self, "allowed failure: \(reason)") { try Parser.parseExpr(c.expr) }
            return
        }
        let e = try Parser.parseExpr(c.expr)
        let printed = e.description
        let again = try Parser.parseExpr(printed)
        #expect(again.description == printed)
        #expect(again.withoutPositions == e.withoutPositions, "parse(print(e)) == e for \(printed)")
    }
}
