import Config
import MetricModel
import PromQL

/// Loads rule files into groups: Config's strict format parsing and validation, with every
/// expression checked by our PromQL parser and every alert template by our template engine.
public enum RuleLoader {
    /// The checks `promtool check rules` makes beyond the format.
    public static let checks = RuleChecks(
        expr: { s in
            do { _ = try Parser.parseExpr(s); return nil } catch { return "\(error)" }
        },
        template: { name, text in
            do { _ = try Template(name: "__alert_" + name, text: text); return nil } catch { return "\(error)" }
        })

    /// Validates one file, returning every problem (empty when it is fine) — `promtool check rules`.
    public static func check(file: String) -> [String] {
        do throws(RuleFileError) {
            _ = try RuleFiles.load(file: file, checks: checks)
            return []
        } catch {
            return error.errors.map { "\(file): \($0)" }
        }
    }

    /// Loads the groups of `files` (already resolved from the `rule_files` globs). Groups without
    /// an `interval` take `defaultInterval` (global.evaluation_interval, ms); without
    /// `query_offset`, `defaultQueryOffset` (global.rule_query_offset, ms).
    public static func load(files: [String], defaultInterval: Int64, defaultQueryOffset: Int64 = 0) throws(RuleFileError) -> [RuleGroup] {
        var groups: [RuleGroup] = []
        for file in files {
            let rf = try RuleFiles.load(file: file, checks: checks)
            for g in rf.groups {
                var rules: [any Rule] = []
                for (i, r) in g.rules.enumerated() {
                    do {
                        let expr = try Parser.parseExpr(r.expr)
                        if r.isAlert {
                            rules.append(try AlertingRule(
                                name: r.alert, expr: expr, query: r.expr, holdDuration: r.forDuration.milliseconds,
                                keepFiringFor: r.keepFiringFor.milliseconds, labels: r.labels, annotations: r.annotations))
                        } else {
                            rules.append(RecordingRule(name: r.record, expr: expr, query: r.expr, labels: Labels(r.labels)))
                        }
                    } catch {
                        throw RuleFileError(file: file, errors: ["group \(goQuote(g.name)), rule \(i + 1), \(goQuote(r.name)): \(error)"])
                    }
                }
                groups.append(RuleGroup(
                    name: g.name, file: file, interval: g.interval?.milliseconds ?? defaultInterval, limit: g.limit,
                    queryOffset: g.queryOffset?.milliseconds ?? defaultQueryOffset, rules: rules))
            }
        }
        return groups
    }
}
