import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MetricModel
import Testing
@testable import Relabeling

/// Runs a real Prometheus (Debian package, /usr/bin/prometheus) with hashmod sharding rules and
/// checks that our relabeling keeps exactly the targets it keeps, for every shard.
@Suite struct PrometheusHashmodTests {
    static let binary = "/usr/bin/prometheus"
    static let modulus: UInt64 = 3

    static func addresses() -> [String] {
        (1...50).map { "127.0.0.1:\($0)" } + ["node-7.example.invalid:9100", "[::1]:9090", "db-primary:5432", "a;b:1"]
    }

    @Test func hashmodShardsMatchRealPrometheus() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            print("SKIP hashmodShardsMatchRealPrometheus: \(Self.binary) not installed (apt-get install prometheus)")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("promfleet-hashmod-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        let targets = Self.addresses().map { "'\($0)'" }.joined(separator: ", ")
        var yaml = "global:\n  scrape_interval: 1h\n  scrape_timeout: 10s\nscrape_configs:\n"
        for shard in 0..<Self.modulus {
            yaml += """
              - job_name: shard\(shard)
                static_configs:
                  - targets: [\(targets)]
                relabel_configs:
                  - source_labels: [__address__]
                    modulus: \(Self.modulus)
                    target_label: __tmp_hash
                    action: hashmod
                  - source_labels: [__tmp_hash]
                    regex: '\(shard)'
                    action: keep

            """
        }
        try yaml.write(to: dir.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)

        let port = try freeLoopbackPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = [
            "--config.file=\(dir.appendingPathComponent("prometheus.yml").path)",
            "--storage.tsdb.path=\(dir.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(port)",
        ]
        let log = FileHandle(forWritingAtPath: "/dev/null")
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let pid = process.processIdentifier
        defer {
            kill(pid, SIGTERM)
            process.waitUntilExit()
        }

        // Prometheus applies discovered targets after its 5 s discovery throttle.
        var active: [String: Set<String>] = [:]
        var dropped: [String: Set<String>] = [:]
        let expectedTotal = Self.addresses().count * Int(Self.modulus)
        let deadline = Date().addingTimeInterval(45)
        while Date() < deadline {
            try await Task.sleep(for: .milliseconds(500))
            guard let (a, d) = try? await fetchTargets(port: port) else { continue }
            active = a
            dropped = d
            let seen = a.values.reduce(0) { $0 + $1.count } + d.values.reduce(0) { $0 + $1.count }
            if seen == expectedTotal { break }
        }

        var total = 0
        for shard in 0..<Self.modulus {
            let job = "shard\(shard)"
            let ours = Set(Self.addresses().filter { address in
                relabel(labels: Labels(["__address__": address, "job": job]), configs: [
                    try! RelabelConfig(sourceLabels: ["__address__"], regex: "(.*)", modulus: Self.modulus, targetLabel: "__tmp_hash", action: .hashmod),
                    try! RelabelConfig(sourceLabels: ["__tmp_hash"], regex: "\(shard)", action: .keep),
                ]) != nil
            })
            #expect(active[job, default: []] == ours, "shard \(shard): Prometheus kept \(active[job, default: []].sorted()), we keep \(ours.sorted())")
            #expect(dropped[job, default: []] == Set(Self.addresses()).subtracting(ours))
            total += ours.count
        }
        // Every address lands in exactly one shard.
        #expect(total == Self.addresses().count)
        print("hashmod comparison: \(Self.addresses().count) targets × \(Self.modulus) shards, Prometheus active per shard: \((0..<Self.modulus).map { active["shard\($0)", default: []].count })")
    }

    /// active / dropped `__address__` per job from /api/v1/targets.
    func fetchTargets(port: Int) async throws -> ([String: Set<String>], [String: Set<String>]) {
        let url = URL(string: "http://127.0.0.1:\(port)/api/v1/targets")!
        let (data, _) = try await URLSession.shared.data(from: url)
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let d = root["data"] as? [String: Any] else { throw RelabelError("bad /api/v1/targets response") }
        func collect(_ key: String) -> [String: Set<String>] {
            var out: [String: Set<String>] = [:]
            for t in d[key] as? [[String: Any]] ?? [] {
                guard let dl = t["discoveredLabels"] as? [String: String], let job = dl["job"], let addr = dl["__address__"] else { continue }
                out[job, default: []].insert(addr)
            }
            return out
        }
        return (collect("activeTargets"), collect("droppedTargets"))
    }
}

/// A free TCP port on 127.0.0.1 (bind to port 0, read it back, close).
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw RelabelError("socket() failed") }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw RelabelError("bind() failed") }
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let got = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
    }
    guard got == 0 else { throw RelabelError("getsockname() failed") }
    return Int(UInt16(bigEndian: addr.sin_port))
}
