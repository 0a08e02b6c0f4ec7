#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MetricModel

/// Writes the Prometheus text format 0.0.4 into a caller's byte buffer, exactly as
/// prometheus/common's `expfmt.MetricFamilyToText` does: `# HELP` (escaping `\` and newline),
/// `# TYPE`, then `name{l="v",…} value[ timestamp]` lines with label values escaped (`\`, `"`,
/// newline), values as Go's `%g` shortest (`+Inf`, `-Inf`, `NaN`), timestamps in ms. Names that
/// are not legacy-valid are quoted inside the braces (`{"my.metric","a.b"="c"}`), as expfmt
/// does for UTF-8 names. No `String` is built per sample.
public enum TextWriter {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// `# HELP name text\n`.
    public static func appendHelp(name: String, help: String, to out: inout [UInt8]) {
        out.append(contentsOf: helpPrefix)
        appendName(name, to: &out)
        out.append(0x20)
        for c in help.utf8 {
            switch c {
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(0x6E)
            default: out.append(c)
            }
        }
        out.append(0x0A)
    }

    /// `# TYPE name type\n`; OpenMetrics-only types are written as expfmt maps them
    /// (gaugehistogram → histogram; info, stateset, unknown → untyped).
    public static func appendType(name: String, type: MetricType, to out: inout [UInt8]) {
        out.append(contentsOf: typePrefix)
        appendName(name, to: &out)
        out.append(0x20)
        let word: String
        switch type {
        case .counter: word = "counter"
        case .gauge: word = "gauge"
        case .histogram, .gaugehistogram: word = "histogram"
        case .summary: word = "summary"
        case .info, .stateset, .unknown: word = "untyped"
        }
        out.append(contentsOf: word.utf8)
        out.append(0x0A)
    }

    /// One sample line: the metric name from `__name__`, the other labels in `labels`' order
    /// (sorted), then `extra` labels (already escaped-free pairs, written as given), the
    /// value and the optional timestamp.
    public static func appendSample(_ labels: Labels, value: Double, timestamp: Timestamp? = nil,
                                    to out: inout [UInt8]) {
        SampleLine.append(labels, extra: [], skipExtra: nil, value: value, timestamp: timestamp,
                          openMetrics: false, to: &out)
    }

    static let helpPrefix: [UInt8] = Array("# HELP ".utf8)
    static let typePrefix: [UInt8] = Array("# TYPE ".utf8)

    /// A metric name as expfmt's `writeName`: bare when legacy-valid, else quoted and escaped.
    static func appendName(_ name: String, to out: inout [UInt8]) {
        var n = name
        n.withUTF8 { SampleLine.appendName($0, metric: true, to: &out) }
    }
}

/// The series-line writer shared by the text, OpenMetrics and federation writers.
enum SampleLine {
    static let metricName: [UInt8] = Array("__name__".utf8)

    /// `n == "__name__"` without generic sequence comparison.
    @inline(__always)
    static func isMetricName(_ n: UnsafeBufferPointer<UInt8>) -> Bool {
        n.count == 8 && n[0] == 0x5F && n[1] == 0x5F && n[2] == 0x6E && n[3] == 0x61
            && n[4] == 0x6D && n[5] == 0x65 && n[6] == 0x5F && n[7] == 0x5F
    }

    @inline(__always)
    static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return b.withUnsafeBufferPointer { memcmp(a.baseAddress!, $0.baseAddress!, a.count) == 0 }
    }

    /// Writes `b` escaped as a label value (`\` → `\\`, `"` → `\"`, newline → `\n`).
    @inline(__always)
    static func appendEscaped(_ b: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var plain = true
        for c in b where c == 0x5C || c == 0x22 || c == 0x0A { plain = false; break }
        if plain { out.append(contentsOf: b); return }
        for c in b {
            switch c {
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x0A: out.append(0x5C); out.append(0x6E)
            default: out.append(c)
            }
        }
    }

    @inline(__always)
    static func appendName(_ b: UnsafeBufferPointer<UInt8>, metric: Bool, to out: inout [UInt8]) {
        let legacy = metric ? CharClass.isLegacyMetricName(b) : CharClass.isLegacyLabelName(b)
        if legacy { out.append(contentsOf: b); return }
        out.append(0x22)
        appendEscaped(b, to: &out)
        out.append(0x22)
    }

    /// `name{labels,extra} value[ timestamp]\n`. `skipExtra(i)` tells which `extra` entries the
    /// series already has (federation's external labels).
    static func append(_ labels: Labels, extra: [(name: [UInt8], value: [UInt8])], skipExtra: [Bool]?,
                       value: Double, timestamp: Timestamp?, openMetrics: Bool, to out: inout [UInt8]) {
        var hasOthers = !extra.isEmpty
        var sep: UInt8 = 0x7B
        var inBraces = false
        labels.forEachRaw { n, v in
            if v.isEmpty { return }
            if !isMetricName(n) { hasOthers = true; return }
            if CharClass.isLegacyMetricName(v) {
                out.append(contentsOf: v)
            } else {
                out.append(0x7B); inBraces = true; sep = 0x2C
                appendName(v, metric: true, to: &out)
            }
        }
        if hasOthers {
            labels.forEachRaw { n, v in
                if v.isEmpty || isMetricName(n) { return }
                out.append(sep); sep = 0x2C; inBraces = true
                appendName(n, metric: false, to: &out)
                out.append(0x3D); out.append(0x22)
                appendEscaped(v, to: &out)
                out.append(0x22)
            }
            for (k, e) in extra.enumerated() where skipExtra?[k] != true {
                out.append(sep); sep = 0x2C; inBraces = true
                e.name.withUnsafeBufferPointer { appendName($0, metric: false, to: &out) }
                out.append(0x3D); out.append(0x22)
                e.value.withUnsafeBufferPointer { appendEscaped($0, to: &out) }
                out.append(0x22)
            }
        }
        if inBraces { out.append(0x7D) }
        out.append(0x20)
        if openMetrics { FloatBytes.appendOpenMetrics(value, to: &out) } else { FloatBytes.appendG(value, to: &out) }
        if let t = timestamp {
            out.append(0x20)
            if openMetrics {
                FloatBytes.appendOpenMetrics(Double(t) / 1000, to: &out)
            } else {
                FloatBytes.appendInt(t, to: &out)
            }
        }
        out.append(0x0A)
    }
}
