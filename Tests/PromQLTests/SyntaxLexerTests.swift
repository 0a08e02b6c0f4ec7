import Testing
@testable import PromQL

/// Prometheus's lexer test table (lex_test.go): same tokens at the same byte offsets, or an error.
@Suite struct SyntaxLexerTests {
    @Test(arguments: PrometheusLexCases.all)
    func lexCase(_ c: PromLexCase) {
        let bytes = Array(c.input.utf8)
        var lexer = Lexer(bytes)
        var got: [Token] = []
        while true {
            let t = lexer.nextToken()
            if t.kind == .eof || t.kind == .error { got.append(t); break }
            got.append(t)
        }
        let last = got.removeLast()
        if c.fail {
            #expect(last.kind == .error, "expected a lexing error")
            return
        }
        #expect(last.kind == .eof, "lexing error: \(last.message)")
        #expect(last.start == bytes.count)
        #expect(got.count == c.tokens.count, "\(got.map { ($0.kind, $0.start) })")
        for (t, e) in zip(got, c.tokens) {
            #expect(t.kind == e.0)
            #expect(t.start == e.1)
            #expect(String(decoding: bytes[t.start..<t.end], as: UTF8.self) == e.2)
        }
    }
}
