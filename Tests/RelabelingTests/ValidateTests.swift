import Testing
@testable import Relabeling

@Suite struct ValidateTests {
    /// Invalid rules and Prometheus's message for each (relabel.go `Validate`).
    @Test(arguments: [
        (rule(.hashmod, source: ["a"], target: "t"), "relabel configuration for hashmod requires non-zero modulus"),
        (rule(.replace), "relabel configuration for replace action requires 'target_label' value"),
        (rule(.lowercase), "relabel configuration for lowercase action requires 'target_label' value"),
        (rule(.keepequal, source: ["a"]), "relabel configuration for keepequal action requires 'target_label' value"),
        (rule(.lowercase, target: "${3}"), "\"${3}\" is invalid 'target_label' for lowercase action"),
        (rule(.replace, target: "1abc"), "\"1abc\" is invalid 'target_label' for replace action"),
        (rule(.replace, target: "foo$"), "\"foo$\" is invalid 'target_label' for replace action"),
        (rule(.uppercase, source: ["a"], target: "t", replacement: "x"), "'replacement' can not be set for uppercase action"),
        (rule(.labelmap, regex: "(.*)", replacement: "-$1"), "\"-$1\" is invalid 'replacement' for labelmap action"),
        (rule(.hashmod, source: ["a"], target: "a-b", modulus: 2), "\"a-b\" is invalid 'target_label' for hashmod action"),
        (rule(.keepequal, source: ["a"], regex: "(.*)", target: "b"), "keepequal action requires only 'source_labels' and `target_label`, and no other fields"),
        (rule(.dropequal, source: ["a"], target: "b", separator: ","), "dropequal action requires only 'source_labels' and `target_label`, and no other fields"),
        (rule(.labeldrop, source: ["a"], regex: "x"), "labeldrop action requires only 'regex', and no other fields"),
        (rule(.labelkeep, regex: "x", target: "t"), "labelkeep action requires only 'regex', and no other fields"),
        (rule(.labelkeep, regex: "x", modulus: 3), "labelkeep action requires only 'regex', and no other fields"),
    ])
    func invalid(_ r: RelabelConfig, _ message: String) {
        #expect(throws: RelabelError(message)) { try r.validate() }
    }

    @Test(arguments: [
        rule(.lowercase, target: "${3}", scheme: .utf8),
        rule(.replace, source: ["a"], regex: "some-([^-]+)-([^,]+)", target: "0${3}", replacement: "${1}", scheme: .utf8),
        rule(.labelmap, regex: "__meta_kubernetes_pod_label_(strimzi_io_.+)", replacement: "$1"),
        rule(.labelmap, regex: "__meta_(.+)", replacement: "${1}"),
        rule(.hashmod, source: ["__address__"], target: "__tmp_hash", modulus: 3),
        rule(.keepequal, source: ["a"], target: "b"),
        rule(.labeldrop, regex: "tmp_.*"),
    ])
    func valid(_ r: RelabelConfig) {
        #expect(throws: Never.self) { try r.validate() }
    }

    /// Prometheus's TestTargetLabelLegacyValidity table.
    @Test(arguments: [
        ("-label", false), ("label", true), ("label${1}", true), ("${1}label", true), ("${1}", true),
        ("${", false), ("$", false), ("${}", false), ("foo${", false), ("$1", true), ("asd$2asd", true),
        ("-foo${1}bar-", false), ("bar.foo${1}bar", false), ("_${1}_", true), ("foo${bar}foo", true),
    ])
    func legacyTargetWithVars(_ s: String, _ valid: Bool) {
        #expect(isLegacyNameWithVars(s) == valid)
    }

    @Test(arguments: ["Replace", "KEEP", "labelmap", "HashMod"])
    func actionCaseInsensitive(_ s: String) throws {
        #expect(try RelabelAction(parsing: s).rawValue == s.lowercased())
    }

    @Test func unknownAction() {
        #expect(throws: RelabelError("unknown relabel action \"keepit\"")) { try RelabelAction(parsing: "keepit") }
    }

    /// RE2 rejects these; Swift's engine would accept them, so we refuse them up front.
    @Test(arguments: ["(a)\\1", "foo(?=bar)", "(?<!x)y", "(?>ab)", "a++", "\\Z", "(?#comment)x", "\\h"])
    func nonRE2Refused(_ pattern: String) {
        #expect(throws: RelabelError.self) { try RelabelRegex(pattern) }
    }

    @Test(arguments: ["(?P<name>a)", "(?<name>a)", "(?i)abc", "(?i-s:a.)", "[[:alpha:]]+", "\\pL\\d\\s\\w", "a{2,3}?", "\\Qa.b\\E", "[\\]]"])
    func re2SyntaxAccepted(_ pattern: String) {
        #expect(throws: Never.self) { try RelabelRegex(pattern) }
    }

    /// Patterns Swift's parser reads differently from RE2, and what RE2 matches with them.
    @Test(arguments: [
        ("a{,3}", "a{,3}", true), ("a{,3}", "aaa", false), ("x{2}", "xx", true), ("x{1,}", "xxx", true), ("{", "{", true),
        ("[]a]+", "]a", true), ("[^]a]", "b", true), ("[^]a]", "]", false), ("[a&&b]+", "a&b", true), ("[[]", "[", true),
        ("[a~b]", "~", true), ("[[:alpha:][:digit:]]+", "a1", true), ("\\pN", "7", true),
    ])
    func re2Spellings(_ pattern: String, _ input: String, _ matches: Bool) throws {
        #expect(try RelabelRegex(pattern).matches(input) == matches)
    }

    @Test func badRegexMessage() {
        #expect(throws: RelabelError.self) { try RelabelRegex("(unclosed") }
    }

    @Test func defaultRegexIdentity() throws {
        #expect(RelabelRegex.defaultRegex.isDefault)
        #expect(try !RelabelRegex("(.*)").isDefault)
    }
}
