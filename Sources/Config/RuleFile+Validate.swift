import Relabeling
import Yams

// Rule file validation, in the order and wording of Prometheus's rulefmt `RuleGroups.Validate`
// and `RuleNode.Validate` (the text `promtool check rules` prints).

extension RuleFiles {
    static func validate(_ f: RuleFile, positions: [[RulePositions]], groupNodes: [Node], checks: RuleChecks) -> [String] {
        var errs: [String] = []
        var seen = Set<String>()
        for (j, g) in f.groups.enumerated() {
            let place = nodePlace(groupNodes[j]) ?? "0:0"
            if g.name.isEmpty { errs.append("\(place): Groupname must not be empty") }
            if seen.contains(g.name) { errs.append("\(place): groupname: \"\(g.name)\" is repeated in the same file") }
            seen.insert(g.name)
            for (i, r) in g.rules.enumerated() {
                let p = positions[j][i]
                for (err, node, alt) in validate(rule: r, positions: p, checks: checks) {
                    // Go prints a node's place when the error has one, "0:0" when that field is absent.
                    var prefix = ""
                    if let node {
                        prefix = "\(nodePlace(node) ?? "0:0"): "
                        if let alt { prefix += "\(nodePlace(alt) ?? "0:0"): " }
                    }
                    errs.append("\(prefix)group \(goQuote(g.name)), rule \(i + 1), \(goQuote(r.name)): \(err)")
                }
            }
        }
        return errs
    }

    /// One rule's problems: message, the node it is about, and a second node when two conflict.
    static func validate(rule r: RuleSpec, positions p: RulePositions, checks: RuleChecks) -> [(String, Node??, Node??)] {
        var out: [(String, Node??, Node??)] = []
        if !r.record.isEmpty && !r.alert.isEmpty {
            out.append(("only one of 'record' and 'alert' must be set", .some(p.record), .some(p.alert)))
        }
        if r.record.isEmpty && r.alert.isEmpty {
            out.append(("one of 'record' or 'alert' must be set", .some(p.record ?? p.alert), nil))
        }
        if r.expr.isEmpty {
            out.append(("field 'expr' must be set in rule", .some(p.expr), nil))
        } else if let e = checks.expr(r.expr) {
            out.append(("could not parse expression: \(e)", .some(p.expr), nil))
        }
        if !r.record.isEmpty {
            if !r.annotations.isEmpty { out.append(("invalid field 'annotations' in recording rule", .some(p.record), nil)) }
            if r.forDuration.milliseconds != 0 { out.append(("invalid field 'for' in recording rule", .some(p.record), nil)) }
            if r.keepFiringFor.milliseconds != 0 { out.append(("invalid field 'keep_firing_for' in recording rule", .some(p.record), nil)) }
            if !isValidMetricName(r.record) { out.append(("invalid recording rule name: \(r.record)", .some(p.record), nil)) }
        }
        for (k, _) in r.labels where !isLegacyLabelName(k) || k == "__name__" {
            out.append(("invalid label name: \(k)", nil, nil))
        }
        for (k, _) in r.annotations where !isLegacyLabelName(k) {
            out.append(("invalid annotation name: \(k)", nil, nil))
        }
        // Templates are parsed for alerting rules only (Prometheus's testTemplateParsing); Go
        // iterates maps in random order, we go by name.
        if !r.alert.isEmpty {
            for (k, v) in r.labels.sorted(by: { $0.0 < $1.0 }) {
                if let e = checks.template(r.alert, v) { out.append(("label \(goQuote(k)): \(e)", nil, nil)) }
            }
            for (k, v) in r.annotations.sorted(by: { $0.0 < $1.0 }) {
                if let e = checks.template(r.alert, v) { out.append(("annotation \(goQuote(k)): \(e)", nil, nil)) }
            }
        }
        return out
    }
}

/// `[a-zA-Z_:][a-zA-Z0-9_:]*` (Prometheus's legacy metric name rule).
public func isValidMetricName(_ s: String) -> Bool {
    guard let first = s.utf8.first else { return false }
    func ok(_ c: UInt8, first: Bool) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F || c == 0x3A || (!first && c >= 0x30 && c <= 0x39)
    }
    return ok(first, first: true) && s.utf8.dropFirst().allSatisfy { ok($0, first: false) }
}
