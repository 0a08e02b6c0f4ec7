// Numbers, durations, strings and words (lex.go lexNumberOrDuration, scanNumber, lexString,
// lexEscape, lexRawString, lexKeywordOrIdentifier, scanDurationKeyword).

extension Lexer {
    private static let durationKeywords: [String: TokenKind] = [
        "step": .step, "range": .range, "max_of": .maxOf, "min_of": .minOf,
    ]

    static func isDurationKeywordStart(_ r: Int32) -> Bool {
        switch r {
        case 0x73, 0x53, 0x72, 0x52, 0x6D, 0x4D: return true  // s r m, either case
        default: return false
        }
    }

    mutating func scanDurationKeyword() -> Bool {
        while Lexer.isAlpha(next()) {}
        backup()
        if let k = Lexer.durationKeywords[text(start, pos).lowercased()] {
            emitToken(k)
            return true
        }
        return false
    }

    mutating func lexNumberOrDuration() -> State {
        if scanNumber() {
            emitToken(.number)
            return .statements
        }
        if acceptRemainingDuration() {
            backup()
            emitToken(.duration)
            return .statements
        }
        return fail("bad number or duration syntax: \(GoQuote.quote(text(start, pos)))")
    }

    private mutating func acceptRemainingDuration() -> Bool {
        if !accept("smhdwy") { return false }
        _ = accept("s")
        while accept("0123456789") {
            while accept("0123456789") {}
            if !accept("smhdw") { return false }
            _ = accept("s")
        }
        return !Lexer.isAlphaNumeric(next())
    }

    mutating func scanNumber() -> Bool {
        let initialPos = pos
        var isHex = false
        if accept("0") && accept("xX") {
            _ = accept("_")
            isHex = true
        }
        func isDigit(_ r: Int32) -> Bool {
            Lexer.isDigit(r) || (isHex && ((r >= 0x61 && r <= 0x66) || (r >= 0x41 && r <= 0x46)))
        }
        func acceptDigit() -> Bool {
            if isDigit(next()) { return true }
            backup()
            return false
        }
        _ = accept(".")
        _ = acceptDigit()
        var dotConsumed = false
        var exponentConsumed = false
        while true {
            let r = peek()
            guard isDigit(r) || Lexer.inSet(r, "._eE") else { break }
            if r == 0x2E && dotConsumed {
                _ = accept(".")
                return false
            }
            if (r == 0x65 || r == 0x45) && exponentConsumed {
                _ = accept("eE")
                return false
            }
            if accept(".") {
                dotConsumed = true
                if accept("_.") { return false }
                if isHex { return false }
                continue
            }
            if accept("eE") {
                exponentConsumed = true
                _ = accept("+-")
                if accept("._eE") || peek() == Lexer.eof { return false }
                continue
            }
            if accept("_") {
                if accept("._eE") || peek() == Lexer.eof { return false }
                continue
            }
            while acceptDigit() {}
        }
        if pos == initialPos { return false }
        return !Lexer.isAlphaNumeric(peek())
    }

    mutating func lexKeywordOrIdentifier() {
        while true {
            let r = next()
            if Lexer.isAlphaNumeric(r) || r == 0x3A { continue }
            backup()
            break
        }
        let word = text(start, pos)
        if let kw = keywordTable[word.lowercased()] {
            if (kw == .fill || kw == .fillLeft || kw == .fillRight) && !followedByLeftParen() {
                emitToken(.identifier)
            } else {
                emitToken(kw)
            }
        } else if !word.contains(":") {
            emitToken(.identifier)
        } else {
            emitToken(.metricIdentifier)
        }
    }

    private func followedByLeftParen() -> Bool {
        var p = pos
        while p < input.count {
            let b = input[p]
            if !Lexer.isSpace(Int32(b)) { return b == UInt8(ascii: "(") }
            p += 1
        }
        return false
    }

    mutating func lexString(then s: State) -> State {
        while true {
            let r = next()
            switch r {
            case 0x5C:
                if let msg = lexEscape() { return fail(msg) }
            case 0xFFFD:
                return fail("invalid UTF-8 rune")
            case Lexer.eof, 0x0A:
                return fail("unterminated quoted string")
            case stringOpen:
                emitToken(.string)
                return .statements
            default:
                continue
            }
        }
    }

    mutating func lexRawString(then s: State) -> State {
        while true {
            let r = next()
            switch r {
            case 0xFFFD: return fail("invalid UTF-8 rune")
            case Lexer.eof: return fail("unterminated raw string")
            case stringOpen:
                emitToken(.string)
                return .statements
            default: continue
            }
        }
    }

    private static func digitVal(_ r: Int32) -> UInt32 {
        switch r {
        case 0x30...0x39: return UInt32(r - 0x30)
        case 0x61...0x66: return UInt32(r - 0x61 + 10)
        case 0x41...0x46: return UInt32(r - 0x41 + 10)
        default: return 16
        }
    }

    /// Scans an escape sequence after the backslash; returns an error message or nil.
    private mutating func lexEscape() -> String? {
        var ch = next()
        var n = 0
        var base: UInt32 = 0
        var maxVal: UInt32 = 0
        switch ch {
        case 0x61, 0x62, 0x66, 0x6E, 0x72, 0x74, 0x76, 0x5C, stringOpen:
            return nil
        case 0x30...0x37:
            n = 3; base = 8; maxVal = 255
        case 0x78:
            ch = next(); n = 2; base = 16; maxVal = 255
        case 0x75:
            ch = next(); n = 4; base = 16; maxVal = 0x10FFFF
        case 0x55:
            ch = next(); n = 8; base = 16; maxVal = 0x10FFFF
        case Lexer.eof:
            return "escape sequence not terminated"
        default:
            return "unknown escape sequence \(GoQuote.unicodeForm(ch))"
        }
        var x: UInt32 = 0
        while n > 0 {
            let d = Lexer.digitVal(ch)
            if d >= base {
                if ch == Lexer.eof { return "escape sequence not terminated" }
                return "illegal character \(GoQuote.unicodeForm(ch)) in escape sequence"
            }
            x = x &* base &+ d
            n -= 1
            if n > 0 { ch = next() }
        }
        if x > maxVal || (0xD800 <= x && x < 0xE000) {
            return "escape sequence is an invalid Unicode code point"
        }
        return nil
    }
}
