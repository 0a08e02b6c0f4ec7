import MetricModel

extension PromParser {
    /// `name{labels} value [timestamp]`, or `{"name",labels} value [timestamp]`.
    mutating func seriesLine() throws(ExpositionError) {
        let n = b.count
        sStart = i
        var hasName = false
        if b[i] != 0x7B {
            i = scan(i, while: CharClass.metricChar)
            hasName = true
            sEnd = i
            skipSpaces()
        }
        if i < n && b[i] == 0x7B {
            i += 1
            try labelSet(hasName: &hasName)
            sEnd = i
            skipSpaces()
        }
        // Value: promlex `[^{ \t\n]+`.
        let vs = i
        i = scan(i, until: CharClass.textValueEnd)
        if !hasName {
            throw ExpositionError(.metricName, line: line,
                                  "metric name not set while parsing: \(GoQuote.quote(UnsafeBufferPointer(rebasing: b[entryStart..<i])))")
        }
        if i == vs {
            throw error("expected value after metric", tokenEnd: i + 1)
        }
        let r = NumberParsing.parseFloat(b, vs, i)
        guard case .ok(let v) = r else { throw numberError(r, vs, i) }
        value = v.isNaN ? NormalNaN.value : v
        hasTS = false
        // Common case: the line ends right after the value.
        if i < n && b[i] == 0x0A { i += 1; line += 1; return }
        skipSpaces()
        if i >= n { return }
        if b[i] == 0x0A { i += 1; line += 1; return }
        if cls[Int(b[i])] & CharClass.digit == 0 {
            throw error("expected timestamp or new record", tokenEnd: i + 1)
        }
        let tsStart = i
        i = scan(i, while: CharClass.digit)
        switch NumberParsing.parseInt(b, tsStart, i) {
        case .ok(let t): ts = t; hasTS = true
        default:
            let tok = GoQuote.quote(UnsafeBufferPointer(rebasing: b[tsStart..<i]))
            throw ExpositionError(.invalidNumber, line: line,
                                  "strconv.ParseInt: parsing \(tok): value out of range while parsing: \(GoQuote.quote(UnsafeBufferPointer(rebasing: b[entryStart..<i])))")
        }
        skipSpaces()
        if i >= n { return }
        if b[i] == 0x0A { i += 1; line += 1; return }
        throw error("expected next entry after timestamp", tokenEnd: i + 1)
    }

    /// Inside `{…}`, after the brace: promparse `parseLVals`.
    @inline(__always)
    mutating func labelSet(hasName: inout Bool) throws(ExpositionError) {
        let n = b.count
        while true {
            skipSpaces()
            guard i < n else { throw error("expected label name", tokenEnd: i + 1) }
            var c = b[i]
            if c == 0x7D { i += 1; return }
            var quotedName = false
            if cls[Int(c)] & CharClass.labelStart != 0 {
                i += 1
                i = scan(i, while: CharClass.labelChar)
            } else if c == 0x22 {
                guard try quotedString(allowNewline: true, expected: "expected label name") != nil else {
                    throw error("expected label name", tokenEnd: i + 1)
                }
                quotedName = true
            } else {
                throw error("expected label name", tokenEnd: i + 1)
            }
            // Fast path: `name="` directly.
            if i + 1 < n && b[i] == 0x3D && b[i + 1] == 0x22 {
                i += 1
            } else {
                skipSpaces()
                guard i < n else { throw error("expected equal", tokenEnd: i + 1) }
                c = b[i]
                if quotedName && (c == 0x2C || c == 0x7D) {
                    // `{"name", …}`: a quoted string alone is the metric name.
                    if hasName {
                        throw ExpositionError(.metricName, line: line,
                                              "metric name already set while parsing: \(GoQuote.quote(UnsafeBufferPointer(rebasing: b[entryStart..<(i + 1)])))")
                    }
                    hasName = true
                    i += 1
                    if c == 0x7D { return }
                    continue
                }
                if c != 0x3D { throw error("expected equal", tokenEnd: i + 1) }
                i += 1
                skipSpaces()
                if i >= n || b[i] != 0x22 { throw error("expected label value", tokenEnd: i + 1) }
            }
            // Label value, fast loop for bytes that need no attention.
            let k = scan(i + 1, until: CharClass.quotedSpecial)
            if k < n && b[k] == 0x22 {
                i = k + 1
            } else if try quotedString(allowNewline: true, expected: "expected label value") == nil {
                throw error("expected label value", tokenEnd: n)
            }
            skipSpaces()
            if i < n && b[i] == 0x2C { i += 1 }
        }
    }
}

/// Helpers shared by the two parsers.
enum Text {
    @inline(__always)
    static func matches(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard i + n <= b.count else { return false }
        let w = word.utf8Start
        for k in 0..<n where b[i + k] != w[k] { return false }
        return true
    }

    static func equals(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, _ word: StaticString) -> Bool {
        e - s == word.utf8CodeUnitCount && matches(b, s, word)
    }

    static func textFormatType(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> MetricType? {
        if equals(b, s, e, "counter") { return .counter }
        if equals(b, s, e, "gauge") { return .gauge }
        if equals(b, s, e, "histogram") { return .histogram }
        if equals(b, s, e, "summary") { return .summary }
        if equals(b, s, e, "untyped") { return .unknown }
        return nil
    }

    static func openMetricsType(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> MetricType? {
        if equals(b, s, e, "unknown") { return .unknown }
        if equals(b, s, e, "untyped") { return nil }
        return MetricType(rawValue: String(decoding: UnsafeBufferPointer(rebasing: b[s..<e]), as: UTF8.self))
    }

    /// Decodes escapes: label-value rules for names, Prometheus's help rules (`\\`, `\n`) for
    /// text-format help.
    static func decoded(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, helpOnly: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(e - s)
        var k = s
        while k < e {
            let c = b[k]
            if c == 0x5C && k + 1 < e {
                let d = b[k + 1]
                if d == 0x5C { out.append(0x5C); k += 2; continue }
                if d == 0x6E { out.append(0x0A); k += 2; continue }
                if d == 0x22 && !helpOnly { out.append(0x22); k += 2; continue }
            }
            out.append(c)
            k += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func numberError(_ r: NumberParsing.FloatResult, _ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int,
                            entryStart: Int, line: Int) -> ExpositionError {
        let tok = GoQuote.quote(UnsafeBufferPointer(rebasing: b[s..<e]))
        let ctx = GoQuote.quote(UnsafeBufferPointer(rebasing: b[entryStart..<e]))
        switch r {
        case .unsupported:
            return ExpositionError(.invalidNumber, line: line, "unsupported character in float while parsing: \(ctx)")
        case .range:
            return ExpositionError(.invalidNumber, line: line, "strconv.ParseFloat: parsing \(tok): value out of range while parsing: \(ctx)")
        default:
            return ExpositionError(.invalidNumber, line: line, "strconv.ParseFloat: parsing \(tok): invalid syntax while parsing: \(ctx)")
        }
    }
}
