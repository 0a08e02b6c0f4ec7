/// Recursive-descent parser over the template bytes: text, `{{ actions }}`, if/else/end.
struct TemplateParser {
    let name: String
    let text: [UInt8]
    var pos = 0
    /// Set when the previous action ended with ` -}}`: trim the next text's leading space.
    var trimNext = false

    init(name: String, text: [UInt8]) {
        self.name = name
        self.text = text
    }

    func fail(_ msg: String, at p: Int? = nil) -> TemplateError {
        let upTo = min(p ?? pos, text.count)
        return TemplateError(name, line: 1 + text[..<upTo].count { $0 == 0x0A }, msg)
    }

    mutating func parseAll() throws(TemplateError) -> [TNode] {
        let (nodes, end) = try parseList()
        if let end { throw fail("unexpected {{\(end)}}") }
        return nodes
    }

    /// Nodes up to EOF (returns nil) or up to an `{{else…}}`/`{{end}}` (returns its keyword;
    /// for `else if` the position is left after `else`).
    mutating func parseList() throws(TemplateError) -> ([TNode], String?) {
        var nodes: [TNode] = []
        while pos < text.count {
            let open = find("{{", from: pos) ?? text.count
            var chunk = Array(text[pos..<open])
            if trimNext { chunk = Array(chunk.drop(while: isSpace)); trimNext = false }
            pos = open
            if pos >= text.count {
                if !chunk.isEmpty { nodes.append(.text(String(decoding: chunk, as: UTF8.self))) }
                break
            }
            let actionStart = pos
            pos += 2
            if pos + 1 < text.count, text[pos] == UInt8(ascii: "-"), isSpace(text[pos + 1]) {
                while let last = chunk.last, isSpace(last) { chunk.removeLast() }
                pos += 2
            }
            if !chunk.isEmpty { nodes.append(.text(String(decoding: chunk, as: UTF8.self))) }
            var lex = ActionLexer(text: text, pos: pos)
            skipSpace(&lex)
            if lex.pos + 1 < text.count, text[lex.pos] == UInt8(ascii: "/"), text[lex.pos + 1] == UInt8(ascii: "*") {
                guard let close = find("*/", from: lex.pos + 2) else { throw fail("unclosed comment", at: actionStart) }
                pos = close + 2
                try closeAction(actionStart)
                continue
            }
            let toks = try lexTokens(&lex)
            pos = lex.pos
            trimNext = lex.trimRight
            guard let first = toks.first else { throw fail("missing value for command", at: actionStart) }
            if case .ident(let kw) = first.kind {
                switch kw {
                case "end":
                    return (nodes, "end")
                case "else":
                    if toks.count > 1, case .ident("if") = toks[1].kind {
                        return (nodes, "else if:" + String(actionStart))
                    }
                    return (nodes, "else")
                case "if":
                    nodes.append(try parseIf(Array(toks.dropFirst()), at: actionStart))
                    continue
                case "range", "with", "define", "template", "block", "break", "continue":
                    throw fail("\"\(kw)\" is not supported by promfleet's alert templates", at: actionStart)
                default: break
                }
            }
            nodes.append(.action(try parsePipeline(toks, at: actionStart)))
        }
        return (nodes, nil)
    }

    mutating func parseIf(_ cond: [Token], at start: Int) throws(TemplateError) -> TNode {
        if cond.isEmpty { throw fail("missing value for if", at: start) }
        let p = try parsePipeline(cond, at: start)
        let (thenNodes, end) = try parseList()
        guard let end else { throw fail("unexpected EOF") }
        if end == "end" { return .cond(p, then: thenNodes, else: []) }
        if end == "else" {
            let (elseNodes, end2) = try parseList()
            guard let end2 else { throw fail("unexpected EOF") }
            if end2 != "end" { throw fail("expected end; found {{else}}") }
            return .cond(p, then: thenNodes, else: elseNodes)
        }
        // `{{ else if c }}`: re-lex that action's condition as a nested if sharing our `end`.
        let elseStart = Int(end.dropFirst("else if:".count))!
        var lex = ActionLexer(text: text, pos: elseStart + 2)
        if text[lex.pos] == UInt8(ascii: "-") { lex.pos += 1 }
        let toks = try lexTokens(&lex)
        let nested = try parseIf(Array(toks.dropFirst(2)), at: elseStart)
        return .cond(p, then: thenNodes, else: [nested])
    }

    func parsePipeline(_ toks: [Token], at start: Int) throws(TemplateError) -> Pipeline {
        if toks.contains(where: { $0.kind == .declare }) {
            throw fail("variable declarations are not supported by promfleet's alert templates", at: start)
        }
        var i = 0
        return try parsePipeline(toks, &i, at: start, inParens: false)
    }

    func parsePipeline(_ toks: [Token], _ i: inout Int, at start: Int, inParens: Bool) throws(TemplateError) -> Pipeline {
        var cmds: [[Operand]] = []
        var cur: [Operand] = []
        while i < toks.count {
            let t = toks[i]
            i += 1
            switch t.kind {
            case .pipe:
                if cur.isEmpty { throw fail("missing command", at: start) }
                cmds.append(cur)
                cur = []
            case .rparen:
                if !inParens { throw fail("unexpected right paren", at: start) }
                if cur.isEmpty { throw fail("missing command", at: start) }
                cmds.append(cur)
                return Pipeline(commands: cmds)
            case .lparen:
                cur.append(.pipeline(try parsePipeline(toks, &i, at: start, inParens: true)))
            case .declare:
                throw fail("variable declarations are not supported by promfleet's alert templates", at: start)
            case .ident(let f):
                if f == "true" || f == "false" { cur.append(.bool(f == "true")); continue }
                if f == "nil" { cur.append(.nilValue); continue }
                if unsupportedFunctions.contains(f) {
                    throw fail("function \"\(f)\" is not supported by promfleet's alert templates", at: start)
                }
                if !supportedFunctions.contains(f) { throw fail("function \"\(f)\" not defined", at: start) }
                cur.append(.function(f))
            case .variable(let v, let fields):
                if !predefinedVariables.contains(v) { throw fail("undefined variable \"\(v)\"", at: start) }
                cur.append(.variable(v, fields: fields))
            case .field(let f): cur.append(.field(f))
            case .string(let s): cur.append(.string(s))
            case .number(let s):
                if let n = Int(s) { cur.append(.int(n)) } else if let d = Double(s) { cur.append(.float(d)) } else {
                    throw fail("bad number syntax: \"\(s)\"", at: start)
                }
            }
        }
        if inParens { throw fail("unclosed left paren", at: start) }
        if cur.isEmpty { throw fail("missing command", at: start) }
        cmds.append(cur)
        return Pipeline(commands: cmds)
    }

    func find(_ s: StaticString, from: Int) -> Int? {
        let needle = s.withUTF8Buffer { Array($0) }
        var i = from
        while i + needle.count <= text.count {
            if text[i] == needle[0] && Array(text[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }

    func lexTokens(_ lex: inout ActionLexer) throws(TemplateError) -> [Token] {
        do { return try lex.tokens() } catch { throw fail(error.message, at: error.pos) }
    }

    func skipSpace(_ lex: inout ActionLexer) {
        while lex.pos < text.count, isSpace(text[lex.pos]) { lex.pos += 1 }
    }

    /// After a comment: expects `}}` or ` -}}`.
    mutating func closeAction(_ start: Int) throws(TemplateError) {
        var lex = ActionLexer(text: text, pos: pos)
        let toks = try lexTokens(&lex)
        if !toks.isEmpty { throw fail("comment ends before closing delimiter", at: start) }
        pos = lex.pos
        trimNext = lex.trimRight
    }
}

func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
