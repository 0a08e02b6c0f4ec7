import MetricModel

extension OpenMetricsParser {
    /// `name{labels} value[ timestamp][ # {labels} value[ timestamp]]\n`.
    mutating func seriesLine() throws(ExpositionError) {
        let n = b.count
        sStart = i
        var hasName = false
        if b[i] != 0x7B {
            nameStart = i
            i = scan(i, while: CharClass.metricChar)
            nameEnd = i
            hasName = true
            sEnd = i
        }
        if i < n && b[i] == 0x7B {
            i += 1
            try labelSet(exemplar: false, hasName: &hasName)
            sEnd = i
        }
        if !hasName {
            // Prometheus reports this after lexing the value token; show it too.
            let end = i < n && b[i] == 0x20 ? scan(i + 1, until: CharClass.omValueEnd) : i
            throw ExpositionError(.metricName, line: line,
                                  "metric name not set while parsing: \(GoQuote.quote(UnsafeBufferPointer(rebasing: b[entryStart..<end])))")
        }
        value = try number(after: "metric")
        hasTS = false
        // After the value: newline, ` timestamp`, or ` # {` (exemplar).
        if i < n && b[i] == 0x0A { i += 1; line += 1; return }
        if i >= n { throw ExpositionError(.missingEOF, line: line, "data does not end with # EOF") }
        if isExemplarStart() { try exemplar(); return }
        guard b[i] == 0x20, i + 1 < n, cls[Int(b[i + 1])] & CharClass.omValueEnd == 0 else {
            throw error("expected timestamp or new record", tokenEnd: i + 1)
        }
        let secs = try timestampSeconds()
        guard let ms = NumberParsing.secondsToMillis(secs) else {
            throw ExpositionError(.invalidTimestamp, line: line, "invalid timestamp \(goF(secs))")
        }
        ts = ms
        hasTS = true
        if i < n && b[i] == 0x0A { i += 1; line += 1; return }
        if i >= n { throw ExpositionError(.missingEOF, line: line, "data does not end with # EOF") }
        if isExemplarStart() { try exemplar(); return }
        throw error("expected next entry after timestamp", tokenEnd: i + 2)
    }

    /// The timestamp token after the space at `i`, in seconds (sample or exemplar).
    @inline(__always)
    mutating func timestampSeconds() throws(ExpositionError) -> Double {
        let s = i + 1
        i = scan(s, until: CharClass.omValueEnd)
        let r = NumberParsing.parseFloat(b, s, i)
        guard case .ok(let secs) = r else {
            throw Text.numberError(r, b, s, i, entryStart: entryStart, line: line)
        }
        return secs
    }

    /// Go's `%f` for the NaN/Inf timestamps Prometheus reports.
    func goF(_ v: Double) -> String { v.isNaN ? "NaN" : v > 0 ? "+Inf" : "-Inf" }

    func isExemplarStart() -> Bool {
        i + 3 < b.count && b[i] == 0x20 && b[i + 1] == 0x23 && b[i + 2] == 0x20 && b[i + 3] == 0x7B
    }

    /// ` value` (one space, then `[^ \n]+`), parsed as a float.
    mutating func number(after what: String) throws(ExpositionError) -> Double {
        let n = b.count
        guard i + 1 < n, b[i] == 0x20, cls[Int(b[i + 1])] & CharClass.omValueEnd == 0 else {
            throw error("expected value after \(what)", tokenEnd: i + 1)
        }
        let s = i + 1
        i = s
        i = scan(i, until: CharClass.omValueEnd)
        let r = NumberParsing.parseFloat(b, s, i)
        guard case .ok(let v) = r else {
            throw Text.numberError(r, b, s, i, entryStart: entryStart, line: line)
        }
        return v.isNaN ? NormalNaN.value : v
    }

    /// ` # {labels} value[ timestamp]\n`, validated and skipped.
    mutating func exemplar() throws(ExpositionError) {
        let n = b.count
        i += 4
        var unused = true
        try labelSet(exemplar: true, hasName: &unused)
        _ = try number(after: "exemplar labels")
        hasExemplar = true
        if i < n && b[i] == 0x0A { i += 1; line += 1; return }
        if i >= n { throw ExpositionError(.missingEOF, line: line, "data does not end with # EOF") }
        guard b[i] == 0x20, i + 1 < n, cls[Int(b[i + 1])] & CharClass.omValueEnd == 0 else {
            throw error("expected timestamp or comment", tokenEnd: i + 1)
        }
        let secs = try timestampSeconds()
        if secs.isNaN || secs.isInfinite {
            throw ExpositionError(.invalidTimestamp, line: line, "invalid exemplar timestamp \(goF(secs))")
        }
        if i < n && b[i] == 0x0A { i += 1; line += 1; return }
        if i >= n { throw ExpositionError(.missingEOF, line: line, "data does not end with # EOF") }
        throw error("expected next entry after exemplar timestamp", tokenEnd: i + 1)
    }

    /// Inside `{…}` after the brace: openmetricsparse `parseLVals`. No whitespace anywhere; after
    /// a value comes `,` or `}`; a trailing comma is allowed.
    @inline(__always)
    mutating func labelSet(exemplar: Bool, hasName: inout Bool) throws(ExpositionError) {
        let n = b.count
        while true {
            guard i < n else { throw error("expected label name", tokenEnd: i + 1) }
            let c = b[i]
            if c == 0x7D { i += 1; return }
            var quotedName = false
            var qs = 0, qe = 0
            if cls[Int(c)] & CharClass.labelStart != 0 {
                i += 1
                i = scan(i, while: CharClass.labelChar)
            } else if c == 0x22 {
                guard let (s, e) = try quoted(allowNewline: true) else {
                    throw error("expected label name", tokenEnd: i + 1)
                }
                quotedName = true
                qs = s; qe = e
            } else {
                throw error("expected label name", tokenEnd: i + 1)
            }
            guard i < n else { throw error("expected equal", tokenEnd: i + 1) }
            let d = b[i]
            if quotedName && (d == 0x2C || d == 0x7D) {
                if exemplar { throw error("expected label name", tokenEnd: i + 1) }
                if hasName {
                    throw ExpositionError(.metricName, line: line,
                                          "metric name already set while parsing: \(GoQuote.quote(UnsafeBufferPointer(rebasing: b[entryStart..<(i + 1)])))")
                }
                hasName = true
                nameStart = qs; nameEnd = qe
                i += 1
                if d == 0x7D { return }
                continue
            }
            if d != 0x3D { throw error("expected equal", tokenEnd: i + 1) }
            i += 1
            guard i < n && b[i] == 0x22 else { throw error("expected label value", tokenEnd: i + 1) }
            let k = scan(i + 1, until: CharClass.quotedSpecial)
            if k < n && b[k] == 0x22 {
                i = k + 1
            } else if try quoted(allowNewline: false) == nil {
                throw error("expected label value", tokenEnd: min(k + 1, n))
            }
            guard i < n else { throw error("expected comma or brace close", tokenEnd: i + 1) }
            if b[i] == 0x2C { i += 1 } else if b[i] != 0x7D { throw error("expected comma or brace close", tokenEnd: i + 1) }
        }
    }
}
