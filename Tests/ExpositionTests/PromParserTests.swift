import MetricModel
import Testing
@testable import Exposition

struct ValueCase: CustomTestStringConvertible, Sendable {
    var text: String
    var value: Double
    var testDescription: String { text }
}

@Suite struct PromParserTests {
    @Test(arguments: [
        ValueCase(text: "1", value: 1), ValueCase(text: "-1.5", value: -1.5), ValueCase(text: "+3", value: 3),
        ValueCase(text: "1e+06", value: 1e6), ValueCase(text: "1.7e+09", value: 1.7e9), ValueCase(text: "5.1456e-05", value: 5.1456e-05),
        ValueCase(text: "+Inf", value: .infinity), ValueCase(text: "-Inf", value: -.infinity), ValueCase(text: "inf", value: .infinity),
        ValueCase(text: "Infinity", value: .infinity), ValueCase(text: "-infinity", value: -.infinity),
        ValueCase(text: ".5", value: 0.5), ValueCase(text: "5.", value: 5), ValueCase(text: "0.1", value: 0.1),
        ValueCase(text: "123456789012345678901234567890", value: 1.2345678901234568e+29),
        ValueCase(text: "0.30000000000000004", value: 0.30000000000000004),
        ValueCase(text: "1.7976931348623157e308", value: .greatestFiniteMagnitude),
        ValueCase(text: "4.9e-324", value: .leastNonzeroMagnitude), ValueCase(text: "1e-400", value: 0),
        ValueCase(text: "9007199254740993", value: 9007199254740992),
    ])
    func values(_ c: ValueCase) throws {
        let s = try parse("foo \(c.text)\n")
        #expect(s.count == 1)
        #expect(s[0].value == c.value)
        #expect(s[0].value.sign == c.value.sign)
    }

    @Test func nanIsNormalised() throws {
        for t in ["NaN", "nan", "NAN"] {
            let s = try parse("foo \(t)\n")
            #expect(s[0].value.bitPattern == NormalNaN.bits)
        }
    }

    @Test func negativeZeroKeepsItsSign() throws {
        let v = try parse("foo -0\n")[0].value
        #expect(v == 0 && v.sign == .minus)
    }

    @Test func timestamps() throws {
        let s = try parse("a 1 1700000000123\nb 2\nc 3 0\n")
        #expect(s.map(\.timestamp) == [1_700_000_000_123, nil, 0])
    }

    @Test func whitespaceBlankLinesCommentsAndNoFinalNewline() throws {
        let body = """

          # a comment
        #HELP also a comment
        \t foo { a = "1" , b="2", } \t 1 \t 42 \t

        # HELP foo The help.
        # TYPE foo counter
        bar{} 2
        baz 3
        """
        let (samples, meta) = try Exposition.parse(Array(body.utf8), format: .prometheusText)
        #expect(samples.count == 3)
        #expect(samples[0].labels == Labels(["__name__": "foo", "a": "1", "b": "2"]))
        #expect(samples[0].value == 1 && samples[0].timestamp == 42)
        #expect(samples[1].labels == Labels(["__name__": "bar"]))
        #expect(samples[2].value == 3)
        #expect(meta.map(\.entry) == [.comment, .comment, .help, .type])
        #expect(meta[0].text == "# a comment")
        #expect(meta[1].text == "#HELP also a comment")
        #expect(meta[2].name == "foo" && meta[2].text == "The help.")
        #expect(meta[3].text == "counter")
    }

    @Test func labelsWithoutCommasAreAccepted() throws {
        // promparse allows whitespace instead of commas between labels.
        let s = try parse("foo{a=\"1\" b=\"2\"} 1\n")
        #expect(s[0].labels == Labels(["__name__": "foo", "a": "1", "b": "2"]))
    }

    @Test func escapesInLabelValues() throws {
        let s = try parse(#"foo{a="x\\y",b="say \"hi\"",c="l1\nl2",d="tab\tkept"} 1"# + "\n")
        #expect(s[0].labels.get("a") == "x\\y")
        #expect(s[0].labels.get("b") == "say \"hi\"")
        #expect(s[0].labels.get("c") == "l1\nl2")
        #expect(s[0].labels.get("d") == "tab\\tkept") // unknown escapes stay as written
    }

    @Test func rawNewlineInLabelValueCountsLines() throws {
        // promlex accepts a raw newline inside a quoted label value.
        let body = "foo{a=\"x\ny\"} 1\nbar\n"
        let e = try #require(firstError(body, .prometheusText))
        #expect(e.line == 3)
        let s = try parse("foo{a=\"x\ny\"} 1\n")
        #expect(s[0].labels.get("a") == "x\ny")
    }

    @Test func emptyValuesUTF8AndTrailingComma() throws {
        let s = try parse("foo{a=\"\",b=\"Grüße ☃ 🎉\",c=\"\",} 1\n")
        #expect(s[0].labels == Labels(["__name__": "foo", "b": "Grüße ☃ 🎉"]))
    }

    @Test func quotedUTF8MetricAndLabelNames() throws {
        let body = """
        # HELP "my.metric" Dotted name.
        # TYPE "my.metric" gauge
        {"my.metric", "a.b"="c", d="e"} 1
        {"my.metric",} 2
        """
        let (s, meta) = try Exposition.parse(Array(body.utf8), format: .prometheusText)
        #expect(s[0].labels == Labels(["__name__": "my.metric", "a.b": "c", "d": "e"]))
        #expect(s[1].labels == Labels(["__name__": "my.metric"]))
        #expect(meta[0].name == "my.metric" && meta[0].text == "Dotted name.")
        #expect(meta[1].name == "my.metric" && meta[1].text == "gauge")
    }

    @Test func veryLongLine() throws {
        let long = String(repeating: "x", count: 200_000)
        let names = (0..<300).map { "l\($0)=\"v\($0)\"" }.joined(separator: ",")
        let s = try parse("foo{big=\"\(long)\",\(names)} 7 8\n")
        #expect(s[0].labels.get("big").count == 200_000)
        #expect(s[0].labels.count == 302)
        #expect(s[0].labels.get("l299") == "v299")
        #expect(s[0].value == 7 && s[0].timestamp == 8)
    }

    @Test func seriesBytesAreTheRawSeries() throws {
        let body = Array("# TYPE foo gauge\n  foo{b=\"2\",a=\"1\"} 1.5 99\nfoo 2\n{\"x.y\"} 3\n".utf8)
        var got: [String] = []
        var ranges: [Range<Int>] = []
        try body.withUnsafeBytes { raw in
            var p = PromParser(raw)
            while true {
                let e = try p.next()
                if e == .eof { break }
                if e != .series { continue }
                got.append(String(decoding: p.series, as: UTF8.self))
                ranges.append(p.seriesRange)
            }
        }
        #expect(got == ["foo{b=\"2\",a=\"1\"}", "foo", "{\"x.y\"}"])
        #expect(String(decoding: body[ranges[0]], as: UTF8.self) == "foo{b=\"2\",a=\"1\"}")
    }

    @Test func lineNumbersOfEntries() throws {
        let body = Array("# HELP a x\n\n\na 1\n# TYPE b gauge\nb 2\n".utf8)
        var lines: [Int] = []
        try body.withUnsafeBytes { raw in
            var p = PromParser(raw)
            while try p.next() != .eof { lines.append(p.lineNumber) }
        }
        #expect(lines == [1, 4, 5, 6])
    }

    @Test func histogramAndSummaryFloatLabelsNormalised() throws {
        let body = """
        # TYPE h histogram
        h_bucket{le="1"} 1
        h_bucket{le="+Inf"} 2
        h_bucket{le="0.25"} 1
        # TYPE s summary
        s{quantile="0"} 1
        s{quantile="1e-05"} 1
        # TYPE g gauge
        g{le="1"} 1
        """
        let on = try parse(body)
        #expect(on.map { $0.labels.get($0.labels.has("le") ? "le" : "quantile") } == ["1.0", "+Inf", "0.25", "0.0", "1e-05", "1"])
        let off = try parse(body, options: ParserOptions(normalizeFloatLabelValues: false))
        #expect(off.map { $0.labels.get($0.labels.has("le") ? "le" : "quantile") } == ["1", "+Inf", "0.25", "0", "1e-05", "1"])
    }

    @Test func nulAtLineStartEndsTheInput() throws {
        // promlex: `\0` where a line starts is the end of input.
        let body: [UInt8] = Array("a 1\n".utf8) + [0] + Array("garbage{{{\n".utf8)
        let s = try Exposition.parse(body, format: .prometheusText).samples
        #expect(s.count == 1)
    }

    @Test func withParserDispatchesOnFormat() throws {
        let text = Array("a 1\nb 2\n".utf8)
        let om = Array("a 1\n# EOF\n".utf8)
        func count(_ format: ExpositionFormat, _ bytes: [UInt8]) throws -> Int {
            try Exposition.withParser(format, bytes: bytes) { p in
                var n = 0
                while try p.next() != .eof { n += 1 }
                return n
            }
        }
        #expect(try count(.prometheusText, text) == 2)
        #expect(try count(.openMetrics, om) == 1)
        #expect(throws: ExpositionError.self) { try count(.openMetrics, text) }
    }

    struct SumVisitor: ExpositionVisitor {
        var metadata = 0
        mutating func visit<P: ExpositionParser>(_ p: inout P) throws -> Double {
            var sum = 0.0
            while true {
                switch try p.next() {
                case .eof: return sum
                case .series: sum += p.value
                default: metadata += 1
                }
            }
        }
    }

    @Test func visitorRunsOnTheConcreteParser() throws {
        var v = SumVisitor()
        let text = Array("# TYPE a gauge\na 1\nb 2.5\n".utf8)
        let sum = try text.withUnsafeBytes { try Exposition.visit(.prometheusText, body: $0, &v) }
        #expect(sum == 3.5)
        #expect(v.metadata == 1)
        let om = Array("a 4\n# EOF\n".utf8)
        #expect(try om.withUnsafeBytes { try Exposition.visit(.openMetrics, body: $0, &v) } == 4)
    }

    @Test func emptyBody() throws {
        #expect(try parse("").isEmpty)
        #expect(try parse("\n\n  \n").isEmpty)
    }
}
