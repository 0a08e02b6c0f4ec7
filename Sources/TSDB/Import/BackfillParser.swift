#if canImport(Glibc)
import Glibc
#endif
import MetricModel

/// An import input error with its 1-based line number: `line 12: expected timestamp …`.
public struct ImportError: Error, Sendable, CustomStringConvertible, Equatable {
    public let line: Int
    public let message: String

    public init(line: Int, _ message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "line \(line): \(message)" : message }
}

/// Character classes for the OpenMetrics backfill subset: bit 0 = name start (a-zA-Z_),
/// bit 1 = label name continuation (adds 0-9), bit 2 = ':' (metric names only).
enum CharClass {
    static let table: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 256)
        for c in UInt8(ascii: "a")...UInt8(ascii: "z") { t[Int(c)] = 3 }
        for c in UInt8(ascii: "A")...UInt8(ascii: "Z") { t[Int(c)] = 3 }
        t[Int(UInt8(ascii: "_"))] = 3
        for c in UInt8(ascii: "0")...UInt8(ascii: "9") { t[Int(c)] = 2 }
        t[Int(UInt8(ascii: ":"))] = 4
        return t
    }()
}

/// A streaming reader for the subset of OpenMetrics text that backfill needs (Prometheus
/// `promtool tsdb create-blocks-from openmetrics`): `# TYPE`, `# HELP` and `# UNIT` lines are
/// skipped, sample lines are `name{labels} value timestamp [# exemplar]` with the timestamp in
/// (float) seconds, and `# EOF` must end the input. Works on bytes; a series seen before costs one
/// hash and one memcmp of its `name{labels}` text.
struct BackfillParser {
    let buf: UnsafeBufferPointer<UInt8>
    var pos = 0
    var line = 0
    var sawEOF = false
    let table: [UInt8] = CharClass.table
    var series = SeriesTable()

    init(_ buf: UnsafeBufferPointer<UInt8>) { self.buf = buf }

    /// Calls `body(seriesID, t, v, line)` for each sample, in file order.
    mutating func parse(_ body: (Int, Timestamp, Double, Int) throws -> Void) throws {
        let n = buf.count
        guard let base = buf.baseAddress else { throw ImportError(line: 1, "empty input: missing # EOF") }
        while pos < n {
            line += 1
            let start = pos
            var end = n
            if let p = memchr(base + start, 0x0A, n - start) {
                end = UnsafePointer<UInt8>(p.assumingMemoryBound(to: UInt8.self)) - base
            }
            pos = end + 1
            if sawEOF {
                if end == start && pos >= n { break }  // trailing newline after # EOF
                throw ImportError(line: line, "unexpected data after # EOF")
            }
            if end == start { throw ImportError(line: line, "unexpected empty line") }
            if buf[start] == UInt8(ascii: "#") {
                try comment(start, end)
                continue
            }
            try sample(start, end, body)
        }
        if !sawEOF { throw ImportError(line: line, "missing # EOF at the end of the input") }
    }

    func text(_ s: Int, _ e: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: buf[s..<max(s, min(e, s + 80))]), as: UTF8.self)
    }

    mutating func comment(_ s: Int, _ e: Int) throws {
        let l = UnsafeBufferPointer(rebasing: buf[s..<e])
        if l.elementsEqual("# EOF".utf8) { sawEOF = true; return }
        for kw in ["# TYPE ", "# HELP ", "# UNIT "] where l.starts(with: kw.utf8) { return }
        throw ImportError(line: line, "invalid comment \"\(text(s, e))\" (only # TYPE, # HELP, # UNIT and # EOF are allowed)")
    }

    mutating func sample(_ s: Int, _ e: Int, _ body: (Int, Timestamp, Double, Int) throws -> Void) throws {
        // Metric name.
        var i = s
        guard table[Int(buf[i])] & 5 != 0 else {
            throw ImportError(line: line, "invalid metric name in \"\(text(s, e))\"")
        }
        i += 1
        while i < e && table[Int(buf[i])] != 0 { i += 1 }
        let nameEnd = i
        // Labels: skip over quoted values to find the end of the series text.
        if i < e && buf[i] == UInt8(ascii: "{") {
            i += 1
            var inQuote = false
            while i < e {
                let c = buf[i]
                if inQuote {
                    if c == UInt8(ascii: "\\") { i += 2; continue }
                    if c == UInt8(ascii: "\"") { inQuote = false }
                } else if c == UInt8(ascii: "\"") {
                    inQuote = true
                } else if c == UInt8(ascii: "}") {
                    break
                }
                i += 1
            }
            if i >= e { throw ImportError(line: line, "unterminated label set in \"\(text(s, e))\"") }
            i += 1
        }
        let seriesEnd = i
        guard i < e && buf[i] == UInt8(ascii: " ") else {
            throw ImportError(line: line, "expected value after series \"\(text(s, seriesEnd))\"")
        }
        i += 1
        // Value.
        let vs = i
        while i < e && buf[i] != UInt8(ascii: " ") { i += 1 }
        guard let v = PromFloat.parse(UnsafeBufferPointer(rebasing: buf[vs..<i])) else {
            throw ImportError(line: line, "invalid value \"\(text(vs, i))\"")
        }
        // Timestamp (seconds).
        guard i + 1 < e, buf[i + 1] != UInt8(ascii: "#") else {
            throw ImportError(line: line, "expected timestamp for series \(text(s, seriesEnd)), got none")
        }
        i += 1
        let ts = i
        while i < e && buf[i] != UInt8(ascii: " ") { i += 1 }
        guard let tf = PromFloat.parse(UnsafeBufferPointer(rebasing: buf[ts..<i])), tf.isFinite,
              abs(tf) < 9.2e15 else {
            throw ImportError(line: line, "invalid timestamp \"\(text(ts, i))\"")
        }
        // Anything after must be an exemplar (ignored).
        if i < e && !UnsafeBufferPointer(rebasing: buf[i..<e]).starts(with: " # ".utf8) {
            throw ImportError(line: line, "unexpected \"\(text(i, e))\" after timestamp")
        }
        let t = Int64(tf * 1000)  // as Prometheus's OpenMetrics parser: truncation of seconds×1000
        let key = UnsafeBufferPointer(rebasing: buf[s..<seriesEnd])
        var id = series.lookup(key)
        if id < 0 {
            let labels = try parseLabels(s, nameEnd, seriesEnd)
            id = series.insert(key, labels: labels)
        }
        try body(id, t, v, line)
    }

    /// Parses `name{name="value",…}` (label set from nameEnd to le) into Labels.
    func parseLabels(_ s: Int, _ nameEnd: Int, _ le: Int) throws -> Labels {
        let metric = String(decoding: UnsafeBufferPointer(rebasing: buf[s..<nameEnd]), as: UTF8.self)
        var pairs: [(String, String)] = [("__name__", metric)]
        if nameEnd >= le { return Labels(pairs) }
        var i = nameEnd + 1
        let end = le - 1  // position of '}'
        var seen = Set<String>()
        while i < end {
            let ns = i
            guard table[Int(buf[i])] & 1 != 0 else { throw ImportError(line: line, "invalid label name in \"\(text(s, le))\"") }
            while i < end && table[Int(buf[i])] & 3 != 0 { i += 1 }
            let name = String(decoding: UnsafeBufferPointer(rebasing: buf[ns..<i]), as: UTF8.self)
            guard i + 1 < end, buf[i] == UInt8(ascii: "="), buf[i + 1] == UInt8(ascii: "\"") else {
                throw ImportError(line: line, "expected =\" after label name \(name) in \"\(text(s, le))\"")
            }
            i += 2
            var value: [UInt8] = []
            while i < end && buf[i] != UInt8(ascii: "\"") {
                if buf[i] == UInt8(ascii: "\\") {
                    guard i + 1 < end else { break }
                    switch buf[i + 1] {
                    case UInt8(ascii: "\\"): value.append(UInt8(ascii: "\\"))
                    case UInt8(ascii: "\""): value.append(UInt8(ascii: "\""))
                    case UInt8(ascii: "n"): value.append(0x0A)
                    default:
                        throw ImportError(line: line, "invalid escape \\\(String(UnicodeScalar(buf[i + 1]))) in value of label \(name)")
                    }
                    i += 2
                } else {
                    value.append(buf[i])
                    i += 1
                }
            }
            guard i < end else { throw ImportError(line: line, "unterminated value of label \(name)") }
            i += 1
            if name == "__name__" { throw ImportError(line: line, "label __name__ not allowed inside the label set") }
            if !seen.insert(name).inserted { throw ImportError(line: line, "duplicate label name \(name)") }
            pairs.append((name, String(decoding: value, as: UTF8.self)))
            if i < end {
                guard buf[i] == UInt8(ascii: ",") else { throw ImportError(line: line, "expected , or } after label \(name)") }
                i += 1
            }
        }
        return Labels(pairs)
    }
}
