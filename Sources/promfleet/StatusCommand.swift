import ArgumentParser
import Catalog
import Fleet
import Foundation
import Synchronization

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Members with their recorded state, a live /-/ready probe, and latest usage against limits."
    )
    @OptionGroup var options: CatalogOptions
    @Flag(help: "Include retired members.") var all = false
    @Flag(name: .customLong("no-probe"), help: "Do not probe members' /-/ready (LIVE shows -).") var noProbe = false

    func run() throws {
        let (catalog, fleet) = try options.open()
        let snap = try catalog.snapshot(fleet: fleet)
        print("fleet \(fleet): \(snap.fleet.shardCount) shard(s), data dir \(snap.fleet.dataDir), catalog \(catalog.path)")
        if let pid = ControllerFiles(dataDir: snap.fleet.dataDir).runningController() {
            print("controller: running (pid \(pid))")
        } else {
            print("controller: not running (start the fleet with `promfleet up TOPOLOGY`)")
        }
        var rows = [["MEMBER", "ROLE", "ADDRESS", "STATE", "LIVE", "SINCE", "HEAD SERIES", "SAMPLES/S", "TARGETS", "SCRAPE/INT",
                     "DISK", "OBSERVED"]]
        let shown = snap.members.filter { all || $0.isActive }
        let live = noProbe ? [:] : Self.probe(shown.filter(\.isActive).map(\.address))
        for m in shown {
            let usage = snap.latestUsage[m.id!]
            let limits = snap.group(of: m).flatMap { snap.limits[$0.id!] } ?? Limits()
            let cells = [LimitKind.headSeries, .samplesPerSecond, .targets, .scrapeDurationRatio, .diskBytes].map { kind in
                Self.cell(usage.flatMap { kind.value(in: $0) }, kind.limit(in: limits))
            }
            rows.append([m.name, m.role.rawValue, m.address, m.isActive ? m.state.rawValue : "retired",
                         live[m.address] ?? "-", formatTime(m.stateSince)] + cells + [formatTime(usage?.ts)])
        }
        print(columns(rows), terminator: "")
    }

    /// `up` when the member's /-/ready answers 200, else `down` (probed concurrently, 1 s timeout).
    static func probe(_ addresses: [String]) -> [String: String] {
        let results = Mutex<[String: String]>([:])
        DispatchQueue.concurrentPerform(iterations: addresses.count) { i in
            let ok = (try? HTTPClient.request(address: addresses[i], path: "/-/ready", timeoutMs: 1000))?.status == 200
            results.withLock { $0[addresses[i]] = ok ? "up" : "down" }
        }
        return results.withLock { $0 }
    }

    /// `value (util%)`, `value`, or `-`.
    static func cell(_ value: Double?, _ limit: Double?) -> String {
        guard let value else { return "-" }
        let v = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.3g", value)
        guard let limit else { return v }
        return v + String(format: " (%.0f%%)", value / limit * 100)
    }
}
