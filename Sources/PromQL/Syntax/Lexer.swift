// The PromQL lexer: a port of Prometheus's state machine (promql/parser/lex.go) over UTF-8 bytes,
// so that tokens, their positions and the lexer's error messages are the same as Prometheus's.
// Series descriptions and native-histogram literals (test-file syntax) are not lexed.

struct Lexer {
    enum State { case statements, insideBraces, durationExpr, done }

    let input: [UInt8]
    var state: State = .statements
    var pos = 0
    var start = 0
    var width = 0
    var parenDepth = 0
    var braceOpen = false
    var bracketOpen = false
    var gotColon = false
    var gotDuration = false
    var stringOpen: Int32 = 0
    private var pending: Token?

    init(_ input: [UInt8]) { self.input = input }

    static let eof: Int32 = -1

    // MARK: rune access

    mutating func next() -> Int32 {
        guard pos < input.count else { width = 0; return Lexer.eof }
        let b0 = input[pos]
        var r = Int32(b0)
        var w = 1
        if b0 >= 0x80 {
            let n = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 1
            if n > 1 && pos + n <= input.count {
                var v = UInt32(b0) & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07)
                for i in 1..<n { v = (v << 6) | (UInt32(input[pos + i]) & 0x3F) }
                r = Int32(v); w = n
            } else {
                r = 0xFFFD; w = 1
            }
        }
        width = w
        pos += w
        return r
    }

    mutating func peek() -> Int32 {
        let r = next()
        backup()
        return r
    }

    mutating func backup() { pos -= width }

    @inline(__always)
    static func inSet(_ r: Int32, _ valid: StaticString) -> Bool {
        guard r >= 0 && r < 128 else { return false }
        let b = UInt8(r)
        let p = valid.utf8Start
        for i in 0..<valid.utf8CodeUnitCount where p[i] == b { return true }
        return false
    }

    mutating func accept(_ valid: StaticString) -> Bool {
        if Lexer.inSet(next(), valid) { return true }
        backup()
        return false
    }

    mutating func isNext(_ valid: StaticString) -> Bool { Lexer.inSet(peek(), valid) }

    mutating func acceptRun(_ valid: StaticString) {
        while accept(valid) {}
    }

    func text(_ a: Int, _ b: Int) -> String { String(decoding: input[a..<b], as: UTF8.self) }

    // MARK: emitting

    mutating func emitToken(_ k: TokenKind) { emit(k) }

    mutating func fail(_ msg: String) -> State { errorf(msg) }

    private mutating func emit(_ k: TokenKind) {
        pending = Token(kind: k, start: start, end: pos)
        start = pos
    }

    private mutating func ignore() { start = pos }

    private mutating func errorf(_ msg: String) -> State {
        pending = Token(kind: .error, start: start, end: input.count, message: msg)
        return .done
    }

    /// The next token; after an error or the end of input, `.eof` forever.
    mutating func nextToken() -> Token {
        pending = nil
        while pending == nil {
            switch state {
            case .done:
                start = pos
                return Token(kind: .eof, start: input.count, end: input.count)
            case .statements: state = lexStatements()
            case .insideBraces: state = lexInsideBraces()
            case .durationExpr: state = lexDurationExpr()
            }
        }
        return pending!
    }

    // MARK: character classes

    static func isSpace(_ r: Int32) -> Bool { r == 0x20 || r == 0x09 || r == 0x0A || r == 0x0D }
    static func isDigit(_ r: Int32) -> Bool { r >= 0x30 && r <= 0x39 }
    static func isAlpha(_ r: Int32) -> Bool {
        r == 0x5F || (r >= 0x61 && r <= 0x7A) || (r >= 0x41 && r <= 0x5A)
    }
    static func isAlphaNumeric(_ r: Int32) -> Bool { isAlpha(r) || isDigit(r) }

    private static func ch(_ c: Character) -> Int32 { Int32(c.asciiValue!) }

    // MARK: states

    private mutating func lexStatements() -> State {
        if braceOpen { return lexInsideBraces() }
        if pos < input.count && input[pos] == UInt8(ascii: "#") { return lexLineComment(then: .statements) }
        let r = next()
        switch r {
        case Lexer.eof:
            if parenDepth != 0 { return errorf("unclosed left parenthesis") }
            if bracketOpen { return errorf("unclosed left bracket") }
            emit(.eof)
            return .done
        case Lexer.ch(","): emit(.comma)
        case _ where Lexer.isSpace(r): skipSpaces()
        case Lexer.ch("*"): emit(.mul)
        case Lexer.ch("/"): emit(.div)
        case Lexer.ch("%"): emit(.mod)
        case Lexer.ch("+"): emit(.add)
        case Lexer.ch("-"): emit(.sub)
        case Lexer.ch("^"): emit(.pow)
        case Lexer.ch("="):
            let t = peek()
            if t == Lexer.ch("=") { _ = next(); emit(.eqlc) }
            else if t == Lexer.ch("~") { return errorf("unexpected character after '=': \(GoQuote.quoteRune(t))") }
            else { emit(.eql) }
        case Lexer.ch("!"):
            let t = next()
            if t != Lexer.ch("=") { return errorf("unexpected character after '!': \(GoQuote.quoteRune(t))") }
            emit(.neq)
        case Lexer.ch("<"):
            let t = peek()
            if t == Lexer.ch("=") { _ = next(); emit(.lte) }
            else if t == Lexer.ch("/") { _ = next(); emit(.trimUpper) }
            else { emit(.lss) }
        case Lexer.ch(">"):
            let t = peek()
            if t == Lexer.ch("=") { _ = next(); emit(.gte) }
            else if t == Lexer.ch("/") { _ = next(); emit(.trimLower) }
            else { emit(.gtr) }
        case _ where Lexer.isDigit(r) || (r == Lexer.ch(".") && Lexer.isDigit(peek())):
            backup()
            return lexNumberOrDuration()
        case Lexer.ch("\""), Lexer.ch("'"):
            stringOpen = r
            return lexString(then: .statements)
        case Lexer.ch("`"):
            stringOpen = r
            return lexRawString(then: .statements)
        case _ where Lexer.isAlpha(r) || r == Lexer.ch(":"):
            if !bracketOpen {
                backup()
                lexKeywordOrIdentifier()
                return .statements
            }
            if r == Lexer.ch(":") {
                if gotColon { return errorf("unexpected colon \(GoQuote.quoteRune(r))") }
                emit(.colon)
                gotColon = true
                return .statements
            }
            if Lexer.isDurationKeywordStart(r), scanDurationKeyword() { return .statements }
            return errorf("unexpected character: \(GoQuote.quoteRune(r)), expected ':'")
        case Lexer.ch("("):
            emit(.leftParen)
            parenDepth += 1
        case Lexer.ch(")"):
            emit(.rightParen)
            parenDepth -= 1
            if parenDepth < 0 { return errorf("unexpected right parenthesis ')'") }
        case Lexer.ch("{"):
            emit(.leftBrace)
            braceOpen = true
            return .insideBraces
        case Lexer.ch("["):
            if bracketOpen { return errorf("unexpected left bracket '['") }
            gotColon = false
            emit(.leftBracket)
            if Lexer.isSpace(peek()) { skipSpaces() }
            bracketOpen = true
            return .durationExpr
        case Lexer.ch("]"):
            if !bracketOpen { return errorf("unexpected right bracket ']'") }
            emit(.rightBracket)
            bracketOpen = false
        case Lexer.ch("@"): emit(.at)
        default:
            return errorf("unexpected character: \(GoQuote.quoteRune(r))")
        }
        return .statements
    }

    private mutating func lexInsideBraces() -> State {
        if pos < input.count && input[pos] == UInt8(ascii: "#") { return lexLineComment(then: .insideBraces) }
        let r = next()
        switch r {
        case Lexer.eof: return errorf("unexpected end of input inside braces")
        case _ where Lexer.isSpace(r): skipSpaces()
        case _ where Lexer.isAlpha(r):
            while Lexer.isAlphaNumeric(next()) {}
            backup()
            emit(.identifier)
        case Lexer.ch(","): emit(.comma)
        case Lexer.ch("\""), Lexer.ch("'"):
            stringOpen = r
            return lexString(then: .insideBraces)
        case Lexer.ch("`"):
            stringOpen = r
            return lexRawString(then: .insideBraces)
        case Lexer.ch("="):
            if next() == Lexer.ch("~") { emit(.eqlRegex) } else { backup(); emit(.eql) }
        case Lexer.ch("!"):
            let nr = next()
            if nr == Lexer.ch("~") { emit(.neqRegex) }
            else if nr == Lexer.ch("=") { emit(.neq) }
            else { return errorf("unexpected character after '!' inside braces: \(GoQuote.quoteRune(nr))") }
        case Lexer.ch("{"): return errorf("unexpected left brace '{'")
        case Lexer.ch("}"):
            emit(.rightBrace)
            braceOpen = false
            return .statements
        default:
            return errorf("unexpected character inside braces: \(GoQuote.quoteRune(r))")
        }
        return .insideBraces
    }

    private mutating func lexDurationExpr() -> State {
        let r = next()
        switch r {
        case Lexer.eof: return errorf("unexpected end of input in duration expression")
        case Lexer.ch("]"):
            emit(.rightBracket)
            bracketOpen = false
            gotColon = false
            return .statements
        case Lexer.ch(":"):
            emit(.colon)
            if !gotDuration {
                // Prometheus's errorf overwrites the colon just emitted.
                return errorf("unexpected colon before duration in duration expression")
            }
            if gotColon { return errorf("unexpected repeated colon in duration expression") }
            gotColon = true
        case Lexer.ch("("): emit(.leftParen); parenDepth += 1
        case Lexer.ch(")"):
            emit(.rightParen)
            parenDepth -= 1
            if parenDepth < 0 { return errorf("unexpected right parenthesis ')'") }
        case _ where Lexer.isSpace(r): skipSpaces()
        case Lexer.ch("+"): emit(.add)
        case Lexer.ch("-"): emit(.sub)
        case Lexer.ch("*"): emit(.mul)
        case Lexer.ch("/"): emit(.div)
        case Lexer.ch("%"): emit(.mod)
        case Lexer.ch("^"): emit(.pow)
        case Lexer.ch(","): emit(.comma)
        case _ where Lexer.isDurationKeywordStart(r):
            if scanDurationKeyword() { return .durationExpr }
            return errorf("unexpected character in duration expression: \(GoQuote.quoteRune(r))")
        case _ where Lexer.isDigit(r) || (r == Lexer.ch(".") && Lexer.isDigit(peek())):
            backup()
            gotDuration = true
            return lexNumberOrDuration()
        default:
            return errorf("unexpected character in duration expression: \(GoQuote.quoteRune(r))")
        }
        return .durationExpr
    }

    private mutating func skipSpaces() {
        while Lexer.isSpace(peek()) { _ = next() }
        ignore()
    }

    private mutating func lexLineComment(then s: State) -> State {
        pos += 1
        var r = next()
        while r != Lexer.eof && r != 0x0A && r != 0x0D { r = next() }
        backup()
        emit(.comment)
        return s
    }
}
