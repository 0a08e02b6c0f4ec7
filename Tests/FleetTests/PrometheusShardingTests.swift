import Fleet
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Runs the rendered shard configs in real Prometheus 2.42 servers and checks, from each server's
/// /api/v1/targets, that every target is kept by exactly its shard's replicas: Prometheus's own
/// hashmod + keep decides, so this pins the rendered relabel rules to Prometheus's semantics.
struct PrometheusShardingTests {
    static let prometheus = ["/usr/bin/prometheus", "/usr/local/bin/prometheus"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test func everyTargetIsKeptByExactlyItsShardsReplicas() async throws {
        guard let prometheus = Self.prometheus else {
            print("SKIP everyTargetIsKeptByExactlyItsShardsReplicas: prometheus not installed (apt-get install prometheus)")
            return
        }
        let ports = try (0..<4).map { _ in try freePort() }
        let topology = try Topology.parse("""
            fleet: it
            shards: 2
            replicas: 2
            scrape_interval: 1s
            ports:
              members: {shard-0-a: \(ports[0]), shard-0-b: \(ports[1]), shard-1-a: \(ports[2]), shard-1-b: \(ports[3])}
            exporter: {count: 6, base_port: 39200}
            self_scrape: true
            """)
        let dir = try TempDir()
        defer { dir.cleanup() }
        let configs = try Renderer.render(topology)
        try Renderer.write(configs, to: dir.path("out"))

        var processes: [Process] = []
        defer {
            for p in processes where p.isRunning { p.terminate() }
            for p in processes { p.waitUntilExit() }
        }
        for c in configs {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: prometheus)
            p.arguments = ["--config.file=\(dir.path("out/\(c.name)/prometheus.yml"))",
                           "--storage.tsdb.path=\(dir.path("tsdb-\(c.name)"))",
                           "--web.listen-address=\(c.address)", "--log.level=error"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            processes.append(p)
        }

        // address → members that keep it.
        let all = Set((39200..<39206).map { "127.0.0.1:\($0)" } + configs.map(\.address))
        var keptBy: [String: Set<String>] = [:]
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            keptBy = [:]
            var complete = true
            for c in configs {
                guard let active = await activeTargets(c.address) else { complete = false; break }
                for address in active { keptBy[address, default: []].insert(c.name) }
            }
            // Done once every target is seen by two replicas (a loaded machine discovers late).
            if complete && Set(keptBy.keys) == all && keptBy.values.allSatisfy({ $0.count == 2 }) { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(Set(keptBy.keys) == all, "targets seen: \(keptBy)")
        var perShard = [0, 0]
        for (address, members) in keptBy {
            let shard = Int(members.first!.dropFirst("shard-".count).prefix(1))!
            #expect(members == ["shard-\(shard)-a", "shard-\(shard)-b"], "\(address) kept by \(members)")
            perShard[shard] += 1
        }
        #expect(perShard[0] + perShard[1] == all.count)
        #expect(perShard[0] > 0 && perShard[1] > 0, "one shard got every target: \(perShard)")
    }

    /// `__address__` of the active targets of the Prometheus at `address`, nil when not answering.
    func activeTargets(_ address: String) async -> [String]? {
        guard let url = URL(string: "http://\(address)/api/v1/targets?state=active"),
              let (data, _) = try? await URLSession.shared.data(from: url),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let payload = json["data"] as? [String: Any],
              let active = payload["activeTargets"] as? [[String: Any]] else { return nil }
        return active.compactMap { ($0["discoveredLabels"] as? [String: String])?["__address__"] }
    }
}

/// A loopback TCP port nobody listens on right now.
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
    }
    guard bound else { throw POSIXError(.EADDRINUSE) }
    return Int(UInt16(bigEndian: addr.sin_port))
}
