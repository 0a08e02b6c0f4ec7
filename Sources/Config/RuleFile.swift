import Foundation
import Relabeling
import Yams

// Prometheus's rule file format (model/rulefmt): `groups:` of named rule groups, each with an
// optional `interval`, `limit` and `query_offset`, and `rules:` that are either recording
// (`record`) or alerting (`alert`) rules. Parsing is strict like Prometheus's (unknown fields are
// errors) and validation reports every problem at once, worded as `promtool check rules` words
// them: `4:13: group "g", rule 1, "bad-name": invalid recording rule name: bad-name`.
//
// Config does not import PromQL or the template engine: the caller hands in `RuleChecks` that
// parse an expression and a template (the Rules module does), so every `expr` is checked by the
// same parser that will evaluate it.

/// One rule file, parsed and validated.
public struct RuleFile: Sendable {
    public var file: String
    public var groups: [RuleGroupSpec]
}

/// One `groups:` entry.
public struct RuleGroupSpec: Sendable {
    public var name: String
    /// nil: the global evaluation_interval.
    public var interval: PromDuration?
    /// nil: the global rule_query_offset.
    public var queryOffset: PromDuration?
    /// 0: no limit on the series one rule may produce.
    public var limit: Int = 0
    public var rules: [RuleSpec] = []
}

/// One rule of a group: recording when `record` is set, alerting when `alert` is.
public struct RuleSpec: Sendable {
    public var record: String = ""
    public var alert: String = ""
    public var expr: String = ""
    public var forDuration = PromDuration.zero
    public var keepFiringFor = PromDuration.zero
    /// In file order.
    public var labels: [(String, String)] = []
    public var annotations: [(String, String)] = []

    public var isAlert: Bool { !alert.isEmpty }
    public var name: String { alert.isEmpty ? record : alert }
}

/// Checks the format cannot do itself. Each returns nil when fine, else the error text.
public struct RuleChecks: Sendable {
    /// Parses a PromQL expression; returns the parser's message (`1:7: parse error: …`).
    public var expr: @Sendable (String) -> String?
    /// Parses a label or annotation template of alert `name`; returns e.g.
    /// `template: __alert_B:1: unclosed action`.
    public var template: @Sendable (_ name: String, _ text: String) -> String?

    public init(expr: @escaping @Sendable (String) -> String?,
                template: @escaping @Sendable (_ name: String, _ text: String) -> String?) {
        self.expr = expr
        self.template = template
    }

    /// No expression or template checks (structure only).
    public static let none = RuleChecks(expr: { _ in nil }, template: { _, _ in nil })
}

/// A rule file that failed to load: every problem found, in file order. `description` prints
/// them as promtool does, one `file: problem` per line.
public struct RuleFileError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var errors: [String]

    public init(file: String, errors: [String]) {
        self.file = file
        self.errors = errors
    }

    public var description: String { errors.map { "\(file): \($0)" }.joined(separator: "\n") }
}

public enum RuleFiles {
    /// The files the `rule_files` patterns match now (already made relative to the config
    /// file's directory by `PrometheusConfig.load`), in pattern order, each pattern's matches
    /// sorted (Go's filepath.Glob). A pattern matching nothing contributes nothing.
    public static func resolve(_ patterns: [String]) -> [String] {
        var out: [String] = []
        for p in patterns {
            for f in FileSD.matchingFiles(FileSDConfig(files: [p])).sorted() where !out.contains(f) { out.append(f) }
        }
        return out
    }

    /// Reads and validates one rule file.
    public static func load(file: String, checks: RuleChecks) throws(RuleFileError) -> RuleFile {
        let text: String
        do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
            throw RuleFileError(file: file, errors: ["open \(file): no such file or directory"])
        }
        return try parse(yaml: text, file: file, checks: checks)
    }

    /// Parses and validates rule file text.
    public static func parse(yaml: String, file: String, checks: RuleChecks) throws(RuleFileError) -> RuleFile {
        let ctx = YAMLContext(file: file)
        var positions: [[RulePositions]] = []
        var groupNodes: [Node] = []
        var out = RuleFile(file: file, groups: [])
        do {
            guard let top = try ctx.mapping(try ctx.compose(yaml), type: "rulefmt.RuleGroups", known: ["groups"]),
                  let list = top.value("groups") else { return out }
            for gn in try ctx.sequence(list, field: "groups", of: "rulefmt.RuleGroup") {
                let (g, pos) = try ctx.ruleGroup(gn)
                out.groups.append(g)
                positions.append(pos)
                groupNodes.append(gn)
            }
        } catch {
            let place = error.line.map { "line \($0): " } ?? ""
            throw RuleFileError(file: file, errors: ["yaml: unmarshal errors:\n  \(place)\(error.message)"])
        }
        let errors = validate(out, positions: positions, groupNodes: groupNodes, checks: checks)
        if !errors.isEmpty { throw RuleFileError(file: file, errors: errors) }
        return out
    }
}

/// Where a rule's fields are, for error messages (`line:column`).
struct RulePositions {
    var record: Node?
    var alert: Node?
    var expr: Node?
}

extension YAMLContext {
    func ruleGroup(_ node: Node) throws(ConfigError) -> (RuleGroupSpec, [RulePositions]) {
        var g = RuleGroupSpec(name: "")
        var pos: [RulePositions] = []
        guard let m = try mapping(node, type: "rulefmt.RuleGroup", known: ["name", "interval", "query_offset", "limit", "rules"]) else {
            return (g, pos)
        }
        g.name = try m.string("name") ?? ""
        g.interval = try m.duration("interval")
        g.queryOffset = try m.duration("query_offset")
        if let l = m.value("limit") {
            let s = try string(l, field: "limit")
            guard let n = Int(s) else { throw error(l, field: "limit", "cannot unmarshal \(kindName(l)) into int") }
            g.limit = n
        }
        if let rl = m.value("rules") {
            for rn in try sequence(rl, field: "rules", of: "rulefmt.Rule") {
                var r = RuleSpec()
                var p = RulePositions()
                if let rm = try mapping(rn, type: "rulefmt.Rule",
                                        known: ["record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"]) {
                    r.record = try rm.string("record") ?? ""
                    r.alert = try rm.string("alert") ?? ""
                    r.expr = try rm.string("expr") ?? ""
                    r.forDuration = try rm.duration("for") ?? .zero
                    r.keepFiringFor = try rm.duration("keep_firing_for") ?? .zero
                    if let l = rm.value("labels") { r.labels = try stringMap(l, field: "labels").map { ($0.0, $0.1) } }
                    if let a = rm.value("annotations") { r.annotations = try stringMap(a, field: "annotations").map { ($0.0, $0.1) } }
                    p = RulePositions(record: rm.value("record"), alert: rm.value("alert"), expr: rm.value("expr"))
                }
                g.rules.append(r)
                pos.append(p)
            }
        }
        return (g, pos)
    }
}

/// `line:column` of a node as yaml.v3 reports it (1-based).
func nodePlace(_ n: Node?) -> String? {
    guard let mark = n?.mark else { return nil }
    return "\(mark.line):\(mark.column)"
}
