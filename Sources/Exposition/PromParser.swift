import MetricModel

/// Parser for the Prometheus text exposition format 0.0.4, with Prometheus's rules
/// (`model/textparse/promparse.go` + `promlex.l`): blank lines and leading/trailing spaces and
/// tabs allowed, `# HELP`/`# TYPE` metadata, any other `#` line a comment, whitespace and a
/// trailing comma allowed inside `{}`, Prometheus 3's quoted UTF-8 names (`{"my.metric",
/// "a.b"="c"}`), value then an optional integer millisecond timestamp (digits only: negative
/// timestamps are refused, as promlex does). See `ExpositionParser` for the contract.
public struct PromParser: ExpositionParser, ByteScanning {
    let b: UnsafeBufferPointer<UInt8>
    let cls: UnsafePointer<UInt8>
    public let options: ParserOptions
    var i = 0
    var line = 1
    public internal(set) var lineNumber = 0
    var entryStart = 0
    var sStart = 0, sEnd = 0
    public internal(set) var value: Double = 0
    var ts: Int64 = 0
    var hasTS = false
    var mStart = 0, mEnd = 0
    var tStart = 0, tEnd = 0
    public internal(set) var metricType: MetricType = .unknown
    var spans: [LabelSpan] = []

    /// `body` must stay alive and unchanged while the parser is used.
    public init(_ body: UnsafeRawBufferPointer, options: ParserOptions = ParserOptions()) {
        b = body.assumingMemoryBound(to: UInt8.self)
        cls = CharClass.table
        self.options = options
    }

    public var seriesRange: Range<Int> { sStart..<sEnd }
    public var series: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(b)[sStart..<sEnd]) }
    public var timestamp: Timestamp? { hasTS ? ts : nil }
    public var hasExemplar: Bool { false }
    public var metadataNameBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(b)[mStart..<mEnd]) }
    public var metadataName: String { Text.decoded(b, mStart, mEnd, helpOnly: false) }
    public var metadataTextBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(b)[tStart..<tEnd]) }
    public func help() -> String { Text.decoded(b, tStart, tEnd, helpOnly: true) }
    public func unit() -> String { "" }
    public func comment() -> String { String(decoding: UnsafeBufferPointer(rebasing: b[tStart..<tEnd]), as: UTF8.self) }

    public mutating func labels() throws(ExpositionError) -> Labels {
        try SeriesLabels.labels(b, sStart..<sEnd, spans: &spans, type: metricType,
                                normalize: options.normalizeFloatLabelValues, line: lineNumber)
    }

    @inline(__always)
    func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }

    @inline(__always)
    mutating func skipSpaces() {
        while i < b.count && isSpace(b[i]) { i += 1 }
    }

    public mutating func next() throws(ExpositionError) -> ExpositionEntry {
        let n = b.count
        while true {
            entryStart = i
            skipSpaces()
            lineNumber = line
            if i >= n { return .eof }
            let c = b[i]
            if c == 0x0A { i += 1; line += 1; continue }
            if c == 0x23 { return try hashLine() }
            if c == 0 { i = n; return .eof } // promlex: a NUL where a line starts ends the input
            if c == 0x7B || cls[Int(c)] & CharClass.metricStart != 0 {
                try seriesLine()
                return .series
            }
            throw error("expected a valid start token", tokenEnd: i + 1)
        }
    }

    // MARK: errors

    /// Prometheus's `parseError`: "<exp>, got <token> while parsing: <line so far>".
    func error(_ expected: String, tokenEnd: Int, kind: ExpositionError.Kind = .syntax) -> ExpositionError {
        let te = min(max(tokenEnd, i + 1), b.count)
        let tok = i < b.count ? GoQuote.quote(UnsafeBufferPointer(rebasing: b[i..<te])) : "EOF"
        let e = min(te, b.count)
        let line = GoQuote.quote(UnsafeBufferPointer(rebasing: b[entryStart..<e]))
        return ExpositionError(kind, line: self.line, "\(expected), got \(tok) while parsing: \(line)")
    }

    func numberError(_ r: NumberParsing.FloatResult, _ s: Int, _ e: Int) -> ExpositionError {
        Text.numberError(r, b, s, e, entryStart: entryStart, line: line)
    }

    // MARK: lines

    mutating func hashLine() throws(ExpositionError) -> ExpositionEntry {
        let n = b.count
        let hash = i
        i += 1
        var isMeta = false
        var isHelp = false
        if i < n && isSpace(b[i]) {
            skipSpaces()
            if i + 4 < n && isSpace(b[i + 4]) {
                if Text.matches(b, i, "HELP") { isMeta = true; isHelp = true }
                else if Text.matches(b, i, "TYPE") { isMeta = true }
            }
        }
        if !isMeta {
            tStart = hash
            i = ByteSearch.index(of: 0x0A, in: b, from: i)
            tEnd = i
            return .comment
        }
        let keyword = isHelp ? "HELP" : "TYPE"
        i += 4
        skipSpaces()
        // Metric name: quoted or `{M}({M}|{D})*`.
        if i < n && b[i] == 0x22 {
            guard let (s, e) = try quotedString(allowNewline: true, expected: "expected metric name after \(keyword)") else {
                throw error("expected metric name after \(keyword)", tokenEnd: i + 1)
            }
            mStart = s; mEnd = e
        } else if i < n && cls[Int(b[i])] & CharClass.metricStart != 0 {
            mStart = i
            i = scan(i, while: CharClass.metricChar)
            mEnd = i
        } else {
            throw error("expected metric name after \(keyword)", tokenEnd: i + 1)
        }
        // The rest of the line; promlex drops its first byte (the separating blank).
        var s = i
        i = ByteSearch.index(of: 0x0A, in: b, from: i)
        if i - s >= 1 { s += 1 }
        tStart = s; tEnd = i
        if isHelp {
            let text = UnsafeBufferPointer(rebasing: b[tStart..<tEnd])
            if !UTF8Check.isValid(text) {
                throw ExpositionError(.invalidUTF8, line: line, "help text \(GoQuote.quote(text)) is not a valid utf8 string")
            }
            return .help
        }
        guard let t = Text.textFormatType(b, tStart, tEnd) else {
            throw ExpositionError(.invalidMetricType, line: line,
                                  "invalid metric type \(GoQuote.quote(UnsafeBufferPointer(rebasing: b[tStart..<tEnd])))")
        }
        metricType = t
        return .type
    }

    /// Scans `"…"` at `i` (promlex `\"(\\.|[^\\"])*\"`). Returns the inner range, leaving `i` after
    /// the closing quote; nil (with `i` unchanged) when unterminated or a backslash precedes a
    /// newline. Validates UTF-8.
    @inline(__always)
    mutating func quotedString(allowNewline: Bool, expected: String) throws(ExpositionError) -> (Int, Int)? {
        let open = i
        guard let (k, newlines, high) = QuotedScan.scan(b, cls, open: open, allowNewline: allowNewline) else { return nil }
        let s = open + 1
        if high && !UTF8Check.isValid(UnsafeBufferPointer(rebasing: b[s..<k])) {
            i = open
            throw ExpositionError(.invalidUTF8, line: line,
                                  "invalid UTF-8 label value: \(GoQuote.quote(UnsafeBufferPointer(rebasing: b[open...k])))")
        }
        line += newlines
        i = k + 1
        return (s, k)
    }
}
