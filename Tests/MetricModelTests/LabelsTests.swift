import Testing
@testable import MetricModel

@Suite struct LabelsTests {
    @Test func sortedPackedAndEqual() {
        let a = Labels([("job", "x"), ("__name__", "up"), ("instance", "h:1")])
        let b: Labels = ["instance": "h:1", "job": "x", "__name__": "up"]
        #expect(a == b)
        #expect(a.names == ["__name__", "instance", "job"])
        #expect(a.get("job") == "x")
        #expect(a.get("nope") == "")
        #expect(a.stableHash == b.stableHash)
        #expect(a.description == "{__name__=\"up\", instance=\"h:1\", job=\"x\"}")
    }

    @Test func emptyValuesDropped() {
        let a = Labels([("a", "1"), ("b", "")])
        #expect(a.count == 1)
        #expect(!a.has("b"))
    }

    @Test func compareLikePrometheus() {
        let a: Labels = ["a": "1"]
        let b: Labels = ["a": "1", "b": "2"]
        let c: Labels = ["a": "2"]
        #expect(Labels.compare(a, b) < 0)
        #expect(Labels.compare(b, c) < 0)
        #expect(Labels.compare(c, c) == 0)
    }

    @Test func xxh64KnownVectors() {
        // Reference values of xxHash64 with seed 0.
        #expect(XXH64.hash("") == 0xEF46DB3751D8E999)
        #expect(XXH64.hash("a") == 0xD24EC4F1A98C6E5B)
        #expect(XXH64.hash("abc") == 0x44BC2CF5AD770999)
        #expect(XXH64.hash("Nobody inspects the spammish repetition") == 0xFBCEA83C8A378BF1)
    }
}

@Suite struct FloatFormatTests {
    @Test(arguments: [
        (1.0, "1"), (1e6, "1e+06"), (123456.0, "123456"), (1234567.0, "1.234567e+06"),
        (0.0001, "0.0001"), (0.00001, "1e-05"), (-2.5, "-2.5"), (Double.infinity, "+Inf"),
        (-Double.infinity, "-Inf"), (Double.nan, "NaN"), (0.1, "0.1"), (1e21, "1e+21"),
        (5e-324, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"), (-0.0, "-0"), (999999.0, "999999"),
        (-123456.0, "-123456"), (0.000123, "0.000123"), (1.5e-7, "1.5e-07"), (12345.678, "12345.678"), (100.0, "100"),
    ])
    func formatG(_ v: Double, _ s: String) {
        #expect(PromFloat.formatG(v) == s)
    }

    @Test(arguments: [
        (1.0, "1"), (1e6, "1000000"), (0.00001, "0.00001"), (-2.5, "-2.5"), (1e21, "1000000000000000000000"),
        (Double.infinity, "+Inf"), (Double.nan, "NaN"), (123.456, "123.456"), (8999999999999999.0, "8999999999999999"),
        (9007199254740993.0, "9007199254740992"), (1e-7, "0.0000001"), (-0.25, "-0.25"), (1234.5e10, "12345000000000"),
    ])
    func formatF(_ v: Double, _ s: String) {
        #expect(PromFloat.formatF(v) == s)
    }

    @Test(arguments: [
        ("1", 1.0), ("-2.5", -2.5), ("1e3", 1000.0), ("+Inf", Double.infinity), ("-inf", -Double.infinity),
        ("Infinity", Double.infinity), (".5", 0.5), ("1.5E-3", 0.0015), ("0x10", 16.0), ("123456789012345678", 123456789012345678.0),
    ])
    func parse(_ s: String, _ v: Double) {
        #expect(PromFloat.parse(s) == v)
    }

    @Test(arguments: ["", "abc", "1.2.3", "1e", "--1", "1 "])
    func parseRejects(_ s: String) {
        #expect(PromFloat.parse(s) == nil)
    }

    @Test func nanParsesAndStaleIsDistinct() {
        #expect(PromFloat.parse("NaN")!.isNaN)
        #expect(StaleNaN.isStale(StaleNaN.value))
        #expect(!StaleNaN.isStale(Double.nan))
        #expect(!StaleNaN.isStale(NormalNaN.value))
    }
}

@Suite struct MatcherTests {
    @Test(arguments: [
        ("foo", "foo", true), ("foo", "foobar", false), ("foo.*", "foobar", true), (".*bar", "foobar", true),
        (".*oba.*", "foobar", true), ("a|b|c", "b", true), ("a|b|c", "d", false), ("(a|b)", "a", true),
        ("f[o]+", "foo", true), ("f[o]+", "fooz", false), (".*", "", true), (".+", "", false),
        ("a.b", "a\nb", true), ("(?i)FOO", "foo", true), ("\\d+", "123", true), ("\\d+", "12a", false),
        ("", "", true), ("", "x", false), ("foo|", "", true),
    ])
    func regexAnchored(_ re: String, _ v: String, _ want: Bool) throws {
        let m = try LabelMatcher(.regexMatch, "l", re)
        #expect(m.matches(v) == want)
        let n = try LabelMatcher(.regexNoMatch, "l", re)
        #expect(n.matches(v) == !want)
    }

    @Test(arguments: ["(?=a)", "a(?!b)", "(a)\\1", "a++", "(?<=x)y", "[", "(a"])
    func refusesNonRE2(_ re: String) {
        #expect(throws: MatcherError.self) { try LabelMatcher(.regexMatch, "l", re) }
    }

    @Test func missingLabelIsEmpty() throws {
        let l: Labels = ["a": "1"]
        #expect(try LabelMatcher(.equal, "b", "").matches(l))
        #expect(!(try LabelMatcher(.notEqual, "b", "").matches(l)))
        #expect(try LabelMatcher(.regexMatch, "b", ".*").matches(l))
    }
}
