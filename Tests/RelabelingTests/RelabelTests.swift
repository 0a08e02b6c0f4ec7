import MetricModel
import Testing
@testable import Relabeling

/// One relabel case: input labels, rules, expected output (nil = dropped).
struct RelabelCase: CustomTestStringConvertible, Sendable {
    let name: String
    let input: [String: String]
    let rules: [RelabelConfig]
    let output: [String: String]?
    var testDescription: String { name }
}

/// Builds a rule like Prometheus's test table does (unset fields take the defaults).
func rule(
    _ action: RelabelAction = .replace, source: [String] = [], regex: String? = nil, target: String = "",
    replacement: String = "$1", separator: String = ";", modulus: UInt64 = 0,
    scheme: NameValidationScheme = .legacy
) -> RelabelConfig {
    let re = regex.map { try! RelabelRegex($0) } ?? .defaultRegex
    return RelabelConfig(sourceLabels: source, separator: separator, regex: re, modulus: modulus,
                         targetLabel: target, replacement: replacement, action: action, nameValidationScheme: scheme)
}

/// Cases from Prometheus's model/relabel/relabel_test.go (TestRelabel), plus our own corner cases.
let relabelCases: [RelabelCase] = [
    RelabelCase(name: "replace with ${1} twice", input: ["a": "foo", "b": "bar", "c": "baz"],
                rules: [rule(source: ["a"], regex: "f(.*)", target: "d", replacement: "ch${1}-ch${1}")],
                output: ["a": "foo", "b": "bar", "c": "baz", "d": "choo-choo"]),
    RelabelCase(name: "chained replaces over joined sources", input: ["a": "foo", "b": "bar", "c": "baz"],
                rules: [rule(source: ["a", "b"], regex: "f(.*);(.*)r", target: "a", replacement: "b${1}${2}m"),
                        rule(source: ["c", "a"], regex: "(b).*b(.*)ba(.*)", target: "d", replacement: "$1$2$2$3")],
                output: ["a": "boobam", "b": "bar", "c": "baz", "d": "boooom"]),
    RelabelCase(name: "drop stops processing", input: ["a": "foo"],
                rules: [rule(.drop, source: ["a"], regex: ".*o.*"), rule(source: ["a"], regex: "f(.*)", target: "d", replacement: "ch$1-ch$1")],
                output: nil),
    RelabelCase(name: "capture in the middle", input: ["a": "abc"],
                rules: [rule(source: ["a"], regex: ".*(b).*", target: "d")], output: ["a": "abc", "d": "b"]),
    RelabelCase(name: "drop without match keeps", input: ["a": "foo"],
                rules: [rule(.drop, source: ["a"], regex: "no-match")], output: ["a": "foo"]),
    RelabelCase(name: "drop regex is anchored", input: ["a": "foo"],
                rules: [rule(.drop, source: ["a"], regex: "f|o")], output: ["a": "foo"]),
    RelabelCase(name: "keep without match drops", input: ["a": "foo"],
                rules: [rule(.keep, source: ["a"], regex: "no-match")], output: nil),
    RelabelCase(name: "keep with match", input: ["a": "foo"],
                rules: [rule(.keep, source: ["a"], regex: "f.*")], output: ["a": "foo"]),
    RelabelCase(name: "no replacement without match", input: ["a": "boo"],
                rules: [rule(source: ["a"], regex: "f", target: "b", replacement: "bar")], output: ["a": "boo"]),
    RelabelCase(name: "blank replacement deletes the label", input: ["a": "foo", "f": "baz"],
                rules: [rule(source: ["a"], regex: "(f).*", target: "$1", replacement: "$2")], output: ["a": "foo"]),
    RelabelCase(name: "hashmod 1000", input: ["a": "foo", "b": "bar", "c": "baz"],
                rules: [rule(.hashmod, source: ["c"], target: "d", modulus: 1000)],
                output: ["a": "foo", "b": "bar", "c": "baz", "d": "976"]),
    RelabelCase(name: "hashmod over a newline", input: ["a": "foo\nbar"],
                rules: [rule(.hashmod, source: ["a"], target: "b", modulus: 1000)], output: ["a": "foo\nbar", "b": "734"]),
    RelabelCase(name: "labelmap with prefix", input: ["a": "foo", "b1": "bar", "b2": "baz"],
                rules: [rule(.labelmap, regex: "(b.*)", replacement: "bar_${1}")],
                output: ["a": "foo", "b1": "bar", "b2": "baz", "bar_b1": "bar", "bar_b2": "baz"]),
    RelabelCase(name: "labelmap meta labels", input: ["a": "foo", "__meta_my_bar": "aaa", "__meta_my_baz": "bbb", "__meta_other": "ccc"],
                rules: [rule(.labelmap, regex: "__meta_(my.*)", replacement: "${1}")],
                output: ["a": "foo", "__meta_my_bar": "aaa", "__meta_my_baz": "bbb", "__meta_other": "ccc", "my_bar": "aaa", "my_baz": "bbb"]),
    RelabelCase(name: "target label from capture", input: ["a": "some-name-value"],
                rules: [rule(source: ["a"], regex: "some-([^-]+)-([^,]+)", target: "${1}", replacement: "${2}")],
                output: ["a": "some-name-value", "name": "value"]),
    RelabelCase(name: "replacement from missing group is empty: nothing set", input: ["a": "some-name-value"],
                rules: [rule(source: ["a"], regex: "some-([^-]+)-([^,]+)", target: "${1}", replacement: "${3}")],
                output: ["a": "some-name-value"]),
    RelabelCase(name: "invalid expanded target leaves labels unchanged", input: ["a": "some-name-0"],
                rules: [rule(source: ["a"], regex: "some-([^-]+)-([^,]+)", target: "${3}", replacement: "${1}"),
                        rule(source: ["a"], regex: "some-([^-]+)(-[^,]+)", target: "${3}", replacement: "${1}")],
                output: ["a": "some-name-0"]),
    RelabelCase(name: "real-life tags parsing", input: ["__meta_sd_tags": "path:/secret,job:some-job,label:foo=bar"],
                rules: [rule(source: ["__meta_sd_tags"], regex: "(?:.+,|^)path:(/[^,]+).*", target: "__metrics_path__", replacement: "${1}"),
                        rule(source: ["__meta_sd_tags"], regex: "(?:.+,|^)job:([^,]+).*", target: "job", replacement: "${1}"),
                        rule(source: ["__meta_sd_tags"], regex: "(?:.+,|^)label:([^=]+)=([^,]+).*", target: "${1}", replacement: "${2}")],
                output: ["__meta_sd_tags": "path:/secret,job:some-job,label:foo=bar", "__metrics_path__": "/secret", "job": "some-job", "foo": "bar"]),
    RelabelCase(name: "prometheus issue 12283", input: ["__meta_kubernetes_pod_container_port_name": "foo", "__meta_kubernetes_pod_annotation_XXX_metrics_port": "9091"],
                rules: [rule(.labeldrop, regex: "^__meta_kubernetes_pod_container_port_name$"),
                        rule(source: ["__meta_kubernetes_pod_annotation_XXX_metrics_port"], regex: "(.+)", target: "__meta_kubernetes_pod_container_port_name", replacement: "metrics"),
                        rule(.keep, source: ["__meta_kubernetes_pod_container_port_name"], regex: "^metrics$")],
                output: ["__meta_kubernetes_pod_annotation_XXX_metrics_port": "9091", "__meta_kubernetes_pod_container_port_name": "metrics"]),
    RelabelCase(name: "labelkeep", input: ["a": "foo", "b1": "bar", "b2": "baz"],
                rules: [rule(.labelkeep, regex: "(b.*)")], output: ["b1": "bar", "b2": "baz"]),
    RelabelCase(name: "labeldrop", input: ["a": "foo", "b1": "bar", "b2": "baz"],
                rules: [rule(.labeldrop, regex: "(b.*)")], output: ["a": "foo"]),
    RelabelCase(name: "upper and lower case", input: ["foo": "bAr123Foo"],
                rules: [rule(.uppercase, source: ["foo"], target: "foo_uppercase"), rule(.lowercase, source: ["foo"], target: "foo_lowercase")],
                output: ["foo": "bAr123Foo", "foo_lowercase": "bar123foo", "foo_uppercase": "BAR123FOO"]),
    RelabelCase(name: "keepequal equal keeps", input: ["__tmp_port": "1234", "__port1": "1234", "__port2": "5678"],
                rules: [rule(.keepequal, source: ["__tmp_port"], target: "__port1")],
                output: ["__tmp_port": "1234", "__port1": "1234", "__port2": "5678"]),
    RelabelCase(name: "dropequal equal drops", input: ["__tmp_port": "1234", "__port1": "1234", "__port2": "5678"],
                rules: [rule(.dropequal, source: ["__tmp_port"], target: "__port1")], output: nil),
    RelabelCase(name: "dropequal different keeps", input: ["__tmp_port": "1234", "__port1": "1234", "__port2": "5678"],
                rules: [rule(.dropequal, source: ["__tmp_port"], target: "__port2")],
                output: ["__tmp_port": "1234", "__port1": "1234", "__port2": "5678"]),
    RelabelCase(name: "keepequal different drops", input: ["__tmp_port": "1234", "__port1": "1234", "__port2": "5678"],
                rules: [rule(.keepequal, source: ["__tmp_port"], target: "__port2")], output: nil),
    RelabelCase(name: "dot matches newline", input: ["a": "line1\nline2", "b": "bar", "c": "baz"],
                rules: [rule(source: ["a"], regex: "line1.*line2", target: "d", replacement: "match${1}")],
                output: ["a": "line1\nline2", "b": "bar", "c": "baz", "d": "match"]),
    RelabelCase(name: "utf-8 source label", input: ["utf-8.label": "line1\nline2", "b": "bar"],
                rules: [rule(source: ["utf-8.label"], regex: "line1.*line2", target: "d", replacement: "match${1}")],
                output: ["utf-8.label": "line1\nline2", "b": "bar", "d": "match"]),
    RelabelCase(name: "utf-8 target label under utf8 scheme", input: ["a": "line1\nline2"],
                rules: [rule(source: ["a"], regex: "line1.*line2", target: "utf-8.label${1}", replacement: "match${1}", scheme: .utf8)],
                output: ["a": "line1\nline2", "utf-8.label": "match"]),
    RelabelCase(name: "expanded target invalid under legacy scheme: unchanged", input: ["a": "utf-8.label"],
                rules: [rule(source: ["a"], regex: "(.*)", target: "$1", replacement: "match")],
                output: ["a": "utf-8.label"]),
    RelabelCase(name: "named groups, all $ styles", input: ["a": "line1\nline2"],
                rules: [rule(source: ["a"], regex: "(line1).*(?<second>line2)", target: "label1_${1}", replacement: "val_${second}"),
                        rule(source: ["a"], regex: "(line1).*(?<second>line2)", target: "label2_$1", replacement: "val_$second")],
                output: ["a": "line1\nline2", "label1_line1": "val_line2", "label2_line1": "val_line2"]),
    RelabelCase(name: "__type__ from name suffix", input: ["__name__": "http_requests_total"],
                rules: [rule(source: ["__name__"], regex: ".*_total$", target: "__type__", replacement: "counter")],
                output: ["__name__": "http_requests_total", "__type__": "counter"]),
    // Our own corner cases.
    RelabelCase(name: "$1x is the group named 1x (empty)", input: ["a": "foo"],
                rules: [rule(source: ["a"], regex: "(f)oo", target: "b", replacement: "$1x-y")], output: ["a": "foo", "b": "-y"]),
    RelabelCase(name: "$$ is a dollar, malformed $ stays", input: ["a": "foo"],
                rules: [rule(source: ["a"], regex: "(f)oo", target: "b", replacement: "$$1 ${1 $-")], output: ["a": "foo", "b": "$1 ${1 $-"]),
    RelabelCase(name: "static label via fast path", input: ["job": "x"],
                rules: [rule(target: "cluster", replacement: "dev-0")], output: ["job": "x", "cluster": "dev-0"]),
    RelabelCase(name: "missing source label with explicit (.*) regex still sets", input: ["job": "x"],
                rules: [rule(source: ["nope"], regex: "(.*)", target: "t", replacement: "v")], output: ["job": "x", "t": "v"]),
    RelabelCase(name: "replace needs a whole match", input: ["a": "xfoo"],
                rules: [rule(source: ["a"], regex: "foo", target: "b", replacement: "hit")], output: ["a": "xfoo"]),
    RelabelCase(name: "separator joins empty values", input: ["a": "1"],
                rules: [rule(source: ["a", "missing", "a"], regex: "(.*)", target: "j", separator: "/")], output: ["a": "1", "j": "1//1"]),
    RelabelCase(name: "case-insensitive flag", input: ["env": "PROD"],
                rules: [rule(.keep, source: ["env"], regex: "(?i)prod")], output: ["env": "PROD"]),
    RelabelCase(name: "address rewrite with port", input: ["__address__": "10.0.0.1:80", "port": "9100"],
                rules: [rule(source: ["__address__", "port"], regex: "(.+?)(\\:\\d+)?;(\\d+)", target: "__address__", replacement: "$1:$3")],
                output: ["__address__": "10.0.0.1:9100", "port": "9100"]),
    RelabelCase(name: "uppercase keeps sharp s like Go", input: ["a": "straße"],
                rules: [rule(.uppercase, source: ["a"], target: "b")], output: ["a": "straße", "b": "STRAßE"]),
]

@Suite struct RelabelTests {
    @Test(arguments: relabelCases)
    func relabelTable(_ c: RelabelCase) {
        for r in c.rules { #expect(throws: Never.self) { try r.validate() } }
        let got = relabel(labels: Labels(c.input), configs: c.rules)
        #expect(got == c.output.map { Labels($0) })
    }

    @Test func builderFormReportsDrop() {
        var b = LabelsBuilder(Labels(["a": "foo"]))
        #expect(!relabel(builder: &b, configs: [rule(.drop, source: ["a"], regex: "foo")]))
        var b2 = LabelsBuilder(Labels(["a": "foo"]))
        #expect(relabel(builder: &b2, configs: [rule(target: "x", replacement: "y")]))
        #expect(b2.labels() == Labels(["a": "foo", "x": "y"]))
    }

    /// RE2 classes are ASCII-only; Unicode needs \\p{…}.
    @Test(arguments: [
        ("\\d+", "123", true), ("\\d+", "\u{661}\u{662}", false), ("\\w+", "abc_1", true), ("\\w+", "é", false),
        ("\\s", "\u{A0}", false), ("[[:alpha:]]+", "é", false), ("\\pL+", "é", true), ("\\p{Greek}", "λ", true),
        ("(?i)ABC", "abc", true), ("a.c", "a\nc", true), ("[[:alpha:]]+", "abcXYZ", true),
        ("[^[:digit:]]+", "ab", true), ("[[:punct:]]", "[", true), ("[[:xdigit:]]+", "0fA", true), ("[[:space:]]", "\t", true),
    ])
    func re2CharacterClasses(_ pattern: String, _ input: String, _ matches: Bool) throws {
        #expect(try RelabelRegex(pattern).matches(input) == matches)
    }

    @Test func labelmapIteratesOverASnapshot() {
        // The new label also matches the regex but must not be mapped again in the same rule.
        let out = relabel(labels: ["a_x": "1"], configs: [rule(.labelmap, regex: "(a_.*)", replacement: "${1}_y")])
        #expect(out == Labels(["a_x": "1", "a_x_y": "1"]))
    }

    @Test(arguments: [
        ("(a)(b)?", "ab", "$1-$2", "a-b"),
        ("(a)(b)?", "a", "$1-$2-", "a--"),
        ("(?P<first>\\w+) (?P<last>\\w+)", "Ada Lovelace", "$last, ${first}", "Lovelace, Ada"),
        ("(x)", "x", "${01}", ""),
        ("(x)", "x", "$0$1", "xx"),
        ("(x)", "x", "${1}1", "x1"),
        // RE2 matches code points, not grapheme clusters: "é" written as e + U+0301 is two.
        ("(.)(.)", "e\u{301}", "$2", "\u{301}"),
    ])
    func expansion(_ pattern: String, _ input: String, _ template: String, _ expected: String) throws {
        let re = try RelabelRegex(pattern)
        let caps = try #require(re.captures(input))
        #expect(caps.expand(template) == expected)
    }
}
