import Catalog
import Fleet
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// The controller's process handling with a stand-in member: a shell script that serves
/// `/-/ready` (and the exporter's `/metrics`) with `python3 -m http.server` and answers
/// `POST /-/reload` with 501, so reloads fall back to restarts. This tests supervision — start,
/// crash and restart, handover to a running controller, SIGTERM — not the fleet's scraping
/// (FleetUpIntegrationTests does that with the real `promfleet replica`).
@Suite(.serialized) struct FleetUpFakeMemberTests {
    static let fake = """
        #!/bin/sh
        if [ "$1" = "--help" ]; then printf 'SUBCOMMANDS:\\n  replica   fake\\n  exporter  fake\\n'; exit 0; fi
        addr=""; dir=""
        while [ $# -gt 0 ]; do
          case "$1" in
            --web.listen-address|--listen-address) addr="$2"; shift ;;
            --storage.tsdb.path) dir="$2"; shift ;;
          esac
          shift
        done
        [ -n "$dir" ] || dir="$(mktemp -d)"
        mkdir -p "$dir/www/-"
        echo ready > "$dir/www/-/ready"
        echo 'prometheus_tsdb_head_series 7' > "$dir/www/metrics"
        exec python3 -m http.server "${addr##*:}" --bind 127.0.0.1 --directory "$dir/www"
        """

    static func skipReason() -> String? {
        guard FileManager.default.isExecutableFile(atPath: builtPromfleet) else {
            return "\(builtPromfleet) is missing (run `swift build` first)"
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else { return "python3 is not installed" }
        return nil
    }

    @Test(.timeLimit(.minutes(2))) func supervisesRestartsHandsOverAndStops() async throws {
        if let reason = Self.skipReason() {
            print("SKIP supervisesRestartsHandsOverAndStops: \(reason)")
            return
        }
        let dir = try TempDir()
        defer { dir.cleanup() }
        let fake = dir.path("fake-promfleet")
        try Self.fake.write(toFile: fake, atomically: true, encoding: .utf8)
        chmod(fake, 0o755)
        let base = try freePortRange(6)
        func topology(replicas: Int) -> String {
            """
            fleet: fake
            data_dir: \(dir.path("data"))
            replicas: \(replicas)
            scrape_interval: 1s
            self_scrape: true
            ports: {base: \(base)}
            exporter: {count: 1, series_per_target: 5, base_port: \(base + 5)}
            """
        }
        try topology(replicas: 2).write(toFile: dir.path("t2.yaml"), atomically: true, encoding: .utf8)
        try topology(replicas: 3).write(toFile: dir.path("t3.yaml"), atomically: true, encoding: .utf8)

        FileManager.default.createFile(atPath: dir.path("up.out"), contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: dir.path("up.out")))
        let controller = Process()
        controller.executableURL = URL(fileURLWithPath: builtPromfleet)
        controller.arguments = ["up", dir.path("t2.yaml"), "--member-executable", fake]
        controller.standardOutput = out
        controller.standardError = out
        try controller.run()
        var children: Set<pid_t> = []
        defer {
            if controller.isRunning { kill(controller.processIdentifier, SIGKILL) }
            for pid in children { kill(pid, SIGKILL) }
        }
        let output = { (try? String(contentsOfFile: dir.path("up.out"), encoding: .utf8)) ?? "" }

        try await until(30) { FileManager.default.fileExists(atPath: dir.path("data/catalog.sqlite")) }
        let catalog = try Catalog.openExisting(path: dir.path("data/catalog.sqlite"))
        func states() throws -> [String: MemberState] {
            Dictionary(uniqueKeysWithValues: try catalog.snapshot(fleet: "fake").activeMembers.map { ($0.name, $0.state) })
        }
        try await until(30) { try states() == ["shard-0-a": .up, "shard-0-b": .up] }
        #expect(try states() == ["shard-0-a": .up, "shard-0-b": .up], "\(output())")
        children = childPids(of: controller.processIdentifier)
        #expect(children.count == 3, "exporter + 2 replicas: \(children)")
        #expect(output().contains("member_up        exporter"), "\(output())")

        // Kill a member: it is recorded down, restarted after 1 s and up again.
        let victim = try #require(pidInTable(output(), member: "shard-0-b"), "\(output())")
        kill(victim, SIGKILL)
        try await until(20) {
            try catalog.events(fleet: "fake").contains { $0.kind == .memberRestarted && $0.member == "shard-0-b" }
                && states()["shard-0-b"] == .up
        }
        let events = try catalog.events(fleet: "fake").filter { $0.member == "shard-0-b" }
        #expect(events.map(\.kind) == [.memberUp, .memberDown, .memberRestarted, .memberUp], "\(events)")
        #expect(events[1].detail == "killed by signal 9; restarting in 1s")
        #expect(Set(try String(contentsOfFile: dir.path("data/shard-0-b/member.pid"), encoding: .utf8)
            .split(separator: "\n").compactMap { pid_t($0) }).isDisjoint(with: [victim]))

        // A second `up` with 3 replicas per shard: shard-0-c starts; the others' self-scrape job
        // gained a target, and their reload fails
        // (501 from the stand-in) so they restart on their new config.
        let second = Process()
        second.executableURL = URL(fileURLWithPath: builtPromfleet)
        second.arguments = ["up", dir.path("t3.yaml"), "--member-executable", fake]
        let pipe = Pipe()
        second.standardOutput = pipe
        second.standardError = pipe
        try second.run()
        let reply = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        second.waitUntilExit()
        #expect(second.terminationStatus == 0, "\(reply)")
        #expect(reply.contains("fleet fake: start shard-0-c; reload shard-0-a, shard-0-b"), "\(reply)")
        #expect(reply.contains("reload failed (restarted instead): shard-0-a, shard-0-b"), "\(reply)")
        try await until(20) { try states() == ["shard-0-a": .up, "shard-0-b": .up, "shard-0-c": .up] }
        #expect(try states() == ["shard-0-a": .up, "shard-0-b": .up, "shard-0-c": .up], "\(output())")

        // Another fleet's topology on the same data dir is refused; the fleet stays as it is.
        try "fleet: other\ndata_dir: \(dir.path("data"))\nexporter: {count: 1}\n"
            .write(toFile: dir.path("other.yaml"), atomically: true, encoding: .utf8)
        let third = Process()
        third.executableURL = URL(fileURLWithPath: builtPromfleet)
        third.arguments = ["up", dir.path("other.yaml")]
        let pipe3 = Pipe()
        third.standardOutput = pipe3
        third.standardError = pipe3
        try third.run()
        let refusal = String(decoding: pipe3.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        third.waitUntilExit()
        #expect(third.terminationStatus == 1, "\(refusal)")
        #expect(refusal.contains("this controller runs fleet fake"), "\(refusal)")
        #expect(try states() == ["shard-0-a": .up, "shard-0-b": .up, "shard-0-c": .up])

        // SIGTERM: every child stops, states are recorded, the controller exits 0.
        children = childPids(of: controller.processIdentifier)
        #expect(children.count == 4, "exporter + 3 replicas: \(children)")
        kill(controller.processIdentifier, SIGTERM)
        try await until(20) { !controller.isRunning }
        #expect(!controller.isRunning)
        #expect(controller.terminationStatus == 0, "\(output())")
        for pid in children { #expect(kill(pid, 0) != 0, "child \(pid) still runs") }
        #expect(try states() == ["shard-0-a": .stopped, "shard-0-b": .stopped, "shard-0-c": .stopped])
        #expect(output().contains("all members stopped"))
    }
}
