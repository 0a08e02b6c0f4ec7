struct Token {
    enum Kind: Equatable {
        case ident(String)
        case variable(String, fields: [String])
        case field([String])
        case string(String)
        case number(String)
        case pipe, lparen, rparen, declare
    }
    var kind: Kind
}

struct LexError: Error {
    var message: String
    var pos: Int
}

/// Splits the inside of one `{{ … }}` action into tokens; stops after the closing `}}`.
struct ActionLexer {
    let text: [UInt8]
    var pos: Int
    /// The action ended with ` -}}`.
    var trimRight = false

    init(text: [UInt8], pos: Int) {
        self.text = text
        self.pos = pos
    }

    func at(_ i: Int) -> UInt8? { i < text.count ? text[i] : nil }

    static func isIdent(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x5F
    }

    mutating func word() -> String {
        let s = pos
        while let c = at(pos), Self.isIdent(c) { pos += 1 }
        return String(decoding: text[s..<pos], as: UTF8.self)
    }

    /// `.a.b.c` after a variable or as a field chain.
    mutating func fieldChain() -> [String] {
        var out: [String] = []
        while at(pos) == UInt8(ascii: "."), let n = at(pos + 1), Self.isIdent(n) {
            pos += 1
            out.append(word())
        }
        return out
    }

    mutating func tokens() throws(LexError) -> [Token] {
        var out: [Token] = []
        let start = pos
        while true {
            guard let c = at(pos) else { throw LexError(message: "unclosed action", pos: start) }
            if isSpace(c) {
                // ` -}}` closes with right trim.
                var j = pos
                while let d = at(j), isSpace(d) { j += 1 }
                if at(j) == UInt8(ascii: "-"), at(j + 1) == UInt8(ascii: "}"), at(j + 2) == UInt8(ascii: "}") {
                    pos = j + 3
                    trimRight = true
                    return out
                }
                pos = j
                continue
            }
            if c == UInt8(ascii: "}") && at(pos + 1) == UInt8(ascii: "}") {
                pos += 2
                return out
            }
            switch c {
            case UInt8(ascii: "|"): pos += 1; out.append(Token(kind: .pipe))
            case UInt8(ascii: "("): pos += 1; out.append(Token(kind: .lparen))
            case UInt8(ascii: ")"): pos += 1; out.append(Token(kind: .rparen))
            case UInt8(ascii: ":"):
                guard at(pos + 1) == UInt8(ascii: "=") else { throw LexError(message: "expected :=", pos: pos) }
                pos += 2
                out.append(Token(kind: .declare))
            case UInt8(ascii: "="):
                pos += 1
                out.append(Token(kind: .declare))
            case UInt8(ascii: "$"):
                pos += 1
                let name = "$" + word()
                out.append(Token(kind: .variable(name, fields: fieldChain())))
            case UInt8(ascii: "."):
                if let n = at(pos + 1), Self.isIdent(n), !(n >= 0x30 && n <= 0x39) {
                    out.append(Token(kind: .field(fieldChain())))
                } else if let n = at(pos + 1), n >= 0x30 && n <= 0x39 {
                    out.append(Token(kind: .number(number())))
                } else {
                    pos += 1
                    out.append(Token(kind: .field([])))
                }
            case UInt8(ascii: "\""): out.append(Token(kind: .string(try quoted())))
            case UInt8(ascii: "`"):
                let s = pos + 1
                var j = s
                while let d = at(j), d != UInt8(ascii: "`") { j += 1 }
                guard j < text.count else { throw LexError(message: "unterminated raw quoted string", pos: pos) }
                out.append(Token(kind: .string(String(decoding: text[s..<j], as: UTF8.self))))
                pos = j + 1
            case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                out.append(Token(kind: .number(number())))
            default:
                if Self.isIdent(c) {
                    out.append(Token(kind: .ident(word())))
                } else {
                    throw LexError(message: "unexpected \"\(Character(Unicode.Scalar(c)))\" in command", pos: pos)
                }
            }
        }
    }

    mutating func number() -> String {
        let s = pos
        if at(pos) == UInt8(ascii: "-") || at(pos) == UInt8(ascii: "+") { pos += 1 }
        while let c = at(pos), Self.isIdent(c) || c == UInt8(ascii: ".")
            || ((c == UInt8(ascii: "-") || c == UInt8(ascii: "+")) && (text[pos - 1] | 0x20) == UInt8(ascii: "e")) {
            pos += 1
        }
        return String(decoding: text[s..<pos], as: UTF8.self)
    }

    /// A Go interpreted string literal.
    mutating func quoted() throws(LexError) -> String {
        let start = pos
        pos += 1
        var out: [UInt8] = []
        while true {
            guard let c = at(pos), c != 0x0A else { throw LexError(message: "unterminated quoted string", pos: start) }
            pos += 1
            if c == UInt8(ascii: "\"") { break }
            if c != UInt8(ascii: "\\") { out.append(c); continue }
            guard let e = at(pos) else { throw LexError(message: "unterminated quoted string", pos: start) }
            pos += 1
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"): out.append(e)
            default: throw LexError(message: "invalid syntax", pos: start)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
