import Catalog
import Fleet
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// `promfleet up` for real: a 2-shard × 2-replica fleet on 6 exporter targets, built from this
/// package (`swift build` first). Checks that every exporter target is scraped by exactly its
/// shard's two replicas, that a killed member is restarted, that re-running `up` with 3 shards
/// starts the new shard and reloads the others, and that SIGTERM stops every child.
@Suite(.serialized) struct FleetUpIntegrationTests {
    static let executable = repoRoot.appendingPathComponent(".build/debug/promfleet").path

    /// Why the test cannot run, or nil.
    static func skipReason() -> String? {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            return "\(executable) is missing (run `swift build` first)"
        }
        // `promfleet X --help` of an unknown X prints the root help (exit 0): look for X's own usage.
        for sub in ["up", "replica", "exporter"] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: executable)
            p.arguments = [sub, "--help"]
            let pipe = Pipe()
            p.standardOutput = pipe
            p.standardError = FileHandle.nullDevice
            guard (try? p.run()) != nil else { return "cannot run \(executable)" }
            let help = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            if p.terminationStatus != 0 || !help.contains("USAGE: promfleet \(sub)") {
                return "the built promfleet has no `\(sub)` subcommand yet"
            }
        }
        return nil
    }

    @Test(.timeLimit(.minutes(2))) func upShardsScrapesSupervisesReshardsAndStops() async throws {
        if let reason = Self.skipReason() {
            print("SKIP upShardsScrapesSupervisesReshardsAndStops: \(reason)")
            return
        }
        let dir = try TempDir()
        defer { dir.cleanup() }
        let base = try freePortRange(12)
        func topology(shards: Int) -> String {
            """
            fleet: itup
            data_dir: \(dir.path("data"))
            shards: \(shards)
            replicas: 2
            scrape_interval: 1s
            ports: {host: 127.0.0.1, base: \(base)}
            exporter: {count: 6, series_per_target: 20, base_port: \(base + 6)}
            """
        }
        try topology(shards: 2).write(toFile: dir.path("t2.yaml"), atomically: true, encoding: .utf8)
        try topology(shards: 3).write(toFile: dir.path("t3.yaml"), atomically: true, encoding: .utf8)
        let exporterTargets = Set((0..<6).map { "127.0.0.1:\(base + 6 + $0)" })
        let replicas = (0..<2).flatMap { s in ["a", "b"].map { "shard-\(s)-\($0)" } }
        let address = Dictionary(uniqueKeysWithValues: replicas.enumerated().map { ($1, "127.0.0.1:\(base + $0)") })

        let controller = Process()
        controller.executableURL = URL(fileURLWithPath: Self.executable)
        controller.arguments = ["up", dir.path("t2.yaml")]
        controller.currentDirectoryURL = dir.url
        FileManager.default.createFile(atPath: dir.path("up.out"), contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: dir.path("up.out")))
        controller.standardOutput = out
        controller.standardError = out
        try controller.run()
        var children: Set<pid_t> = []
        defer {
            if controller.isRunning { kill(controller.processIdentifier, SIGKILL) }
            for pid in children { kill(pid, SIGKILL) }
        }
        let output = { (try? String(contentsOfFile: dir.path("up.out"), encoding: .utf8)) ?? "" }

        // Every replica scrapes its slice: each exporter target kept by exactly one shard's two replicas.
        var keptBy: [String: Set<String>] = [:]
        let deadline = Date().addingTimeInterval(45)
        while Date() < deadline {
            keptBy = [:]
            var allUp = true
            for name in replicas {
                guard let targets = activeTargets(address[name]!) else { allUp = false; break }
                for t in targets where t.health == "up" { keptBy[t.address, default: []].insert(name) }
                allUp = allUp && !targets.isEmpty && targets.allSatisfy { $0.health == "up" }
            }
            if allUp && Set(keptBy.keys) == exporterTargets && keptBy.values.allSatisfy({ $0.count == 2 }) { break }
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(Set(keptBy.keys) == exporterTargets, "targets scraped: \(keptBy)\n\(output())")
        var perShard = [0, 0]
        for (target, members) in keptBy {
            let shard = Int(members.first!.dropFirst("shard-".count).prefix(1))!
            #expect(members == ["shard-\(shard)-a", "shard-\(shard)-b"], "\(target) scraped by \(members)")
            perShard[shard] += 1
        }
        #expect(perShard[0] > 0 && perShard[1] > 0, "one shard has every target: \(perShard)")
        #expect(perShard[0] + perShard[1] == 6)

        // The catalog shows every member up; the member table printed their pids.
        let catalog = try Catalog.openExisting(path: dir.path("data/catalog.sqlite"))
        try await until(20) { try catalog.snapshot(fleet: "itup").activeMembers.allSatisfy { $0.state == .up } }
        #expect(try catalog.snapshot(fleet: "itup").activeMembers.map(\.state) == [.up, .up, .up, .up])
        children = childPids(of: controller.processIdentifier)
        #expect(children.count == 5, "4 replicas + exporter: \(children)")
        let tablePid = try #require(pidInTable(output(), member: "shard-0-a"), "\(output())")
        #expect(children.contains(tablePid))

        // A killed member is restarted after back-off and comes back up.
        kill(tablePid, SIGKILL)
        try await until(20) {
            try catalog.events(fleet: "itup").contains { $0.kind == .memberRestarted && $0.member == "shard-0-a" }
                && catalog.snapshot(fleet: "itup").activeMembers.first { $0.name == "shard-0-a" }?.state == .up
        }
        let events = try catalog.events(fleet: "itup").filter { $0.member == "shard-0-a" }.map(\.kind)
        #expect(Array(events.suffix(3)) == [.memberDown, .memberRestarted, .memberUp], "\(events)")

        // Re-running `up` with 3 shards hands the topology to the running controller.
        let second = Process()
        second.executableURL = URL(fileURLWithPath: Self.executable)
        second.arguments = ["up", dir.path("t3.yaml")]
        second.currentDirectoryURL = dir.url
        let pipe = Pipe()
        second.standardOutput = pipe
        second.standardError = pipe
        try second.run()
        let reply = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        second.waitUntilExit()
        #expect(second.terminationStatus == 0, "\(reply)")
        #expect(reply.contains("start shard-2-a, shard-2-b; reload shard-0-a, shard-0-b, shard-1-a, shard-1-b"), "\(reply)")
        #expect(reply.contains("shards 2 -> 3"), "\(reply)")
        let ownership = try catalog.ownershipHistory(fleet: "itup")
        #expect(ownership.filter { $0.validTo == nil }.map(\.shardCount) == [3, 3, 3])
        #expect(ownership.filter { $0.validTo != nil }.map(\.shardCount) == [2, 2])
        try await until(20) {
            try catalog.snapshot(fleet: "itup").activeMembers.filter { $0.state == .up }.count == 6
        }
        #expect(try catalog.events(fleet: "itup").filter { $0.kind == .reload }.count == 4)
        // The new shard's replicas scrape too.
        try await until(20) { (activeTargets("127.0.0.1:\(base + 4)") ?? []).contains { $0.health == "up" } }

        // SIGTERM stops every child, then the controller exits 0.
        children = childPids(of: controller.processIdentifier)
        #expect(children.count == 7, "6 replicas + exporter: \(children)")
        kill(controller.processIdentifier, SIGTERM)
        try await until(30) { !controller.isRunning }
        #expect(!controller.isRunning)
        #expect(controller.terminationStatus == 0, "\(output())")
        for pid in children { #expect(kill(pid, 0) != 0, "child \(pid) still runs") }
        #expect(try catalog.snapshot(fleet: "itup").activeMembers.allSatisfy { $0.state == .stopped })
        #expect(!FileManager.default.fileExists(atPath: dir.path("data/controller.pid")))
    }

    struct Target { var address: String; var health: String }

    func activeTargets(_ address: String) -> [Target]? {
        guard let r = try? HTTPClient.request(address: address, path: "/api/v1/targets?state=active", timeoutMs: 2000),
              r.status == 200,
              let json = try? JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any],
              let data = json["data"] as? [String: Any],
              let active = data["activeTargets"] as? [[String: Any]] else { return nil }
        return active.compactMap { t in
            guard let labels = t["discoveredLabels"] as? [String: String], let a = labels["__address__"] else { return nil }
            return Target(address: a, health: t["health"] as? String ?? "")
        }
    }
}

