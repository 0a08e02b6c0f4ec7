import MetricModel

/// Writes OpenMetrics 1.0 text into a caller's byte buffer, as prometheus/common's
/// `expfmt.MetricFamilyToOpenMetrics` does: `# HELP` (label-value escaping), `# TYPE`,
/// `# UNIT`, sample lines with OpenMetrics floats (`1.0`, `+Inf`, `NaN`) and timestamps in
/// seconds, and the mandatory final `# EOF`.
///
/// Naming is the caller's: OpenMetrics names a counter family without `_total` (`# TYPE foo
/// counter`) and its samples with it (`foo_total`); pass the family name to the metadata
/// methods and the sample's own `__name__` in its labels.
public enum OpenMetricsWriter {
    public static let contentType = "application/openmetrics-text; version=1.0.0; charset=utf-8"

    public static func appendHelp(name: String, help: String, to out: inout [UInt8]) {
        out.append(contentsOf: TextWriter.helpPrefix)
        TextWriter.appendName(name, to: &out)
        out.append(0x20)
        var h = help
        h.withUTF8 { SampleLine.appendEscaped($0, to: &out) }
        out.append(0x0A)
    }

    public static func appendType(name: String, type: MetricType, to out: inout [UInt8]) {
        out.append(contentsOf: TextWriter.typePrefix)
        TextWriter.appendName(name, to: &out)
        out.append(0x20)
        out.append(contentsOf: type.rawValue.utf8)
        out.append(0x0A)
    }

    public static func appendUnit(name: String, unit: String, to out: inout [UInt8]) {
        out.append(contentsOf: unitPrefix)
        TextWriter.appendName(name, to: &out)
        out.append(0x20)
        var u = unit
        u.withUTF8 { SampleLine.appendEscaped($0, to: &out) }
        out.append(0x0A)
    }

    /// One sample line; `timestamp` in ms is written as seconds.
    public static func appendSample(_ labels: Labels, value: Double, timestamp: Timestamp? = nil,
                                    to out: inout [UInt8]) {
        SampleLine.append(labels, extra: [], skipExtra: nil, value: value, timestamp: timestamp,
                          openMetrics: true, to: &out)
    }

    /// `# EOF\n`: the last line of every OpenMetrics body.
    public static func appendEOF(to out: inout [UInt8]) {
        out.append(contentsOf: eof)
    }

    static let unitPrefix: [UInt8] = Array("# UNIT ".utf8)
    static let eof: [UInt8] = Array("# EOF\n".utf8)
}

/// The body of Prometheus's `/federate` (web/federate.go with expfmt's text encoder): for each
/// run of series with the same metric name, `# TYPE name untyped` once, then each series'
/// latest sample *with* its timestamp. External labels are appended to every series that
/// lacks them (after its own labels, in name order), and `instance=""` is added when the
/// external labels have no `instance`, exactly as Prometheus does. Stale markers and nameless
/// series are skipped.
///
/// The caller feeds series sorted by metric name (Prometheus sorts by `__name__` only) and
/// streams `out` to the response whenever it likes (e.g. when it passes 64 KiB), then
/// `removeAll(keepingCapacity: true)`.
public struct FederationWriter {
    private var extra: [(name: [UInt8], value: [UInt8])]
    private var skip: [Bool]
    private var lastName: [UInt8] = []
    private var started = false

    public init(externalLabels: Labels = .empty) {
        var pairs: [(name: [UInt8], value: [UInt8])] = []
        externalLabels.forEachRaw { n, v in pairs.append((Array(n), Array(v))) }
        let instance = Array(LabelName.instance.utf8)
        if !pairs.contains(where: { $0.name == instance }) {
            pairs.append((instance, []))
            pairs.sort { $0.name.lexicographicallyPrecedes($1.name) }
        }
        extra = pairs
        skip = Array(repeating: false, count: pairs.count)
    }

    /// Appends one series' sample. Returns false when it was skipped (stale marker, no name).
    @discardableResult
    public mutating func append(_ labels: Labels, t: Timestamp, v: Double, to out: inout [UInt8]) -> Bool {
        if StaleNaN.isStale(v) { return false }
        var hasName = false
        for k in skip.indices { skip[k] = false }
        labels.forEachRaw { n, value in
            if value.isEmpty { return }
            if SampleLine.isMetricName(n) {
                hasName = true
                if !started || !SampleLine.equal(value, lastName) {
                    started = true
                    lastName.removeAll(keepingCapacity: true)
                    lastName.append(contentsOf: value)
                    out.append(contentsOf: TextWriter.typePrefix)
                    SampleLine.appendName(value, metric: true, to: &out)
                    out.append(contentsOf: FederationWriter.untyped)
                }
                return
            }
            for k in extra.indices where !skip[k] && SampleLine.equal(n, extra[k].name) { skip[k] = true }
        }
        guard hasName else { return false }
        SampleLine.append(labels, extra: extra, skipExtra: skip, value: v, timestamp: t,
                          openMetrics: false, to: &out)
        return true
    }

    static let untyped: [UInt8] = Array(" untyped\n".utf8)
}
