import MetricModel
import Testing
@testable import Exposition

@Suite struct OpenMetricsParserTests {
    @Test func timestampsAreSecondsConvertedToMillis() throws {
        let s = try parse("a 1 1700000000.123\nb 2 -1.5\nc 3 0\nd 4\ne 5 1e3\n# EOF\n", .openMetrics)
        #expect(s.map(\.timestamp) == [1_700_000_000_123, -1500, 0, nil, 1_000_000])
    }

    @Test func eofWithoutFinalNewlineAndEmptyBody() throws {
        #expect(try parse("foo 1\n# EOF", .openMetrics).count == 1)
        #expect(try parse("# EOF\n", .openMetrics).isEmpty)
        #expect(firstError("", .openMetrics)?.kind == .missingEOF)
    }

    @Test func exemplarsAreSkipped() throws {
        let body = """
        # TYPE foo counter
        foo_total{a="b"} 3 # {trace_id="abc",span="x"} 1.5 1700000000.5
        foo_total{a="c"} 4 1700000000 # {trace_id="def"} 2
        foo_created{a="b"} 1.7e9
        # EOF
        """
        var flags: [Bool] = []
        var values: [Double] = []
        try Array(body.utf8).withUnsafeBytes { raw in
            var p = OpenMetricsParser(raw)
            while true {
                let e = try p.next()
                if e == .eof { break }
                if e == .series { flags.append(p.hasExemplar); values.append(p.value) }
            }
        }
        #expect(flags == [true, true, false])
        #expect(values == [3, 4, 1.7e9])
        let s = try parse(body, .openMetrics)
        #expect(s[1].timestamp == 1_700_000_000_000)
        #expect(s.map(\.labels.metricName) == ["foo_total", "foo_total", "foo_created"])
        let skipped = try parse(body, .openMetrics, options: ParserOptions(skipCreatedSeries: true))
        #expect(skipped.map(\.labels.metricName) == ["foo_total", "foo_total"])
    }

    @Test func createdOfGaugesIsNotSkipped() throws {
        let body = "# TYPE g gauge\ng_created 1\n# EOF\n"
        #expect(try parse(body, .openMetrics, options: ParserOptions(skipCreatedSeries: true)).count == 1)
    }

    @Test func metadata() throws {
        let body = """
        # HELP foo_seconds Help with \\"quotes\\" and \\\\ and \\n.
        # TYPE foo_seconds gaugehistogram
        # UNIT foo_seconds seconds
        # TYPE i info
        # TYPE s stateset
        # TYPE u unknown
        # HELP "my.name" quoted
        # EOF
        """
        let (_, meta) = try Exposition.parse(Array(body.utf8), format: .openMetrics)
        #expect(meta.map(\.entry) == [.help, .type, .unit, .type, .type, .type, .help])
        #expect(meta[0].text == "Help with \"quotes\" and \\ and \n.")
        #expect(meta.map(\.text)[1...5] == ["gaugehistogram", "seconds", "info", "stateset", "unknown"])
        #expect(meta[6].name == "my.name")
    }

    @Test func emptyUnitIsAllowed() throws {
        let body = "# UNIT foo \n# EOF\n"
        let (_, meta) = try Exposition.parse(Array(body.utf8), format: .openMetrics)
        #expect(meta == [ParsedMetadata(entry: .unit, name: "foo", text: "")])
    }

    @Test func quotedNamesEscapesAndSpecialValues() throws {
        let body = """
        {"my.metric",a="x\\\\y\\"z\\n"} +Inf
        {"my.metric",a="2",} NaN
        plain{a="Küche ☃",b=""} -Inf
        # EOF
        """
        let s = try parse(body, .openMetrics)
        #expect(s[0].labels == Labels(["__name__": "my.metric", "a": "x\\y\"z\n"]))
        #expect(s[0].value == .infinity)
        #expect(s[1].value.bitPattern == NormalNaN.bits)
        #expect(s[2].labels == Labels(["__name__": "plain", "a": "Küche ☃"]))
        #expect(s[2].value == -.infinity)
    }

    @Test func lineNumbersInErrors() throws {
        let e = try #require(firstError("a 1\nb 2\nc{x=\"y\"} oops\n# EOF\n", .openMetrics))
        #expect(e.line == 3)
        #expect(e.kind == .invalidNumber)
    }
}
