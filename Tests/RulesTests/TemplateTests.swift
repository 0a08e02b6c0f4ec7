@testable import Rules
import Testing

/// Alert templates: outputs as Prometheus's template_test.go and text/template give them.
@Suite struct TemplateTests {
    static let data = TemplateData(labels: ["instance": "host1:9100", "job": "node", "__name__": "up"],
                                   externalLabels: ["cluster": "eu1"], externalURL: "http://prom:9090", value: 0.12345)

    static func expand(_ text: String, value: Double = 0.12345) throws -> String {
        var d = data
        d.value = value
        return try Template(name: "__alert_Test", text: text).expand(d)
    }

    @Test(arguments: [
        ("{{ $labels.instance }}", "host1:9100"),
        ("{{ .Labels.job }}/{{$labels.job}}", "node/node"),
        ("{{ $value }}", "0.12345"),
        ("{{ .Value }}", "0.12345"),
        ("{{ $externalLabels.cluster }} {{ .ExternalLabels.cluster }} {{ $externalURL }}", "eu1 eu1 http://prom:9090"),
        ("{{ $labels.missing }}", "<no value>"),
        ("{{ humanize $value }}", "123.5m"),
        ("{{ $value | humanizePercentage }}", "12.35%"),
        ("{{ printf \"%.2f\" $value }}", "0.12"),
        ("{{ printf \"%s=%d\" \"n\" 3 }}", "n=3"),
        ("{{ printf \"%5.1f|%-4s|\" 2.25 \"a\" }}", "  2.2|a   |"),
        ("{{ if gt $value 0.1 }}high{{ else }}low{{ end }}", "high"),
        ("{{ if lt $value 0.1 }}low{{ else if eq $labels.job \"node\" }}node{{ else }}other{{ end }}", "node"),
        ("{{ if and (ge $value 0.1) (ne $labels.job \"x\") }}both{{ end }}", "both"),
        ("{{ if not (eq $labels.job \"node\" \"api\") }}no{{ else }}yes{{ end }}", "yes"),
        ("a  {{- $labels.job -}}  \n b", "anodeb"),
        ("x {{/* a comment */}}y", "x y"),
        ("{{ toUpper $labels.job }} {{ len $labels.job }} {{ stripPort $labels.instance }}", "NODE 4 host1"),
        ("{{ reReplaceAll \"(.*):.*\" \"$1\" $labels.instance }}", "host1"),
        ("{{ if $labels.missing }}set{{ else }}unset{{ end }}", "unset"),
        ("{{ title \"disk FULL on host-a\" }}", "Disk FULL On Host-A"),
    ] as [(String, String)])
    func expands(_ text: String, _ want: String) throws {
        #expect(try Self.expand(text) == want)
    }

    /// Prometheus template_test.go's tables for the humanize family.
    @Test func humanizeFamily() throws {
        func run(_ f: String, _ values: [Double]) throws -> String {
            try values.map { try Self.expand("{{ \(f) $value }}", value: $0) }.joined(separator: ":")
        }
        #expect(try run("humanize", [0, 1, 1234567, 0.12]) == "0:1:1.235M:120m")
        #expect(try run("humanize1024", [0, 1, 1048576, 0.12]) == "0:1:1Mi:0.12")
        #expect(try run("humanizeDuration", [0, 1, 60, 3600, 86400, 86400 + 3600, -(86400 * 2 + 3600 * 3 + 60 * 4 + 5), 899.99])
                == "0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:1d 1h 0m 0s:-2d 3h 4m 5s:14m 59s")
        #expect(try run("humanizeDuration", [0.1, 0.0001, 0.12345, 60.1, 60.5, 1.2345, 12.345])
                == "100ms:100us:123.5ms:1m 0s:1m 0s:1.234s:12.35s")
        #expect(try run("humanizePercentage", [0, 0.1234567, 0.22222, 1.1234567]) == "0%:12.35%:22.22%:112.3%")
        #expect(try run("humanizeTimestamp", [1435065584.128]) == "2015-06-23 13:19:44.128 +0000 UTC")
    }

    @Test(arguments: [
        ("{{ $labels.instance ", "template: __alert_Test:1: unclosed action"),
        ("{{ foo $value }}", "template: __alert_Test:1: function \"foo\" not defined"),
        ("line1\n{{ if true }}x", "template: __alert_Test:2: unexpected EOF"),
        ("{{ end }}", "template: __alert_Test:1: unexpected {{end}}"),
        ("{{ $nope }}", "template: __alert_Test:1: undefined variable \"$nope\""),
        ("{{ range $labels }}{{ end }}", "template: __alert_Test:1: \"range\" is not supported by promfleet's alert templates"),
        ("{{ query \"up\" }}", "template: __alert_Test:1: function \"query\" is not supported by promfleet's alert templates"),
        ("{{ $x := 1 }}", "template: __alert_Test:1: variable declarations are not supported by promfleet's alert templates"),
    ] as [(String, String)])
    func parseErrors(_ text: String, _ want: String) {
        #expect(throws: TemplateError.self) { try Template(name: "__alert_Test", text: text) }
        do { _ = try Template(name: "__alert_Test", text: text) } catch { #expect(error.description == want) }
    }

    /// Comparing a float with an int is an execution error in Go; Prometheus renders it inline.
    @Test func executionErrorRendersAsPrometheusDoes() throws {
        let t = try Template(name: "__alert_Test", text: "{{ if gt $value 1 }}x{{ end }}")
        let out = t.expandForAlert(Self.data)
        #expect(out.hasPrefix("<error expanding template: template: __alert_Test: "))
        #expect(out.hasSuffix("error calling gt: incompatible types for comparison>"))
    }
}
