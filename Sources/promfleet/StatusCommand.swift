import ArgumentParser
import Catalog
import Fleet
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Members with their recorded state and latest usage against limits (from the catalog)."
    )
    @OptionGroup var options: CatalogOptions
    @Flag(help: "Include retired members.") var all = false

    func run() throws {
        let (catalog, fleet) = try options.open()
        let snap = try catalog.snapshot(fleet: fleet)
        print("fleet \(fleet): \(snap.fleet.shardCount) shard(s), data dir \(snap.fleet.dataDir), catalog \(catalog.path)")
        var rows = [["MEMBER", "ROLE", "ADDRESS", "STATE", "SINCE", "HEAD SERIES", "SAMPLES/S", "TARGETS", "SCRAPE/INT",
                     "DISK", "OBSERVED"]]
        for m in snap.members where all || m.isActive {
            let usage = snap.latestUsage[m.id!]
            let limits = snap.group(of: m).flatMap { snap.limits[$0.id!] } ?? Limits()
            let cells = [LimitKind.headSeries, .samplesPerSecond, .targets, .scrapeDurationRatio, .diskBytes].map { kind in
                Self.cell(usage.flatMap { kind.value(in: $0) }, kind.limit(in: limits))
            }
            rows.append([m.name, m.role.rawValue, m.address, m.isActive ? m.state.rawValue : "retired",
                         formatTime(m.stateSince)] + cells + [formatTime(usage?.ts)])
        }
        print(columns(rows), terminator: "")
    }

    /// `value (util%)`, `value`, or `-`.
    static func cell(_ value: Double?, _ limit: Double?) -> String {
        guard let value else { return "-" }
        let v = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.3g", value)
        guard let limit else { return v }
        return v + String(format: " (%.0f%%)", value / limit * 100)
    }
}
