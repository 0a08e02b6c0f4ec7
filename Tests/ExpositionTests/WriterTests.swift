import MetricModel
import Testing
@testable import Exposition

struct FloatCase: CustomTestStringConvertible, Sendable {
    var value: Double
    var text: String
    var openMetrics: String
    var testDescription: String { text }
}

@Suite struct WriterTests {
    func text(_ body: (inout [UInt8]) -> Void) -> String {
        var out: [UInt8] = []
        body(&out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test(arguments: [
        FloatCase(value: 0, text: "0", openMetrics: "0.0"),
        FloatCase(value: -0.0, text: "0", openMetrics: "0.0"),
        FloatCase(value: 1, text: "1", openMetrics: "1.0"),
        FloatCase(value: -1, text: "-1", openMetrics: "-1.0"),
        FloatCase(value: 42, text: "42", openMetrics: "42.0"),
        FloatCase(value: 123456, text: "123456", openMetrics: "123456.0"),
        FloatCase(value: 999999, text: "999999", openMetrics: "999999.0"),
        FloatCase(value: 1e6, text: "1e+06", openMetrics: "1e+06"),
        FloatCase(value: 1234567, text: "1.234567e+06", openMetrics: "1.234567e+06"),
        FloatCase(value: 0.1, text: "0.1", openMetrics: "0.1"),
        FloatCase(value: 1.5e-5, text: "1.5e-05", openMetrics: "1.5e-05"),
        FloatCase(value: 0.0001, text: "0.0001", openMetrics: "0.0001"),
        FloatCase(value: -2.5, text: "-2.5", openMetrics: "-2.5"),
        FloatCase(value: 1.7e9, text: "1.7e+09", openMetrics: "1.7e+09"),
        FloatCase(value: .infinity, text: "+Inf", openMetrics: "+Inf"),
        FloatCase(value: -.infinity, text: "-Inf", openMetrics: "-Inf"),
        FloatCase(value: .nan, text: "NaN", openMetrics: "NaN"),
    ])
    func floats(_ c: FloatCase) {
        #expect(text { FloatBytes.appendG(c.value, to: &$0) } == c.text)
        #expect(text { FloatBytes.appendOpenMetrics(c.value, to: &$0) } == c.openMetrics)
    }

    /// The byte formatter agrees with MetricModel's `PromFloat.formatG` (Go's `%g`) on
    /// random doubles of every magnitude and on decimal-looking values.
    @Test func shortestGMatchesPromFloat() {
        var state: UInt64 = 0x1234_5678
        var checked = 0
        for k in 0..<20_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            var v = Double(bitPattern: state)
            if k % 2 == 1 { v = Double(Int64(bitPattern: state) % 10_000_000) / [1, 10, 100, 1000, 1e6, 1e9][k % 6] }
            if !v.isFinite || v == 0 { continue }
            let ours = text { FloatBytes.appendShortestG(v, to: &$0) }
            #expect(ours == PromFloat.formatG(v), "\(v.bitPattern)")
            checked += 1
        }
        #expect(checked > 15_000)
    }

    @Test func integers() {
        for v: Int64 in [0, 7, -7, 10, 1_700_000_000_123, .max, .min] {
            #expect(text { FloatBytes.appendInt(v, to: &$0) } == String(v))
        }
    }

    @Test func textSampleLines() {
        let l = Labels(["__name__": "foo", "z": "last", "a": "x\\y \"q\"\nz", "empty": ""])
        #expect(text { TextWriter.appendSample(l, value: 1.5, timestamp: 1234, to: &$0) }
            == #"foo{a="x\\y \"q\"\nz",z="last"} 1.5 1234"# + "\n")
        #expect(text { TextWriter.appendSample(Labels(["__name__": "up"]), value: 1, to: &$0) } == "up 1\n")
        let utf8 = Labels(["__name__": "my.metric", "a.b": "c", "ok": "d"])
        #expect(text { TextWriter.appendSample(utf8, value: -1, to: &$0) } == #"{"my.metric","a.b"="c",ok="d"} -1"# + "\n")
        #expect(text { TextWriter.appendSample(Labels(["__name__": "a-b"]), value: 0, to: &$0) } == #"{"a-b"} 0"# + "\n")
        #expect(text { TextWriter.appendSample(Labels(["__name__": "c:d"]), value: 2, to: &$0) } == "c:d 2\n")
    }

    @Test func textMetadata() {
        #expect(text { TextWriter.appendHelp(name: "foo", help: "a\\b\nc \"q\"", to: &$0) } == #"# HELP foo a\\b\nc "q""# + "\n")
        #expect(text { TextWriter.appendType(name: "foo", type: .counter, to: &$0) } == "# TYPE foo counter\n")
        #expect(text { TextWriter.appendType(name: "foo", type: .unknown, to: &$0) } == "# TYPE foo untyped\n")
        #expect(text { TextWriter.appendType(name: "foo", type: .gaugehistogram, to: &$0) } == "# TYPE foo histogram\n")
        #expect(text { TextWriter.appendType(name: "my.m", type: .gauge, to: &$0) } == "# TYPE \"my.m\" gauge\n")
    }

    @Test func textWriterOutputParsesBack() throws {
        let samples = [
            ParsedSample(labels: Labels(["__name__": "a", "x": "1\\\n\"", "y": "ü"]), value: 0.25, timestamp: -5),
            ParsedSample(labels: Labels(["__name__": "b.c", "d.e": "f"]), value: .infinity, timestamp: nil),
            ParsedSample(labels: Labels(["__name__": "nan"]), value: NormalNaN.value, timestamp: 1),
        ]
        var out: [UInt8] = []
        TextWriter.appendHelp(name: "a", help: "h\\n", to: &out)
        TextWriter.appendType(name: "a", type: .gauge, to: &out)
        for s in samples { TextWriter.appendSample(s.labels, value: s.value, timestamp: s.timestamp.map { abs($0) }, to: &out) }
        let back = try Exposition.parse(out, format: .prometheusText)
        #expect(back.samples.map(\.labels) == samples.map(\.labels))
        #expect(back.samples[0].timestamp == 5)
        #expect(back.samples[1].value == .infinity)
        #expect(back.metadata[0].text == "h\\n")
    }

    @Test func openMetricsWriter() throws {
        var out: [UInt8] = []
        OpenMetricsWriter.appendHelp(name: "foo", help: "say \"hi\"\n", to: &out)
        OpenMetricsWriter.appendType(name: "foo", type: .counter, to: &out)
        OpenMetricsWriter.appendUnit(name: "foo", unit: "", to: &out)
        OpenMetricsWriter.appendSample(Labels(["__name__": "foo_total", "a": "b"]), value: 1, timestamp: 1500, to: &out)
        OpenMetricsWriter.appendSample(Labels(["__name__": "foo_total", "a": "c"]), value: 2.5,
                                       timestamp: 1_700_000_000_123, to: &out)
        OpenMetricsWriter.appendEOF(to: &out)
        let s = String(decoding: out, as: UTF8.self)
        #expect(s == """
        # HELP foo say \\"hi\\"\\n
        # TYPE foo counter
        # UNIT foo \n\
        foo_total{a="b"} 1.0 1.5
        foo_total{a="c"} 2.5 1.700000000123e+09
        # EOF

        """)
        let back = try Exposition.parse(out, format: .openMetrics)
        #expect(back.samples.map(\.timestamp) == [1500, 1_700_000_000_123])
        #expect(back.metadata[0].text == "say \"hi\"\n")
    }

    @Test func federationWriter() {
        var w = FederationWriter(externalLabels: Labels(["replica": "a", "shard": "0"]))
        var out: [UInt8] = []
        #expect(w.append(Labels(["__name__": "up", "job": "x", "instance": "h:1"]), t: 10, v: 1, to: &out))
        #expect(w.append(Labels(["__name__": "up", "job": "y", "shard": "9"]), t: 11, v: 0, to: &out))
        #expect(!w.append(Labels(["__name__": "up", "job": "z"]), t: 12, v: StaleNaN.value, to: &out))
        #expect(!w.append(Labels(["job": "nameless"]), t: 12, v: 1, to: &out))
        #expect(w.append(Labels(["__name__": "zz", "le": "+Inf"]), t: 13, v: 2.5e-7, to: &out))
        #expect(String(decoding: out, as: UTF8.self) == """
        # TYPE up untyped
        up{instance="h:1",job="x",replica="a",shard="0"} 1 10
        up{job="y",shard="9",instance="",replica="a"} 0 11
        # TYPE zz untyped
        zz{le="+Inf",instance="",replica="a",shard="0"} 2.5e-07 13

        """)
    }

    @Test func federationWriterWithoutExternalLabelsAddsEmptyInstance() {
        var w = FederationWriter()
        var out: [UInt8] = []
        w.append(Labels(["__name__": "m"]), t: 1, v: 1, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "# TYPE m untyped\nm{instance=\"\"} 1 1\n")
    }
}
