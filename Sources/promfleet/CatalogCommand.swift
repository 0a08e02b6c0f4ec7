import ArgumentParser
import Catalog
import Config
import Fleet
import Foundation
import MetricModel

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Read and update the fleet catalog (topology, ownership history, usage, events).",
        subcommands: [Report.self, Events.self, Ownership.self, Apply.self]
    )
}

/// `--catalog`, `--topology`, `--fleet`: which catalog and which fleet in it.
struct CatalogOptions: ParsableArguments {
    @Option(help: "Catalog file (default: <data_dir>/catalog.sqlite of --topology or --fleet, or the only ./data/*/catalog.sqlite).")
    var catalog: String?
    @Option(help: "Find the catalog through this topology's data_dir.")
    var topology: String?
    @Option(help: "Fleet name (default: the catalog's only fleet).")
    var fleet: String?

    func open() throws -> (Catalog, String) {
        let path = try CatalogLocation.resolve(catalog: catalog, topology: topology, fleet: fleet)
        let catalog = try Catalog.openExisting(path: path)
        if let fleet { return (catalog, fleet) }
        if let topology { return (catalog, try Topology.load(path: topology).fleet) }
        let names = try catalog.fleetNames()
        guard names.count == 1 else {
            throw ValidationError(names.isEmpty ? "catalog \(path) records no fleet"
                                  : "catalog \(path) records fleets \(names.joined(separator: ", ")): pass --fleet")
        }
        return (catalog, names[0])
    }
}

func nowMs() -> Timestamp { Timestamp(Date().timeIntervalSince1970 * 1000) }
func formatTime(_ t: Timestamp?) -> String { t.map(CapacityReport.date) ?? "-" }

/// Aligned columns, two spaces apart.
func columns(_ rows: [[String]]) -> String {
    guard let first = rows.first else { return "" }
    let widths = first.indices.map { i in rows.map { $0[i].count }.max() ?? 0 }
    return rows.map { row in
        row.enumerated().map { i, c in i == row.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
            .joined(separator: "  ")
    }.joined(separator: "\n") + "\n"
}

extension ReportFormat: ExpressibleByArgument {}

extension CatalogCommand {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Capacity report: utilisation of each limit, growth, projected dates, shard count.")
        @OptionGroup var options: CatalogOptions
        @Option(help: "Output format: table, json or csv.") var format: ReportFormat = .table
        @Option(name: .customLong("target-utilisation"), help: "Keep every shard under this fraction of each limit.")
        var targetUtilisation: Double = 0.8
        @Option(help: "Plan the shard count for this many days ahead.") var days: Double = 90
        @Option(help: "Fit growth over the usage of this last period (a duration, e.g. 30d).") var window = "30d"

        func validate() throws {
            guard targetUtilisation > 0, targetUtilisation <= 1 else {
                throw ValidationError("--target-utilisation must be in (0, 1]")
            }
            guard days >= 0 else { throw ValidationError("--days must not be negative") }
            guard PromDuration(window) != nil else { throw ValidationError("--window: \"\(window)\" is not a duration") }
        }

        func run() throws {
            let (catalog, fleet) = try options.open()
            let now = nowMs()
            let history = try catalog.usageHistory(fleet: fleet, from: now - PromDuration(window)!.milliseconds)
            let report = CapacityPlanner.report(
                snapshot: try catalog.snapshot(fleet: fleet), history: history, now: now, options: CapacityOptions(targetUtilisation: targetUtilisation, horizonDays: days))
            print(try report.render(format), terminator: "")
        }
    }

    struct Events: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Member up/down, restarts, reloads, reshards.")
        @OptionGroup var options: CatalogOptions
        @Option(help: "Only the newest N events.") var limit = 50
        @Option(help: "Only events newer than this duration ago (e.g. 1h, 7d).") var since: String?

        func run() throws {
            let (catalog, fleet) = try options.open()
            var from = Timestamp.min
            if let since {
                guard let d = PromDuration(since) else { throw ValidationError("--since: \"\(since)\" is not a duration") }
                from = nowMs() - d.milliseconds
            }
            let rows = try catalog.events(fleet: fleet, since: from, limit: limit)
                .map { [formatTime($0.ts), $0.kind.rawValue, $0.member ?? "-", $0.detail] }
            print(columns([["TIME", "EVENT", "MEMBER", "DETAIL"]] + rows), terminator: "")
        }
    }

    struct Ownership: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Which group owned which shard slice over which time range (where older data lives).")
        @OptionGroup var options: CatalogOptions

        func run() throws {
            let (catalog, fleet) = try options.open()
            let rows = try catalog.ownershipHistory(fleet: fleet).map {
                ["\($0.shardIndex)/\($0.shardCount)", $0.group, formatTime($0.validFrom), $0.validTo.map(formatTime) ?? "now"]
            }
            print(columns([["SLICE", "GROUP", "FROM", "TO"]] + rows), terminator: "")
        }
    }

    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a topology in the catalog without starting anything (for members run by systemd, Kubernetes …).")
        @Argument(help: "Topology file.") var topology: String
        @Option(help: "Catalog file (default: <data_dir>/catalog.sqlite of the topology).") var catalog: String?

        func run() throws {
            let t = try Topology.load(path: topology)
            let path = catalog ?? t.catalogPath
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            let result = try Catalog(path: path).applyTopology(t.catalogSpec(), at: nowMs())
            print("recorded fleet \(t.fleet) in \(path): added \(result.added.count), retired \(result.retired.count), "
                  + "changed \(result.changed.count)"
                  + (result.reshard.map { ", shards \($0.from) -> \($0.to)" } ?? ""))
        }
    }
}
