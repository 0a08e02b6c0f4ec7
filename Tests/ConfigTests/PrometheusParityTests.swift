import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MetricModel
import Testing
@testable import Config

/// Parity with the real Prometheus 2.42 (Debian package) on the same files.
@Suite struct PrometheusParityTests {
    static let prometheus = "/usr/bin/prometheus"
    static let promtool = "/usr/bin/promtool"

    /// `promtool check config --syntax-only` agrees with us on every fixture it understands.
    @Test func promtoolAgreesOnFixtures() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.promtool) else {
            print("SKIP promtoolAgreesOnFixtures: \(Self.promtool) not installed (apt-get install prometheus)")
            return
        }
        // Fixtures using fields newer than 2.42 are ours to judge alone.
        let newerThan242: Set<String> = ["global_limits.good.yml"]
        var checked = 0
        for good in ["prometheus.good.yml", "minimal.good.yml", "remote_write.good.yml", "remote_write_full.good.yml", "targets_compare.good.yml"] where !newerThan242.contains(good) {
            let (status, out) = try run(Self.promtool, ["check", "config", "--syntax-only", fixturePath(good)])
            #expect(status == 0, "promtool rejects \(good): \(out)")
            checked += 1
        }
        for bad in badFixtures where bad.prometheusRejects {
            let (status, out) = try run(Self.promtool, ["check", "config", "--syntax-only", fixturePath(bad.file)])
            #expect(status != 0, "promtool accepts \(bad.file) which we reject")
            // Where Prometheus reports a line (YAML type errors), it is the same line.
            if let r = out.range(of: #"line (\d+): "#, options: .regularExpression), !out.contains("yaml: line") {
                let line = Int(out[r].dropFirst(5).prefix { $0.isNumber })
                #expect(line == bad.line, "\(bad.file): promtool says \(out)")
            }
            checked += 1
        }
        #expect(checked == 5 + badFixtures.filter(\.prometheusRejects).count)
    }

    /// Real Prometheus builds the same targets (labels, URL, dropped set) from the same config.
    @Test func targetsMatchRealPrometheus() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.prometheus) else {
            print("SKIP targetsMatchRealPrometheus: \(Self.prometheus) not installed (apt-get install prometheus)")
            return
        }
        let cfg = try PrometheusConfig.load(file: fixturePath("targets_compare.good.yml"))
        var ourActive: [String: [String: String]] = [:]  // scrapeUrl+instance → labels
        var ourDropped = 0
        for sc in cfg.scrapeConfigs {
            let set = targets(for: sc, groups: sc.staticTargetGroups)
            #expect(set.failures.isEmpty)
            for t in set.active {
                var labels: [String: String] = [:]
                for l in t.labels.list { labels[l.name] = l.value }
                ourActive[t.url + " " + t.labels.get("instance")] = labels
            }
            ourDropped += set.dropped.count
        }

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("promfleet-parity-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let port = try freeLoopbackPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.prometheus)
        process.arguments = ["--config.file=\(fixturePath("targets_compare.good.yml"))", "--storage.tsdb.path=\(dir.path)/data",
                             "--web.listen-address=127.0.0.1:\(port)"]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let pid = process.processIdentifier
        defer {
            kill(pid, SIGTERM)
            process.waitUntilExit()
        }

        var theirActive: [String: [String: String]] = [:]
        var theirDropped = 0
        let deadline = Date().addingTimeInterval(45)
        while Date() < deadline {
            try await Task.sleep(for: .milliseconds(500))
            guard let data = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/api/v1/targets")!).0,
                  let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let d = root["data"] as? [String: Any] else { continue }
            let active = d["activeTargets"] as? [[String: Any]] ?? []
            theirDropped = (d["droppedTargets"] as? [Any])?.count ?? 0
            theirActive = [:]
            for t in active {
                guard let labels = t["labels"] as? [String: String], let url = t["scrapeUrl"] as? String else { continue }
                theirActive[url + " " + (labels["instance"] ?? "")] = labels
            }
            if theirActive.count == ourActive.count && theirActive.count + theirDropped == 13 { break }
        }
        #expect(theirActive == ourActive)
        #expect(theirDropped == ourDropped)
        print("targets parity: \(theirActive.count) active, \(theirDropped) dropped, identical labels and URLs: \(theirActive == ourActive)")
    }
}

func run(_ path: String, _ args: [String]) throws -> (Int32, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// A free TCP port on 127.0.0.1 (bind to port 0, read it back, close).
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw ConfigError(file: "", message: "socket() failed") }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw ConfigError(file: "", message: "bind() failed") }
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let got = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
    }
    guard got == 0 else { throw ConfigError(file: "", message: "getsockname() failed") }
    return Int(UInt16(bigEndian: addr.sin_port))
}
