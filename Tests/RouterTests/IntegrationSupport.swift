import Foundation
import Hummingbird
import NIOCore
import Synchronization
import Testing
@testable import Router

/// A free loopback TCP port (bound and released; a small race is acceptable in tests).
func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return Int(UInt16(bigEndian: addr.sin_port))
}

let prometheusBinary = "/usr/bin/prometheus"
var prometheusAvailable: Bool { FileManager.default.isExecutableFile(atPath: prometheusBinary) }

/// What runs as a replica in the integration tests.
enum ReplicaKind: String, Sendable, CaseIterable, CustomTestStringConvertible {
    /// The real Prometheus (Debian package).
    case prometheus
    /// `promfleet replica`, the binary `swift build` puts in .build/debug (or release).
    case promfleet

    var testDescription: String { rawValue }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The executable, or nil when it is not there (the test then skips with a message).
    var binary: String? {
        switch self {
        case .prometheus: return prometheusAvailable ? prometheusBinary : nil
        case .promfleet:
            for p in [".build/debug/promfleet", ".build/release/promfleet"] {
                let path = Self.packageRoot.appendingPathComponent(p).path
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
            return nil
        }
    }

    var missing: String {
        switch self {
        case .prometheus: return "\(prometheusBinary) not installed"
        case .promfleet: return "no promfleet binary in .build/debug or .build/release (run `swift build` first)"
        }
    }
}

/// A replica process (a real Prometheus or `promfleet replica`) scraping `target` every second,
/// with external label replica=<name>.
final class PrometheusProcess: @unchecked Sendable {
    let name: String
    let port: Int
    let dir: String
    let binary: String
    let kind: ReplicaKind
    var process: Process?

    init(name: String, target: Int, root: String, kind: ReplicaKind = .prometheus) throws {
        self.name = name
        self.kind = kind
        self.binary = kind.binary ?? prometheusBinary
        self.port = freePort()
        self.dir = root + "/" + name
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        let cfg = """
        global:
          scrape_interval: 1s
          scrape_timeout: 900ms
          external_labels: {replica: \(name)}
        scrape_configs:
          - job_name: target
            static_configs: [{targets: ['127.0.0.1:\(target)']}]
        """
        try cfg.write(toFile: dir + "/prometheus.yml", atomically: true, encoding: .utf8)
    }

    var url: String { "http://127.0.0.1:\(port)" }

    func start() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = (kind == .promfleet ? ["replica"] : [])
            + ["--config.file=\(dir)/prometheus.yml", "--storage.tsdb.path=\(dir)/data",
               "--web.listen-address=127.0.0.1:\(port)", "--log.level=error"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try p.run()
        process = p
    }

    /// SIGTERM (graceful: Prometheus flushes its WAL) and wait.
    func terminate() {
        guard let p = process else { return }
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        process = nil
    }

    func kill9() {
        guard let p = process else { return }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
    }

    /// Waits until the newest sample of test_counter_total is later than `after` (ms). Prometheus
    /// sends discovered targets to the scrape manager only every 5 s, so the first scrape comes
    /// a few seconds after /-/ready.
    func waitForSample(after: Int64, timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let (code, body) = try? await httpGet(url + "/api/v1/query?query=timestamp(test_counter_total)"), code == 200,
               let s = try? PromJSON.decodeMatrix(ByteBuffer(string: body)).first?.samples.first, Int64(s.v * 1000) > after {
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw RouterConfigError("prometheus \(name): no sample after \(after)")
    }

    /// Waits for /-/ready.
    func waitReady(timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let (code, _) = try? await httpGet(url + "/-/ready"), code == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw RouterConfigError("prometheus \(name) not ready")
    }
}

/// A scrape target whose counter grows 10 per second of wall time (both replicas see the same
/// function of time) plus a constant gauge.
func startCounterTarget() async throws -> TestServer {
    try await TestServer.start { r in
        r.get("/metrics") { _, _ in
            let now = Date().timeIntervalSince1970
            let v = (now - 1_700_000_000) * 10
            let body = """
            # TYPE test_counter_total counter
            test_counter_total \(String(format: "%.3f", v))
            # TYPE test_gauge gauge
            test_gauge{kind="constant"} 42
            test_gauge{kind="other"} 7

            """
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
    }
}

/// A plain GET with URLSession-free blocking I/O avoided: uses the router's client type.
func httpGet(_ url: String) async throws -> (Int, String) {
    let resp = try await sharedTestClient.send(method: .GET, url: url, timeout: .seconds(10))
    let body = try await resp.body.collect(upTo: 64 << 20)
    return (Int(resp.status.code), String(buffer: body))
}

import Remote
let sharedTestClient = PeerClient()

func tempDir(_ name: String) throws -> String {
    let d = NSTemporaryDirectory() + "promfleet-router-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
}
