import MetricModel

// Vector selectors, label matchers and grouping label lists (generated_parser.y
// vector_selector, label_matchers, label_matcher, grouping_labels).

extension ParserCore {
    /// Parses `name`, `name{…}` or `{…}`; `name` has been consumed already when given.
    mutating func parseVectorSelector(name: Token?, start: Int) throws(SyntaxAbort) -> VectorSelector {
        var matchers: [LabelMatcher] = []
        var end = name?.end ?? start
        if tok.kind == .leftBrace {
            advance()
            try parseMatcherList(into: &matchers)
            end = try expect(.rightBrace).end
        }
        var nameStr: String?
        if let name {
            let n = text(name)
            nameStr = n
            matchers.append(LabelMatcher.equal("__name__", n))
        }
        return VectorSelector(name: nameStr, matchers: matchers, position: PositionRange(start: start, end: end))
    }

    private mutating func parseMatcherList(into matchers: inout [LabelMatcher]) throws(SyntaxAbort) {
        if tok.kind == .rightBrace { return }
        while true {
            if let m = try parseMatcher() { matchers.append(m) }
            if tok.kind == .rightBrace { return }
            guard tok.kind == .comma else { throw unexpected("label matching", "\",\" or \"}\"") }
            advance()
            if tok.kind == .rightBrace { return }
        }
    }

    private static func matchType(_ k: TokenKind) -> MatchType? {
        switch k {
        case .eql: return .equal
        case .neq: return .notEqual
        case .eqlRegex: return .regexMatch
        case .neqRegex: return .regexNoMatch
        default: return nil
        }
    }

    private mutating func parseMatcher() throws(SyntaxAbort) -> LabelMatcher? {
        switch tok.kind {
        case .identifier:
            let label = advance()
            guard let mt = ParserCore.matchType(tok.kind) else {
                throw unexpected("label matching", "label matching operator")
            }
            advance()
            guard tok.kind == .string else { throw unexpected("label matching", "string") }
            let value = advance()
            return newMatcher(mt, text(label), label.start, value)
        case .string:
            let nameTok = advance()
            let name = unquote(nameTok)
            if let mt = ParserCore.matchType(tok.kind) {
                advance()
                guard tok.kind == .string else { throw unexpected("label matching", "string") }
                let value = advance()
                return newMatcher(mt, name, nameTok.start, value)
            }
            return LabelMatcher.equal("__name__", name)
        default:
            throw unexpected("label matching", "identifier or \"}\"")
        }
    }

    private mutating func newMatcher(_ mt: MatchType, _ name: String, _ start: Int, _ valueTok: Token) -> LabelMatcher? {
        let value = unquote(valueTok)
        do {
            return try LabelMatcher(mt, name, value)
        } catch {
            addError(PositionRange(start: start, end: valueTok.end), "\(error)")
            return nil
        }
    }

    /// `( label, … )` after by/without/on/ignoring/group_left/group_right.
    mutating func parseGroupingLabels() throws(SyntaxAbort) -> [String] {
        guard tok.kind == .leftParen else { throw unexpected("grouping opts", "\"(\"") }
        advance()
        var labels: [String] = []
        if tok.kind == .rightParen { advance(); return labels }
        while true {
            labels.append(try parseGroupingLabel())
            if tok.kind == .rightParen { advance(); return labels }
            guard tok.kind == .comma else { throw unexpected("grouping opts", "\",\" or \")\"") }
            advance()
            if tok.kind == .rightParen { advance(); return labels }
        }
    }

    private mutating func parseGroupingLabel() throws(SyntaxAbort) -> String {
        if tok.kind.isMaybeLabel {
            let t = advance()
            let name = text(t)
            if name.isEmpty {
                addError(t.range, "invalid label name for grouping: \(GoQuote.quote(name))")
            }
            return name
        }
        if tok.kind == .string {
            let t = advance()
            let name = unquote(t)
            if name.isEmpty {
                addError(t.range, "invalid label name for grouping: \(GoQuote.quote(name))")
            }
            return name
        }
        throw unexpected("grouping opts", "label")
    }
}
