import MetricModel

/// Parser for OpenMetrics 1.0 text, with Prometheus's rules (`model/textparse/
/// openmetricsparse.go` + `openmetricslex.l`): the body MUST end with `# EOF` (optionally
/// followed by one newline) and nothing after it; no blank lines, no free comments, no
/// whitespace inside `{}` or around tokens (exactly one space between them); `# HELP`,
/// `# TYPE` (counter, gauge, histogram, gaugehistogram, summary, info, stateset, unknown) and
/// `# UNIT` (a suffix of the metric name); timestamps are float seconds, returned in
/// milliseconds; exemplars `# {labels} value [timestamp]` are validated and skipped. Counter
/// samples keep their exposed names (`foo_total`, `foo_created`), as Prometheus stores them;
/// `_created` lines can be skipped with `ParserOptions.skipCreatedSeries`.
/// See `ExpositionParser` for the contract.
public struct OpenMetricsParser: ExpositionParser, ByteScanning {
    let b: UnsafeBufferPointer<UInt8>
    let cls: UnsafePointer<UInt8>
    public let options: ParserOptions
    var i = 0
    var line = 1
    public internal(set) var lineNumber = 0
    var entryStart = 0
    var sStart = 0, sEnd = 0
    var nameStart = 0, nameEnd = 0
    public internal(set) var value: Double = 0
    var ts: Int64 = 0
    var hasTS = false
    public internal(set) var hasExemplar = false
    var mStart = 0, mEnd = 0
    var tStart = 0, tEnd = 0
    public internal(set) var metricType: MetricType = .unknown
    var finished = false
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
    public var metadataNameBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(b)[mStart..<mEnd]) }
    public var metadataName: String { Text.decoded(b, mStart, mEnd, helpOnly: false) }
    public var metadataTextBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(b)[tStart..<tEnd]) }
    /// OpenMetrics help uses the label-value escapes (`\\`, `\"`, `\n`).
    public func help() -> String { Text.decoded(b, tStart, tEnd, helpOnly: false) }
    public func unit() -> String { String(decoding: UnsafeBufferPointer(rebasing: b[tStart..<tEnd]), as: UTF8.self) }
    public func comment() -> String { "" }

    public mutating func labels() throws(ExpositionError) -> Labels {
        try SeriesLabels.labels(b, sStart..<sEnd, spans: &spans, type: metricType,
                                normalize: options.normalizeFloatLabelValues, line: lineNumber)
    }

    public mutating func next() throws(ExpositionError) -> ExpositionEntry {
        if finished { return .eof }
        while true {
            entryStart = i
            lineNumber = line
            hasExemplar = false
            if i >= b.count {
                throw ExpositionError(.missingEOF, line: line, "data does not end with # EOF")
            }
            let c = b[i]
            if c == 0x23 { return try hashLine() }
            if c == 0x7B || cls[Int(c)] & CharClass.metricStart != 0 {
                try seriesLine()
                if options.skipCreatedSeries && isCreatedSeries() { continue }
                return .series
            }
            throw error("expected a valid start token", tokenEnd: i + 1)
        }
    }

    func isCreatedSeries() -> Bool {
        switch metricType {
        case .counter, .summary, .histogram:
            return nameEnd - nameStart >= 8 && Text.matches(b, nameEnd - 8, "_created")
        default:
            return false
        }
    }

    func error(_ expected: String, tokenEnd: Int, kind: ExpositionError.Kind = .syntax) -> ExpositionError {
        let te = min(max(tokenEnd, i + 1), b.count)
        let tok = i < b.count ? GoQuote.quote(UnsafeBufferPointer(rebasing: b[i..<te])) : "EOF"
        let ctx = GoQuote.quote(UnsafeBufferPointer(rebasing: b[entryStart..<te]))
        return ExpositionError(kind, line: line, "\(expected), got \(tok) while parsing: \(ctx)")
    }

    mutating func hashLine() throws(ExpositionError) -> ExpositionEntry {
        let n = b.count
        guard i + 1 < n && b[i + 1] == 0x20 else { throw error("expected a valid start token", tokenEnd: i + 2) }
        i += 2
        let entry: ExpositionEntry
        if Text.matches(b, i, "HELP ") { entry = .help }
        else if Text.matches(b, i, "TYPE ") { entry = .type }
        else if Text.matches(b, i, "UNIT ") { entry = .unit }
        else if Text.matches(b, i, "EOF") {
            i += 3
            if i < n && b[i] == 0x0A { i += 1; line += 1 }
            finished = true
            if i < n { throw ExpositionError(.dataAfterEOF, line: line, "unexpected data after # EOF") }
            return .eof
        } else {
            throw error("expected a valid start token", tokenEnd: i + 1)
        }
        let keyword = entry == .help ? "HELP" : entry == .type ? "TYPE" : "UNIT"
        i += 5
        if i < n && b[i] == 0x22 {
            guard let (s, e) = try quoted(allowNewline: true) else {
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
        // openmetricslex `{S}{C}*\n`: one space, the text, a newline.
        guard i < n && b[i] == 0x20 else {
            throw ExpositionError(.syntax, line: line, "expected text in \(keyword)")
        }
        let k = ByteSearch.index(of: 0x0A, in: b, from: i + 1)
        guard k < n else { throw ExpositionError(.syntax, line: line, "expected text in \(keyword)") }
        tStart = i + 1; tEnd = k
        i = k + 1
        defer { line += 1 }
        let text = UnsafeBufferPointer(rebasing: b[tStart..<tEnd])
        switch entry {
        case .help:
            if !UTF8Check.isValid(text) {
                throw ExpositionError(.invalidUTF8, line: line, "help text \(GoQuote.quote(text)) is not a valid utf8 string")
            }
        case .type:
            guard let t = Text.openMetricsType(b, tStart, tEnd) else {
                throw ExpositionError(.invalidMetricType, line: line, "invalid metric type \(GoQuote.quote(text))")
            }
            metricType = t
        default:
            let u = tEnd - tStart
            if u > 0 {
                let m = mEnd - mStart
                let ok = m >= u + 1 && b[mEnd - u - 1] == 0x5F
                    && UnsafeBufferPointer(rebasing: b[(mEnd - u)..<mEnd]).elementsEqual(text)
                if !ok {
                    let mq = GoQuote.quote(UnsafeBufferPointer(rebasing: b[mStart..<mEnd]))
                    throw ExpositionError(.unitMismatch, line: line, "unit \(GoQuote.quote(text)) not a suffix of metric \(mq)")
                }
            }
        }
        return entry
    }

    /// `"…"` at `i`: openmetricslex `\"(\\.|[^\\"])*\"` (names) or `\"(\\.|[^\\"\n])*\"`
    /// (values). Returns the inner range and moves `i` past the closing quote; nil (with `i`
    /// unchanged) when unterminated.
    @inline(__always)
    mutating func quoted(allowNewline: Bool) throws(ExpositionError) -> (Int, Int)? {
        guard let (k, newlines, high) = QuotedScan.scan(b, cls, open: i, allowNewline: allowNewline) else { return nil }
        let s = i + 1
        if high && !UTF8Check.isValid(UnsafeBufferPointer(rebasing: b[s..<k])) {
            throw ExpositionError(.invalidUTF8, line: line,
                                  "invalid UTF-8 label value: \(GoQuote.quote(UnsafeBufferPointer(rebasing: b[(s - 1)...k])))")
        }
        line += newlines
        i = k + 1
        return (s, k)
    }
}
