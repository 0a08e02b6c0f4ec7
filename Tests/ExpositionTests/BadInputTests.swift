import MetricModel
import Testing
@testable import Exposition

struct BadCase: CustomTestStringConvertible, Sendable {
    var name: String
    var input: String
    var kind: ExpositionError.Kind
    var line: Int
    /// The full message (Prometheus's wording), or its start when `prefixOnly`.
    var message: String
    var prefixOnly = false
    var testDescription: String { name }
}

let badText: [BadCase] = [
    BadCase(name: "missing value", input: "a 1\nfoo\n", kind: .syntax, line: 2,
            message: #"expected value after metric, got "\n" while parsing: "foo\n""#),
    BadCase(name: "missing value after labels", input: "foo{a=\"b\"}\n", kind: .syntax, line: 1,
            message: #"expected value after metric, got "\n" while parsing: "foo{a=\"b\"}\n""#),
    BadCase(name: "bad escape: backslash before newline", input: "foo{a=\"b\\\n\"} 1\n", kind: .syntax, line: 1,
            message: "expected label value", prefixOnly: true),
    BadCase(name: "unterminated label value", input: "foo{a=\"b} 1\nbar 2\n", kind: .syntax, line: 1,
            message: "expected label value, got", prefixOnly: true),
    BadCase(name: "bad float", input: "foo 1.2.3\n", kind: .invalidNumber, line: 1,
            message: #"strconv.ParseFloat: parsing "1.2.3": invalid syntax while parsing: "foo 1.2.3""#),
    BadCase(name: "float with hex exponent", input: "foo 0x1p3\n", kind: .invalidNumber, line: 1,
            message: #"unsupported character in float while parsing: "foo 0x1p3""#),
    BadCase(name: "float with underscore", input: "foo 1_000\n", kind: .invalidNumber, line: 1,
            message: #"unsupported character in float while parsing: "foo 1_000""#),
    BadCase(name: "float out of range", input: "foo 1e999\n", kind: .invalidNumber, line: 1,
            message: #"strconv.ParseFloat: parsing "1e999": value out of range while parsing: "foo 1e999""#),
    BadCase(name: "signed NaN", input: "foo -NaN\n", kind: .invalidNumber, line: 1,
            message: #"strconv.ParseFloat: parsing "-NaN": invalid syntax while parsing: "foo -NaN""#),
    BadCase(name: "duplicate label name", input: "# TYPE foo gauge\nfoo{a=\"1\",b=\"2\",a=\"3\"} 1\n", kind: .duplicateLabelName,
            line: 2, message: #"label name "a" is not unique: invalid sample"#),
    BadCase(name: "__name__ given twice", input: "foo{__name__=\"bar\"} 1\n", kind: .duplicateLabelName, line: 1,
            message: #"label name "__name__" is not unique: invalid sample"#),
    BadCase(name: "invalid metric name", input: "ok 1\n\n0foo 1\n", kind: .syntax, line: 3,
            message: #"expected a valid start token, got "0" while parsing: "0""#),
    BadCase(name: "invalid label name", input: "foo{0a=\"b\"} 1\n", kind: .syntax, line: 1,
            message: #"expected label name, got "0" while parsing: "foo{0""#),
    BadCase(name: "label name with colon", input: "foo{a:b=\"c\"} 1\n", kind: .syntax, line: 1,
            message: #"expected equal, got ":" while parsing: "foo{a:""#),
    BadCase(name: "unquoted label value", input: "foo{a=b} 1\n", kind: .syntax, line: 1,
            message: #"expected label value, got "b" while parsing: "foo{a=b""#),
    BadCase(name: "double comma", input: "foo{a=\"b\",,} 1\n", kind: .syntax, line: 1,
            message: #"expected label name, got "," while parsing: "foo{a=\"b\",,""#),
    BadCase(name: "no metric name", input: "{a=\"b\"} 1\n", kind: .metricName, line: 1,
            message: #"metric name not set while parsing: "{a=\"b\"} 1""#),
    BadCase(name: "two quoted metric names", input: "{\"a\",\"b\"} 1\n", kind: .metricName, line: 1,
            message: #"metric name already set while parsing: "{\"a\",\"b\"}""#),
    BadCase(name: "negative timestamp", input: "foo 1 -5\n", kind: .syntax, line: 1,
            message: #"expected timestamp or new record, got "-" while parsing: "foo 1 -""#),
    BadCase(name: "timestamp overflow", input: "foo 1 99999999999999999999\n", kind: .invalidNumber, line: 1,
            message: #"strconv.ParseInt: parsing "99999999999999999999": value out of range"#, prefixOnly: true),
    BadCase(name: "garbage after timestamp", input: "foo 1 2 3\n", kind: .syntax, line: 1,
            message: #"expected next entry after timestamp, got "3" while parsing: "foo 1 2 3""#),
    BadCase(name: "float timestamp", input: "foo 1 1.5\n", kind: .syntax, line: 1,
            message: "expected next entry after timestamp", prefixOnly: true),
    BadCase(name: "invalid metric type", input: "# TYPE foo bar\n", kind: .invalidMetricType, line: 1,
            message: #"invalid metric type "bar""#),
    BadCase(name: "OpenMetrics-only type", input: "# TYPE foo info\n", kind: .invalidMetricType, line: 1,
            message: #"invalid metric type "info""#),
    BadCase(name: "HELP without a metric name", input: "# HELP 0x y\n", kind: .syntax, line: 1,
            message: #"expected metric name after HELP, got "0""#, prefixOnly: true),
    BadCase(name: "labels never closed", input: "foo{a=\"b\"", kind: .syntax, line: 1,
            message: #"expected label name, got EOF while parsing: "foo{a=\"b\"""#),
    BadCase(name: "second brace", input: "foo{a=\"b\"}{c=\"d\"} 1\n", kind: .syntax, line: 1,
            message: "expected value after metric", prefixOnly: true),
]

let badOpenMetrics: [BadCase] = [
    BadCase(name: "missing # EOF", input: "foo 1\n", kind: .missingEOF, line: 2, message: "data does not end with # EOF"),
    BadCase(name: "missing # EOF after metadata", input: "# TYPE foo gauge\nfoo 1", kind: .missingEOF, line: 2,
            message: "data does not end with # EOF"),
    BadCase(name: "data after # EOF", input: "foo 1\n# EOF\nbar 2\n", kind: .dataAfterEOF, line: 3,
            message: "unexpected data after # EOF"),
    BadCase(name: "blank line", input: "foo 1\n\nbar 2\n# EOF\n", kind: .syntax, line: 2,
            message: #"expected a valid start token, got "\n" while parsing: "\n""#),
    BadCase(name: "free comment", input: "# hello\n# EOF\n", kind: .syntax, line: 1,
            message: ##"expected a valid start token, got "h" while parsing: "# h""##),
    BadCase(name: "leading space", input: " foo 1\n# EOF\n", kind: .syntax, line: 1,
            message: #"expected a valid start token, got " " while parsing: " ""#),
    BadCase(name: "space inside labels", input: "foo{a=\"b\", c=\"d\"} 1\n# EOF\n", kind: .syntax, line: 1,
            message: #"expected label name, got " " while parsing: "foo{a=\"b\", ""#),
    BadCase(name: "missing comma", input: "foo{a=\"b\"c=\"d\"} 1\n# EOF\n", kind: .syntax, line: 1,
            message: #"expected comma or brace close, got "c" while parsing: "foo{a=\"b\"c""#),
    BadCase(name: "two spaces before value", input: "foo  1\n# EOF\n", kind: .syntax, line: 1,
            message: #"expected value after metric, got " " while parsing: "foo ""#),
    BadCase(name: "trailing space", input: "foo 1 \n# EOF\n", kind: .syntax, line: 1,
            message: "expected timestamp or new record", prefixOnly: true),
    BadCase(name: "raw newline in label value", input: "foo{a=\"x\ny\"} 1\n# EOF\n", kind: .syntax, line: 1,
            message: "expected label value", prefixOnly: true),
    BadCase(name: "unit not a suffix", input: "# UNIT foo_seconds bytes\n# EOF\n", kind: .unitMismatch, line: 1,
            message: #"unit "bytes" not a suffix of metric "foo_seconds""#),
    BadCase(name: "untyped is not OpenMetrics", input: "# TYPE foo untyped\n# EOF\n", kind: .invalidMetricType, line: 1,
            message: #"invalid metric type "untyped""#),
    BadCase(name: "HELP without text", input: "# HELP foo\n# EOF\n", kind: .syntax, line: 1, message: "expected text in HELP"),
    BadCase(name: "NaN timestamp", input: "foo 1 NaN\n# EOF\n", kind: .invalidTimestamp, line: 1, message: "invalid timestamp NaN"),
    BadCase(name: "Inf timestamp", input: "foo 1 +Inf\n# EOF\n", kind: .invalidTimestamp, line: 1, message: "invalid timestamp +Inf"),
    BadCase(name: "bad float value", input: "# TYPE foo gauge\nfoo abc\n# EOF\n", kind: .invalidNumber, line: 2,
            message: #"strconv.ParseFloat: parsing "abc": invalid syntax while parsing: "foo abc""#),
    BadCase(name: "exemplar without value", input: "foo_total 1 # {a=\"b\"}\n# EOF\n", kind: .syntax, line: 1,
            message: #"expected value after exemplar labels, got "\n""#, prefixOnly: true),
    BadCase(name: "exemplar with a metric name", input: "foo_total 1 # {\"x\"} 1\n# EOF\n", kind: .syntax, line: 1,
            message: "expected label name", prefixOnly: true),
    BadCase(name: "exemplar NaN timestamp", input: "foo_total 1 # {a=\"b\"} 1 NaN\n# EOF\n", kind: .invalidTimestamp,
            line: 1, message: "invalid exemplar timestamp NaN"),
    BadCase(name: "text after timestamp", input: "foo 1 2 x\n# EOF\n", kind: .syntax, line: 1,
            message: "expected next entry after timestamp", prefixOnly: true),
    BadCase(name: "duplicate label name", input: "foo{a=\"1\",a=\"1\"} 1\n# EOF\n", kind: .duplicateLabelName, line: 1,
            message: #"label name "a" is not unique: invalid sample"#),
]

@Suite struct BadInputTests {
    func check(_ c: BadCase, _ format: ExpositionFormat) throws {
        let e = try #require(firstError(c.input, format), "\(c.name): no error")
        #expect(e.kind == c.kind, "\(e)")
        #expect(e.line == c.line, "\(e)")
        if c.prefixOnly {
            #expect(e.message.hasPrefix(c.message), "\(e)")
        } else {
            #expect(e.message == c.message)
        }
        #expect(e.description == "line \(e.line): \(e.message)")
    }

    @Test(arguments: badText)
    func textFormat(_ c: BadCase) throws { try check(c, .prometheusText) }

    @Test(arguments: badOpenMetrics)
    func openMetrics(_ c: BadCase) throws { try check(c, .openMetrics) }

    @Test(arguments: [ExpositionFormat.prometheusText, .openMetrics])
    func invalidUTF8LabelValue(_ format: ExpositionFormat) throws {
        var body = Array("foo{a=\"x".utf8) + [0xFF, 0xFE] + Array("\"} 1\n".utf8)
        if format == .openMetrics { body += Array("# EOF\n".utf8) }
        do {
            _ = try Exposition.parse(body, format: format)
            Issue.record("no error")
        } catch {
            #expect(error.kind == .invalidUTF8)
            #expect(error.line == 1)
            #expect(error.message == #"invalid UTF-8 label value: "\"x\xff\xfe\"""#)
        }
    }

    @Test func invalidUTF8Help() throws {
        let body = Array("# HELP foo bad ".utf8) + [0xC3] + Array("\nfoo 1\n".utf8)
        do {
            _ = try Exposition.parse(body, format: .prometheusText)
            Issue.record("no error")
        } catch {
            #expect(error.kind == .invalidUTF8)
            #expect(error.message == #"help text "bad \xc3" is not a valid utf8 string"#)
        }
    }

    /// After an error the parser stays failed or finished; it never loops.
    @Test func errorStopsTheParse() throws {
        let body = Array("foo 1\nbar\nbaz 3\n".utf8)
        var entries = 0
        var caught: ExpositionError?
        body.withUnsafeBytes { raw in
            var p = PromParser(raw)
            do throws(ExpositionError) {
                while try p.next() != .eof { entries += 1 }
            } catch {
                caught = error
            }
        }
        #expect(entries == 1)
        #expect(caught?.line == 2)
    }
}
