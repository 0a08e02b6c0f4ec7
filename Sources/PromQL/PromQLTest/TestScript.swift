import MetricModel

// The promqltest script format (Prometheus promql/promqltest/test.go): load, load_with_nhcb,
// clear, eval instant|range with expectations. See ../shared/promql-testdata/README.md.

/// One expected value in a series line (`_` is `omitted`).
struct SequenceValue {
    var value: Double = 0
    var omitted = false
    /// A native histogram literal `{{…}}` (not evaluated by this float runner).
    var histogram = false
}

struct ExpectedSeries {
    var labels: Labels
    var values: [SequenceValue]
    /// 1-based position in the expectation list (for `expect ordered`).
    var position: Int
}

enum ExpectKind: String { case ordered, fail, warn, noWarn = "no_warn", info, noInfo = "no_info" }

struct ExpectLine {
    var kind: ExpectKind
    /// "msg" or "regex" with its text.
    var mode: String?
    var text: String?
}

struct EvalCommand {
    var line: Int
    var expr: String
    var instant: Bool
    var evalTime: Int64 = 0
    var start: Int64 = 0
    var end: Int64 = 0
    var step: Int64 = 0
    var expects: [ExpectLine] = []
    var expected: [ExpectedSeries] = []
    var expectScalar: Double?
    var expectString: String?
    var rangeVector = false
    var hasHistogramExpectation = false

    var fail: Bool { expects.contains { $0.kind == .fail } }
    var ordered: Bool { expects.contains { $0.kind == .ordered } }
    var excludeFromRangeQuery: Bool { rangeVector || expectString != nil }
}

struct LoadCommand {
    var line: Int
    var interval: Int64
    var withNHCB: Bool
    var series: [(Labels, [SequenceValue])]
}

enum TestCommand {
    case load(LoadCommand)
    case clear
    case eval(EvalCommand)
}

struct ScriptError: Error, CustomStringConvertible {
    var line: Int
    var message: String
    var description: String { "line \(line): \(message)" }
}

enum ScriptParser {
    static func parse(_ text: String) throws -> [TestCommand] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { raw -> String in
            let l = raw.trimmingWhitespace()
            return l.hasPrefix("#") ? "" : l
        }
        var cmds: [TestCommand] = []
        var i = 0
        while i < lines.count {
            let l = lines[i]
            if l.isEmpty { i += 1; continue }
            let word = l.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map { String($0).lowercased() } ?? ""
            if word == "clear" {
                cmds.append(.clear)
                i += 1
            } else if word.hasPrefix("load") {
                let (next, cmd) = try parseLoad(lines, i)
                cmds.append(.load(cmd))
                i = next
            } else if word.hasPrefix("eval") {
                let (next, cmd) = try parseEval(lines, i)
                cmds.append(.eval(cmd))
                i = next
            } else {
                throw ScriptError(line: i + 1, message: "invalid command \"\(l)\"")
            }
        }
        return cmds
    }

    static func parseLoad(_ lines: [String], _ i0: Int) throws -> (Int, LoadCommand) {
        let parts = lines[i0].splitWhitespace()
        guard parts.count == 2, parts[0] == "load" || parts[0] == "load_with_nhcb" else {
            throw ScriptError(line: i0 + 1, message: "invalid load command. (load[_with_nhcb] <step:duration>)")
        }
        guard let gap = parseDuration(parts[1]) else { throw ScriptError(line: i0 + 1, message: "invalid step definition \"\(parts[1])\"") }
        var cmd = LoadCommand(line: i0 + 1, interval: gap, withNHCB: parts[0] == "load_with_nhcb", series: [])
        var i = i0 + 1
        while i < lines.count && !lines[i].isEmpty {
            let (labels, vals) = try parseSeriesLine(lines[i], line: i + 1)
            cmd.series.append((labels, vals))
            i += 1
        }
        return (i, cmd)
    }

    static func parseEval(_ lines: [String], _ i0: Int) throws -> (Int, EvalCommand) {
        let line = lines[i0]
        var words = Substring(line)
        let head = words.prefix { $0 != " " && $0 != "\t" }
        words = words.dropFirst(head.count).drop { $0 == " " || $0 == "\t" }
        var mod = ""
        if head.hasPrefix("eval_") { mod = String(head.dropFirst(5)) } else if head != "eval" {
            throw ScriptError(line: i0 + 1, message: "invalid evaluation command")
        }
        var cmd: EvalCommand
        func nextWord() -> String {
            let w = words.prefix { $0 != " " && $0 != "\t" }
            words = words.dropFirst(w.count).drop { $0 == " " || $0 == "\t" }
            return String(w)
        }
        let kind = nextWord()
        if kind == "instant" {
            var t: Int64 = 0
            if words.hasPrefix("at ") || words.hasPrefix("at\t") {
                _ = nextWord()
                let ts = nextWord()
                guard let d = parseDuration(ts) else { throw ScriptError(line: i0 + 1, message: "invalid timestamp definition \"\(ts)\"") }
                t = d
            }
            cmd = EvalCommand(line: i0 + 1, expr: String(words), instant: true)
            cmd.evalTime = t
        } else if kind == "range" {
            guard nextWord() == "from" else { throw ScriptError(line: i0 + 1, message: "invalid range eval") }
            let from = nextWord()
            guard nextWord() == "to" else { throw ScriptError(line: i0 + 1, message: "invalid range eval") }
            let to = nextWord()
            guard nextWord() == "step" else { throw ScriptError(line: i0 + 1, message: "invalid range eval") }
            let step = nextWord()
            guard let f = parseDuration(from), let t = parseDuration(to), let s = parseDuration(step) else {
                throw ScriptError(line: i0 + 1, message: "invalid range durations")
            }
            cmd = EvalCommand(line: i0 + 1, expr: String(words), instant: false)
            cmd.start = f; cmd.end = t; cmd.step = s
        } else {
            throw ScriptError(line: i0 + 1, message: "invalid evaluation command")
        }
        switch mod {
        case "fail": cmd.expects.append(ExpectLine(kind: .fail))
        case "ordered": cmd.expects.append(ExpectLine(kind: .ordered))
        case "warn": cmd.expects.append(ExpectLine(kind: .warn))
        case "info": cmd.expects.append(ExpectLine(kind: .info))
        default: break
        }
        var i = i0 + 1
        var pos = 1
        while i < lines.count && !lines[i].isEmpty {
            let l = lines[i]
            defer { i += 1 }
            if l.hasPrefix("expected_fail_message") {
                cmd.expects.removeAll { $0.kind == .fail }
                cmd.expects.append(ExpectLine(kind: .fail, mode: "msg", text: String(l.dropFirst("expected_fail_message".count)).trimmingWhitespace()))
                continue
            }
            if l.hasPrefix("expected_fail_regexp") {
                cmd.expects.removeAll { $0.kind == .fail }
                cmd.expects.append(ExpectLine(kind: .fail, mode: "regex", text: String(l.dropFirst("expected_fail_regexp".count)).trimmingWhitespace()))
                continue
            }
            if l.hasPrefix("expect range vector") {
                let p = l.splitWhitespace()
                guard p.count == 9, let f = parseDuration(p[4]), let t = parseDuration(p[6]), let s = parseDuration(p[8]) else {
                    throw ScriptError(line: i + 1, message: "invalid expect range vector")
                }
                cmd.rangeVector = true
                cmd.start = f; cmd.end = t; cmd.step = s
                cmd.evalTime = t
                continue
            }
            if l.hasPrefix("expect string") {
                let rest = String(l.dropFirst("expect string".count)).trimmingWhitespace()
                guard let s = goUnquote(rest) else { throw ScriptError(line: i + 1, message: "expected string literal not valid") }
                cmd.expectString = s
                continue
            }
            if l.splitWhitespace().first == "expect" {
                cmd.expects.append(try parseExpect(l, line: i + 1))
                continue
            }
            if let f = parseSeriesNumber(l) {
                cmd.expectScalar = f
                continue
            }
            let (labels, vals) = try parseSeriesLine(l, line: i + 1)
            if vals.contains(where: \.histogram) { cmd.hasHistogramExpectation = true }
            cmd.expected.append(ExpectedSeries(labels: labels, values: vals, position: pos))
            pos += 1
        }
        return (i, cmd)
    }

    static func parseExpect(_ l: String, line: Int) throws -> ExpectLine {
        var rest = Substring(l.dropFirst("expect".count)).drop { $0 == " " || $0 == "\t" }
        let kw = rest.prefix { $0 != " " && $0 != "\t" }
        guard let kind = ExpectKind(rawValue: String(kw)) else { throw ScriptError(line: line, message: "invalid expect line") }
        rest = rest.dropFirst(kw.count).drop { $0 == " " || $0 == "\t" }
        if rest.isEmpty { return ExpectLine(kind: kind) }
        for mode in ["msg", "regex"] where rest.hasPrefix(mode + ":") {
            let text = String(rest.dropFirst(mode.count + 1)).trimmingWhitespace()
            return ExpectLine(kind: kind, mode: mode, text: text)
        }
        throw ScriptError(line: line, message: "invalid expect line")
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }

    func splitWhitespace() -> [String] {
        String(self).split(whereSeparator: { (c: Character) in c == " " || c == "\t" }).map { String($0) }
    }
}

/// Prometheus durations (`model.ParseDuration`): `1h30m`, `10s53ms`, `0`; a bare number is seconds.
func parseDuration(_ s: String) -> Int64? {
    if s.isEmpty { return nil }
    if let n = Int64(s) { return n * 1000 }
    if let d = Double(s), s.contains(".") { return Int64((d * 1000).rounded()) }
    let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000), ("w", 604_800_000), ("y", 31_536_000_000)]
    var total: Int64 = 0
    var chars = Substring(s)
    var neg = false
    if chars.first == "-" { neg = true; chars = chars.dropFirst() }
    while !chars.isEmpty {
        let digits = chars.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let n = Int64(digits) else { return nil }
        chars = chars.dropFirst(digits.count)
        var matched = false
        for (u, mult) in units where chars.hasPrefix(u) {
            // "m" must not swallow "ms"
            if u == "m" && chars.hasPrefix("ms") { continue }
            total += n * mult
            chars = chars.dropFirst(u.count)
            matched = true
            break
        }
        if !matched { return nil }
    }
    return neg ? -total : total
}
