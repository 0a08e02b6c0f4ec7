import MetricModel

/// A failure to parse a scrape body: the 1-based line and what was wrong.
public struct ExpositionParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

/// One sample line of the text format: byte offsets of the series text (name + labels, the
/// scrape cache key) in the body, and the parsed value and optional timestamp (ms).
public struct TextSample: Sendable {
    public var seriesStart: Int
    public var seriesEnd: Int
    public var nameEnd: Int
    public var value: Double
    public var timestamp: Int64?
}

/// A pull parser for the Prometheus text format 0.0.4 (and the sample lines of OpenMetrics) over
/// raw bytes: `next()` returns each sample without allocating; comments (`# HELP`, `# TYPE`,
/// `# EOF`) and blank lines are skipped. `labels(of:)` decodes a sample's labels (the scrape
/// cache's miss path). Errors name the line.
///
/// Stand-in for the Exposition module's parsers; same shape (series byte range, lazy labels).
public struct TextParser {
    let b: UnsafeBufferPointer<UInt8>
    var i = 0
    public private(set) var line = 0

    public init(_ body: UnsafeBufferPointer<UInt8>) { b = body }

    static let nameStart: [Bool] = (0..<256).map { c in
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F || c == 0x3A
    }
    static let nameChar: [Bool] = (0..<256).map { c in
        nameStart[c] || (c >= 0x30 && c <= 0x39)
    }

    @inline(__always) func err(_ m: String) -> ExpositionParseError { ExpositionParseError(line: line, message: m) }

    func snippet(_ from: Int) -> String {
        var e = from
        while e < b.count && b[e] != 0x0A && e - from < 40 { e += 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: b[from..<e]), as: UTF8.self)
    }

    public mutating func next() throws(ExpositionParseError) -> TextSample? {
        while i < b.count {
            line += 1
            let c = b[i]
            if c == 0x0A { i += 1; continue }
            if c == UInt8(ascii: "#") {
                while i < b.count && b[i] != 0x0A { i += 1 }
                i += 1
                continue
            }
            if c == 0x20 || c == 0x09 {
                var j = i
                while j < b.count && (b[j] == 0x20 || b[j] == 0x09) { j += 1 }
                if j >= b.count || b[j] == 0x0A { i = j + 1; continue }
                if b[j] == UInt8(ascii: "#") { i = j; line -= 1; continue }
                throw err("\"\(snippet(i))\" is not a valid start token")
            }
            return try sampleLine()
        }
        return nil
    }

    mutating func sampleLine() throws(ExpositionParseError) -> TextSample {
        let start = i
        guard Self.nameStart[Int(b[i])] else { throw err("\"\(snippet(i))\" is not a valid start token") }
        while i < b.count && Self.nameChar[Int(b[i])] { i += 1 }
        let nameEnd = i
        if i < b.count && b[i] == UInt8(ascii: "{") {
            i += 1
            try skipLabels()
        }
        let seriesEnd = i
        guard i < b.count, b[i] == 0x20 || b[i] == 0x09 else {
            throw err("expected value after metric, got \"\(snippet(i))\"")
        }
        while i < b.count && (b[i] == 0x20 || b[i] == 0x09) { i += 1 }
        let vs = i
        while i < b.count && b[i] != 0x20 && b[i] != 0x09 && b[i] != 0x0A { i += 1 }
        guard vs < i, let v = PromFloat.parse(UnsafeBufferPointer(rebasing: b[vs..<i])) else {
            throw err("expected value after metric, got \"\(snippet(vs))\"")
        }
        while i < b.count && (b[i] == 0x20 || b[i] == 0x09) { i += 1 }
        var ts: Int64? = nil
        if i < b.count && b[i] != 0x0A {
            let tstart = i
            var neg = false
            if b[i] == UInt8(ascii: "-") { neg = true; i += 1 }
            var t: Int64 = 0
            let ds = i
            while i < b.count && b[i] >= 0x30 && b[i] <= 0x39 { t = t &* 10 &+ Int64(b[i] - 0x30); i += 1 }
            guard i > ds else { throw err("invalid timestamp \"\(snippet(tstart))\"") }
            ts = neg ? -t : t
            while i < b.count && (b[i] == 0x20 || b[i] == 0x09) { i += 1 }
            guard i >= b.count || b[i] == 0x0A else { throw err("expected next entry after timestamp, got \"\(snippet(i))\"") }
        }
        i += 1
        return TextSample(seriesStart: start, seriesEnd: seriesEnd, nameEnd: nameEnd, value: v, timestamp: ts)
    }

    mutating func skipLabels() throws(ExpositionParseError) {
        while true {
            while i < b.count && (b[i] == 0x20 || b[i] == 0x09) { i += 1 }
            guard i < b.count else { throw err("unexpected end of input in label set") }
            if b[i] == UInt8(ascii: "}") { i += 1; return }
            guard Self.nameStart[Int(b[i])], b[i] != 0x3A else { throw err("invalid label name \"\(snippet(i))\"") }
            while i < b.count && Self.nameChar[Int(b[i])] && b[i] != 0x3A { i += 1 }
            while i < b.count && (b[i] == 0x20 || b[i] == 0x09) { i += 1 }
            guard i < b.count, b[i] == UInt8(ascii: "=") else { throw err("expected equal, got \"\(snippet(i))\"") }
            i += 1
            while i < b.count && (b[i] == 0x20 || b[i] == 0x09) { i += 1 }
            guard i < b.count, b[i] == 0x22 else { throw err("expected label value, got \"\(snippet(i))\"") }
            i += 1
            while i < b.count && b[i] != 0x22 {
                if b[i] == 0x5C { i += 1 }
                if i < b.count && b[i] == 0x0A { throw err("label value contains a newline") }
                i += 1
            }
            guard i < b.count else { throw err("unterminated label value") }
            i += 1
            while i < b.count && (b[i] == 0x20 || b[i] == 0x09) { i += 1 }
            guard i < b.count else { throw err("unexpected end of input in label set") }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            if b[i] == UInt8(ascii: "}") { i += 1; return }
            throw err("expected comma or closing brace, got \"\(snippet(i))\"")
        }
    }

    /// The metric name and labels of a sample, decoded (escapes resolved). The miss path.
    public func labels(of s: TextSample) -> (name: String, labels: [(String, String)]) {
        let name = String(decoding: UnsafeBufferPointer(rebasing: b[s.seriesStart..<s.nameEnd]), as: UTF8.self)
        var out: [(String, String)] = []
        var j = s.nameEnd
        guard j < s.seriesEnd, b[j] == UInt8(ascii: "{") else { return (name, out) }
        j += 1
        while j < s.seriesEnd {
            while j < s.seriesEnd && (b[j] == 0x20 || b[j] == 0x09 || b[j] == UInt8(ascii: ",")) { j += 1 }
            if j >= s.seriesEnd || b[j] == UInt8(ascii: "}") { break }
            let ns = j
            while Self.nameChar[Int(b[j])] { j += 1 }
            let lname = String(decoding: UnsafeBufferPointer(rebasing: b[ns..<j]), as: UTF8.self)
            while b[j] != 0x22 { j += 1 }
            j += 1
            var v: [UInt8] = []
            while b[j] != 0x22 {
                if b[j] == 0x5C {
                    j += 1
                    switch b[j] {
                    case UInt8(ascii: "n"): v.append(0x0A)
                    default: v.append(b[j])
                    }
                } else {
                    v.append(b[j])
                }
                j += 1
            }
            j += 1
            out.append((lname, String(decoding: v, as: UTF8.self)))
        }
        return (name, out)
    }
}
