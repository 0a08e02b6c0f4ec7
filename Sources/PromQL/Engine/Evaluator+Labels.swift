import MetricModel

extension Evaluator {
    func stringArg(_ e: Expr) throws -> String {
        if case .string(let s, _) = unwrapParens(e) { return s }
        return try evalString(e)
    }

    /// label_replace(v, dst, replacement, src, regex) (Prometheus `evalLabelReplace`).
    func evalLabelReplace(_ c: Call) throws -> EvalMatrix {
        let dst = try stringArg(c.args[1]), repl = try stringArg(c.args[2])
        let src = try stringArg(c.args[3]), regexStr = try stringArg(c.args[4])
        let regex: Regex<AnyRegexOutput>
        do { regex = try Regex("(?s:" + regexStr + ")") } catch {
            throw EvalError.exec("invalid regular expression in label_replace(): \(regexStr)")
        }
        if !isValidLabelName(dst) { throw EvalError.exec("invalid destination label name in label_replace(): \(dst)") }
        var m = try evalVector(c.args[0])
        var cache: [LabelsKey: (Labels, Bool)?] = [:]
        for i in m.indices {
            let key = m[i].labels
            let lk = LabelsKey(key)
            let res: (Labels, Bool)?
            if let r = cache[lk] { res = r } else {
                let srcVal = key.get(src)
                if let match = try? regex.wholeMatch(in: srcVal) {
                    let value = expandTemplate(repl, match)
                    res = (key.setting(dst, value), true)
                } else {
                    res = nil
                }
                cache[lk] = res
            }
            if let (l, _) = res {
                m[i].labels = l
                if dst == LabelName.metricName { m[i].dropName = false }
            }
        }
        return try mergeSameLabelset(m)
    }

    /// label_join(v, dst, separator, src...) (Prometheus `evalLabelJoin`).
    func evalLabelJoin(_ c: Call) throws -> EvalMatrix {
        let dst = try stringArg(c.args[1]), sep = try stringArg(c.args[2])
        var srcs: [String] = []
        for a in c.args.dropFirst(3) {
            let s = try stringArg(a)
            if !isValidLabelName(s) { throw EvalError.exec("invalid source label name in label_join(): \(s)") }
            srcs.append(s)
        }
        if !isValidLabelName(dst) { throw EvalError.exec("invalid destination label name in label_join(): \(dst)") }
        var m = try evalVector(c.args[0])
        for i in m.indices {
            let value = srcs.map { m[i].labels.get($0) }.joined(separator: sep)
            m[i].labels = m[i].labels.setting(dst, value)
            if dst == LabelName.metricName { m[i].dropName = false }
        }
        return try mergeSameLabelset(m)
    }
}

/// Prometheus 3 accepts any non-empty valid UTF-8 label name (the parser turns invalid bytes
/// into U+FFFD).
func isValidLabelName(_ s: String) -> Bool { !s.isEmpty && !s.unicodeScalars.contains("\u{FFFD}") && PromQLString.isValidUTF8(s) }

/// Go's `Regexp.ExpandString`: `$1`, `${1}`, `$name`, `${name}`, `$$`. A name is the longest run
/// of letters, digits and underscores; unknown groups expand to "".
func expandTemplate(_ template: String, _ match: Regex<AnyRegexOutput>.Match) -> String {
    var out = ""
    let chars = Array(template.unicodeScalars)
    var i = 0
    func group(_ name: String) -> String {
        if let n = Int(name) {
            if n < match.output.count, let sub = match.output[n].substring { return String(sub) }
            return ""
        }
        if let sub = match.output[name]?.substring { return String(sub) }
        return ""
    }
    func isWord(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_"
    }
    while i < chars.count {
        let c = chars[i]
        if c != "$" || i + 1 >= chars.count {
            out.unicodeScalars.append(c); i += 1; continue
        }
        let n = chars[i + 1]
        if n == "$" { out += "$"; i += 2; continue }
        if n == "{" {
            var j = i + 2
            var name = ""
            while j < chars.count && isWord(chars[j]) { name.unicodeScalars.append(chars[j]); j += 1 }
            if j < chars.count && chars[j] == "}" && !name.isEmpty {
                out += group(name); i = j + 1
            } else {
                out.unicodeScalars.append(c); i += 1
            }
            continue
        }
        var j = i + 1
        var name = ""
        while j < chars.count && isWord(chars[j]) { name.unicodeScalars.append(chars[j]); j += 1 }
        if name.isEmpty { out.unicodeScalars.append(c); i += 1; continue }
        out += group(name)
        i = j
    }
    return out
}
