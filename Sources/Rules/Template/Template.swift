// The subset of Go's text/template that Prometheus alert labels and annotations use
// (Prometheus template/template.go expands them with text/template and its own functions):
// `{{ $labels.x }}`, `{{ .Labels.x }}`, `{{ $value }}`, `{{ $externalLabels.x }}`, pipelines
// (`{{ $value | humanize }}`), function calls (`humanize`, `printf "%.2f" $value`, …),
// `{{ if … }}…{{ else if … }}…{{ else }}…{{ end }}`, comparisons and `and`/`or`/`not`,
// `{{- -}}` whitespace trimming and `{{/* comments */}}`. Anything else (`range`, `with`,
// `define`, variable declarations, `query`) is refused when the rule file loads, with a message
// naming the construct, so a rule never silently renders something different from Prometheus.
//
// Errors read like Go's: `template: __alert_HighLoad:1: function "foo" not defined`.

/// A parsed template. Immutable and Sendable: parse once at rule load, expand per alert.
public struct Template: Sendable {
    let name: String
    let nodes: [TNode]

    /// Parses `text`; `name` appears in error messages (Prometheus: `__alert_<alertname>`).
    public init(name: String, text: String) throws(TemplateError) {
        self.name = name
        var p = TemplateParser(name: name, text: Array(text.utf8))
        nodes = try p.parseAll()
    }
}

/// A template parse or execution error, worded like Go's text/template.
public struct TemplateError: Error, Sendable, CustomStringConvertible, Equatable {
    public var description: String
    init(_ name: String, line: Int, _ msg: String) { description = "template: \(name):\(line): \(msg)" }
    init(exec name: String, _ msg: String) { description = "template: \(name): \(msg)" }
}

indirect enum TNode: Sendable {
    case text(String)
    case action(Pipeline)
    case cond(Pipeline, then: [TNode], else: [TNode])
}

struct Pipeline: Sendable {
    var commands: [[Operand]]
}

enum Operand: Sendable {
    case function(String)
    /// `$name.f1.f2` (`$` alone is the root data).
    case variable(String, fields: [String])
    /// `.F1.F2`; no fields is the dot itself.
    case field([String])
    case string(String)
    case int(Int)
    case float(Double)
    case bool(Bool)
    case nilValue
    case pipeline(Pipeline)
}

/// Functions Prometheus's templates offer that this engine implements.
let supportedFunctions: Set<String> = [
    "and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge", "len", "index", "print", "printf", "println",
    "humanize", "humanize1024", "humanizeDuration", "humanizePercentage", "humanizeTimestamp",
    "toUpper", "toLower", "title", "match", "reReplaceAll", "stripPort", "stripDomain",
]

/// Functions Prometheus's templates offer that this engine does not (refused at load time).
let unsupportedFunctions: Set<String> = [
    "query", "first", "label", "value", "strvalue", "sortByLabel", "safeHtml", "args", "tmpl",
    "graphLink", "tableLink", "externalURL", "pathPrefix", "parseDuration", "toTime", "urlquery",
    "html", "js", "call", "slice",
]

/// The variables Prometheus defines before every alert template.
let predefinedVariables: Set<String> = ["$", "$labels", "$externalLabels", "$externalURL", "$value"]
