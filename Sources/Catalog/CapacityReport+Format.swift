import Foundation
import MetricModel

/// Output formats of `promfleet catalog report`.
public enum ReportFormat: String, CaseIterable, Sendable {
    case table, json, csv
}

extension CapacityReport {
    public func render(_ format: ReportFormat) throws -> String {
        switch format {
        case .table: table()
        case .csv: csv()
        case .json: try json()
        }
    }

    /// RFC 3339 UTC date of a millisecond timestamp.
    public static func date(_ t: Timestamp) -> String {
        Date(timeIntervalSince1970: Double(t) / 1000).ISO8601Format()
    }

    static func number(_ v: Double?) -> String {
        guard let v else { return "" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(format: "%.4g", v)
    }

    static func percent(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "" }

    func rows() -> [[String]] {
        groups.flatMap { g in
            g.limits.filter { $0.limit != nil || $0.current != nil }.map { l in
                [g.group, g.kind.rawValue, g.shardIndex.map(String.init) ?? "", l.kind.rawValue,
                 Self.number(l.limit), Self.number(l.current), Self.percent(l.utilisation),
                 Self.number(l.growthPerDay), l.projectedDate.map(Self.date) ?? ""]
            }
        }
    }

    /// A fixed-width table for terminals, followed by the shard plan.
    public func table() -> String {
        let header = ["GROUP", "KIND", "SHARD", "DIMENSION", "LIMIT", "CURRENT", "UTIL", "GROWTH/DAY", "LIMIT REACHED"]
        var out = "fleet \(fleet), report at \(Self.date(generatedAt))\n\n"
        out += Self.align([header] + rows())
        out += "\nshard plan: target utilisation \(Self.percent(options.targetUtilisation)) for the next "
            + "\(Self.number(options.horizonDays)) days\n"
        if shardPlan.needs.isEmpty {
            out += "  no shard-spread dimension has both a limit and usage\n"
        } else {
            let planRows = shardPlan.needs.map {
                [$0.kind.rawValue, Self.number($0.limit), Self.number($0.currentTotal),
                 Self.number($0.projectedTotal), String($0.shards)]
            }
            out += Self.align([["DIMENSION", "LIMIT/SHARD", "TOTAL NOW", "TOTAL PROJECTED", "SHARDS"]] + planRows,
                              indent: "  ")
        }
        out += "  current shards: \(shardPlan.currentShards), recommended: "
            + (shardPlan.recommendedShards.map(String.init) ?? "-") + "\n"
        return out
    }

    static func align(_ rows: [[String]], indent: String = "") -> String {
        let widths = rows[0].indices.map { i in rows.map { $0[i].count }.max() ?? 0 }
        return rows.map { row in
            indent + row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
        }.joined()
    }

    /// One line per (group, dimension), header first; RFC 4180 quoting.
    public func csv() -> String {
        let header = ["group", "kind", "shard", "dimension", "limit", "current", "utilisation", "growth_per_day",
                      "projected_date"]
        let body = groups.flatMap { g in
            g.limits.filter { $0.limit != nil || $0.current != nil }.map { l in
                [g.group, g.kind.rawValue, g.shardIndex.map(String.init) ?? "", l.kind.rawValue,
                 Self.number(l.limit), Self.number(l.current), l.utilisation.map { String($0) } ?? "",
                 l.growthPerDay.map { String($0) } ?? "", l.projectedDate.map(Self.date) ?? ""]
            }
        }
        return ([header] + body).map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    static func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// Pretty JSON with sorted keys; dates are RFC 3339 strings, values plain numbers or null.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(JSONReport(self)), as: UTF8.self) + "\n"
    }
}

/// The JSON shape of a report (documented in docs/formats/catalog.md).
struct JSONReport: Encodable {
    struct Limit: Encodable {
        var dimension: String
        var limit: Double?
        var current: Double?
        var utilisation: Double?
        var growth_per_day: Double?
        var projected_date: String?
    }
    struct Group: Encodable {
        var group: String
        var kind: String
        var shard: Int?
        var last_observation: String?
        var limits: [Limit]
    }
    struct Need: Encodable {
        var dimension: String
        var limit_per_shard: Double
        var total_now: Double
        var total_projected: Double
        var shards: Int
    }
    struct Plan: Encodable {
        var current_shards: Int
        var recommended_shards: Int?
        var target_utilisation: Double
        var horizon_days: Double
        var needs: [Need]
    }
    var fleet: String
    var generated_at: String
    var groups: [Group]
    var shard_plan: Plan

    init(_ r: CapacityReport) {
        fleet = r.fleet
        generated_at = CapacityReport.date(r.generatedAt)
        groups = r.groups.map { g in
            Group(group: g.group, kind: g.kind.rawValue, shard: g.shardIndex,
                  last_observation: g.lastObservation.map(CapacityReport.date),
                  limits: g.limits.map {
                      Limit(dimension: $0.kind.rawValue, limit: $0.limit, current: $0.current,
                            utilisation: $0.utilisation, growth_per_day: $0.growthPerDay,
                            projected_date: $0.projectedDate.map(CapacityReport.date))
                  })
        }
        shard_plan = Plan(current_shards: r.shardPlan.currentShards, recommended_shards: r.shardPlan.recommendedShards,
                          target_utilisation: r.options.targetUtilisation, horizon_days: r.options.horizonDays,
                          needs: r.shardPlan.needs.map {
                              Need(dimension: $0.kind.rawValue, limit_per_shard: $0.limit, total_now: $0.currentTotal,
                                   total_projected: $0.projectedTotal, shards: $0.shards)
                          })
    }

    enum CodingKeys: String, CodingKey { case fleet, generated_at, groups, shard_plan }
}
extension JSONReport.Limit {
    // Encode nil as null so every dimension has the same keys.
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(dimension, forKey: .dimension)
        try c.encode(limit, forKey: .limit)
        try c.encode(current, forKey: .current)
        try c.encode(utilisation, forKey: .utilisation)
        try c.encode(growth_per_day, forKey: .growth_per_day)
        try c.encode(projected_date, forKey: .projected_date)
    }
    enum CodingKeys: String, CodingKey { case dimension, limit, current, utilisation, growth_per_day, projected_date }
}
