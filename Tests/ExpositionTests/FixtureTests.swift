import Foundation
import MetricModel
import Testing
@testable import Exposition

struct FixtureCase: CustomTestStringConvertible, Sendable {
    var file: String
    var format: ExpositionFormat
    /// Written by Go's expfmt with no empty label values: re-writing must give the same bytes.
    var byteIdentical: Bool
    var testDescription: String { file }
}

let fixtureCases: [FixtureCase] = [
    FixtureCase(file: "node_exporter.txt", format: .prometheusText, byteIdentical: false),
    FixtureCase(file: "pushgateway.txt", format: .prometheusText, byteIdentical: false),
    FixtureCase(file: "alertmanager.txt", format: .prometheusText, byteIdentical: true),
    FixtureCase(file: "prometheus-2.42.txt", format: .prometheusText, byteIdentical: true),
    FixtureCase(file: "prometheus-2.42.federate.txt", format: .prometheusText, byteIdentical: false),
    FixtureCase(file: "python_client.txt", format: .prometheusText, byteIdentical: false),
    FixtureCase(file: "python_client.openmetrics.txt", format: .openMetrics, byteIdentical: false),
]

@Suite struct FixtureTests {
    @Test(arguments: fixtureCases)
    func parsesWithSeriesCountEqualToSampleLines(_ c: FixtureCase) throws {
        let bytes = try fixture(c.file)
        let (samples, metadata) = try Exposition.parse(bytes, format: c.format)
        #expect(samples.count == countSampleLines(bytes))
        #expect(samples.count > 40)
        if c.file != "prometheus-2.42.federate.txt" { #expect(!metadata.isEmpty) }
        // Every series has a metric name and the raw series bytes are a prefix of its line.
        #expect(samples.allSatisfy { !$0.labels.metricName.isEmpty })
    }

    @Test(arguments: fixtureCases)
    func roundTripParseWriteParse(_ c: FixtureCase) throws {
        let bytes = try fixture(c.file)
        let first = try Exposition.parse(bytes, format: c.format).samples
        var out: [UInt8] = []
        for s in first {
            if c.format == .openMetrics {
                OpenMetricsWriter.appendSample(s.labels, value: s.value, timestamp: s.timestamp, to: &out)
            } else {
                TextWriter.appendSample(s.labels, value: s.value, timestamp: s.timestamp, to: &out)
            }
        }
        if c.format == .openMetrics { OpenMetricsWriter.appendEOF(to: &out) }
        let second = try Exposition.parse(out, format: c.format).samples
        #expect(second.count == first.count)
        #expect(second == first)
    }

    /// Go's expfmt wrote these bodies: our writer must reproduce them byte for byte (float
    /// formatting, escaping, HELP/TYPE lines), given what the parser read.
    @Test(arguments: fixtureCases.filter(\.byteIdentical))
    func rewriteIsByteIdentical(_ c: FixtureCase) throws {
        let bytes = try fixture(c.file)
        var out: [UInt8] = []
        try bytes.withUnsafeBytes { raw in
            var p = PromParser(raw, options: ParserOptions(normalizeFloatLabelValues: false))
            loop: while true {
                switch try p.next() {
                case .eof: break loop
                case .help: TextWriter.appendHelp(name: p.metadataName, help: p.help(), to: &out)
                case .type: TextWriter.appendType(name: p.metadataName, type: p.metricType, to: &out)
                case .series: TextWriter.appendSample(try p.labels(), value: p.value, timestamp: p.timestamp, to: &out)
                case .unit, .comment: Issue.record("unexpected entry")
                }
            }
        }
        #expect(out.count == bytes.count)
        let a = String(decoding: out, as: UTF8.self).split(separator: "\n")
        let b = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        #expect(a.count == b.count)
        var reordered = 0
        for (x, y) in zip(a, b) where x != y {
            // expfmt writes `le`/`quantile` last; we write every label set sorted.
            #expect(y.contains("le=\"") || y.contains("quantile=\""), "ours \(x) theirs \(y)")
            #expect(canonical(x) == canonical(y), "ours \(x) theirs \(y)")
            reordered += 1
        }
        #expect(reordered < a.count / 2)
    }

    /// A series line with its label pairs sorted (label values here contain no `,`).
    func canonical(_ line: Substring) -> String {
        guard let open = line.firstIndex(of: "{"), let close = line.lastIndex(of: "}") else { return String(line) }
        let pairs = line[line.index(after: open)..<close].split(separator: ",").sorted()
        return line[..<open] + "{" + pairs.joined(separator: ",") + line[close...]
    }

    /// Prometheus 2.42's own /federate answer, re-encoded from its parsed samples by
    /// FederationWriter, is the same bytes.
    @Test func federationWriterReproducesPrometheusFederate() throws {
        let bytes = try fixture("prometheus-2.42.federate.txt")
        let samples = try Exposition.parse(bytes, format: .prometheusText,
                                           options: ParserOptions(normalizeFloatLabelValues: false)).samples
        var w = FederationWriter()
        var out: [UInt8] = []
        for s in samples { w.append(s.labels, t: try #require(s.timestamp), v: s.value, to: &out) }
        #expect(String(decoding: out, as: UTF8.self) == String(decoding: bytes, as: UTF8.self))
    }

    @Test func nodeExporterValues() throws {
        let samples = try Exposition.parse(try fixture("node_exporter.txt"), format: .prometheusText).samples
        let up = try #require(sample(samples, "node_exporter_build_info"))
        #expect(up.labels.get("version") == "1.5.0")
        #expect(up.value == 1)
        #expect(up.timestamp == nil)
        // Prometheus 3 normalises summary quantiles: quantile="0" → "0.0".
        let q = try #require(sample(samples, "go_gc_duration_seconds", ["quantile": "0.0"]))
        #expect(q.labels.count == 2)
        #expect(sample(samples, "go_gc_duration_seconds", ["quantile": "0"]) == nil)
    }

    @Test func pushgatewayEscapedAndSpecialValues() throws {
        let samples = try Exposition.parse(try fixture("pushgateway.txt"), format: .prometheusText).samples
        let s = try #require(sample(samples, "batch_last_success_seconds"))
        #expect(s.labels.get("path") == "C:\\tmp\\x")
        #expect(s.labels.get("quote") == "say \"hi\"")
        #expect(s.labels.get("nl") == "a\nb")
        #expect(s.labels.get("utf8") == "Grüße ☃")
        #expect(s.value == 1.7e9)
        #expect(sample(samples, "queue_size", ["queue": "a"])?.value == -.infinity)
        #expect(sample(samples, "queue_size", ["queue": "b"])?.value == .infinity)
        #expect(sample(samples, "queue_size", ["queue": "c"])?.value == -3.5e-07)
        // instance="" is an empty value: dropped from the label set.
        #expect(sample(samples, "queue_size", ["queue": "a"])?.labels.has("instance") == false)
        let nan = try #require(sample(samples, "some_untyped_value"))
        #expect(nan.value.bitPattern == NormalNaN.bits)
    }

    @Test func pushgatewayHelpIsDecoded() throws {
        let meta = try Exposition.parse(try fixture("pushgateway.txt"), format: .prometheusText).metadata
        let help = try #require(meta.first { $0.entry == .help && $0.name == "batch_last_success_seconds" })
        #expect(help.text == "Last time the batch job \"nightly\" succeeded.\nSecond line \\ backslash.")
    }

    @Test func openMetricsFixture() throws {
        let (samples, meta) = try Exposition.parse(try fixture("python_client.openmetrics.txt"), format: .openMetrics)
        let total = try #require(sample(samples, "http_requests_total", ["path": "/ex"]))
        #expect(total.value == 2)
        let created = try #require(sample(samples, "http_requests_created", ["path": "/"]))
        #expect(created.value > 1.7e9)
        #expect(sample(samples, "http_requests_total", ["path": "/a\"quoted\"\\path\nnl"])?.value == 1.5)
        #expect(sample(samples, "temperature_celsius", ["room": "Küche ☃"])?.value == -4)
        #expect(sample(samples, "service_state", ["service_state": "running"])?.value == 1)
        #expect(sample(samples, "queue_wait_seconds_gcount")?.value == 9)
        // le normalised to OpenMetrics floats (they already are in OpenMetrics).
        #expect(sample(samples, "request_duration_seconds_bucket", ["le": "1.0"])?.value == 5)
        #expect(meta.contains { $0.entry == .unit && $0.name == "temperature_celsius" && $0.text == "celsius" })
        #expect(meta.contains { $0.entry == .type && $0.name == "service_state" && $0.text == "stateset" })
        #expect(meta.contains { $0.entry == .type && $0.name == "build" && $0.text == "info" })
        #expect(meta.contains { $0.entry == .type && $0.name == "queue_wait_seconds" && $0.text == "gaugehistogram" })
        // _created lines skipped on request.
        let skipped = try Exposition.parse(try fixture("python_client.openmetrics.txt"), format: .openMetrics,
                                           options: ParserOptions(skipCreatedSeries: true)).samples
        #expect(!skipped.contains { $0.labels.metricName.hasSuffix("_created") && !$0.labels.metricName.hasPrefix("python") })
        #expect(skipped.count == samples.count - samples.filter { $0.labels.metricName.hasSuffix("_created") }.count)
    }

    /// Text and OpenMetrics exposition of the same registry give the same series (modulo
    /// `_created`, which only OpenMetrics has, and values that change between the fetches).
    @Test func textAndOpenMetricsAgree() throws {
        let text = try Exposition.parse(try fixture("python_client.txt"), format: .prometheusText).samples
        let om = try Exposition.parse(try fixture("python_client.openmetrics.txt"), format: .openMetrics).samples
        // The gauge histogram is exposed as `histogram` in the text format, so only there its
        // `le` is normalised (Prometheus normalises histograms and summaries only).
        let keep = { (l: Labels) in !l.metricName.hasPrefix("process_") && !l.metricName.hasPrefix("queue_wait") }
        let a = Set(text.map(\.labels).filter(keep))
        let b = Set(om.map(\.labels).filter(keep))
        #expect(a.count > 20)
        #expect(a.subtracting(b).isEmpty, "\(a.subtracting(b))")
    }
}
