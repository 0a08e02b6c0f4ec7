import Foundation
#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Processes and HTTP for integration tests (shared by the test targets that start real
/// processes): loopback only, ended by PID.
public enum Peer {
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built promfleet binary, if present.
    public static var promfleet: String? {
        for p in [".build/debug/promfleet", ".build/release/promfleet"] {
            let path = packageRoot.appendingPathComponent(p).path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    public static func binary(_ path: String) -> String? {
        FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// A port nobody listens on right now (bind to 0, read, close).
    public static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// `n` consecutive free ports.
    public static func freePortRange(_ n: Int) -> Int {
        while true {
            let base = Int.random(in: 20_000...45_000)
            if (0..<n).allSatisfy({ isFree(base + $0) }) { return base }
        }
    }

    public static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
    }

    public static func tempDir() -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("promfleet-it-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }
}

/// A started child process, terminated (SIGTERM, then SIGKILL) by `stop()`.
public final class Child: @unchecked Sendable {
    public let process = Process()
    public let log: URL

    public init(_ path: String, _ args: [String], log: URL, cwd: URL? = nil) throws {
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = args
        if let cwd { process.currentDirectoryURL = cwd }
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let h = try FileHandle(forWritingTo: log)
        process.standardOutput = h
        process.standardError = h
        self.log = log
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }

    /// SIGTERM, then SIGKILL after 5 s, then reap.
    public func stop() {
        guard process.isRunning else { return }
        Glibc.kill(pid, SIGTERM)
        for _ in 0..<50 where process.isRunning { usleep(100_000) }
        if process.isRunning { Glibc.kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    /// SIGKILL at once (a crash, or a fast teardown), then reap.
    public func kill() {
        guard process.isRunning else { return }
        Glibc.kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    public func signal(_ s: Int32) { Glibc.kill(pid, s) }

    public var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
}

public enum HTTP {
    public struct Reply: Sendable {
        public var status: Int
        public var body: String
        public var headers: [String: String]
    }

    public static func get(_ url: String, headers: [String: String] = [:]) async -> Reply? {
        await send(url, method: "GET", body: nil, headers: headers)
    }

    public static func post(_ url: String, form: String? = nil) async -> Reply? {
        await send(url, method: "POST", body: form, headers: form == nil ? [:] : ["Content-Type": "application/x-www-form-urlencoded"])
    }

    public static func send(_ url: String, method: String, body: String?, headers: [String: String]) async -> Reply? {
        var req = URLRequest(url: URL(string: url)!)
        req.httpMethod = method
        req.timeoutInterval = 5
        for (k, v) in headers { req.setValue(v, forHTTPHeaderField: k) }
        if let body { req.httpBody = Data(body.utf8) }
        guard let (data, resp) = try? await URLSession.shared.data(for: req), let h = resp as? HTTPURLResponse else { return nil }
        var hs: [String: String] = [:]
        for (k, v) in h.allHeaderFields { hs["\(k)".lowercased()] = "\(v)" }
        return Reply(status: h.statusCode, body: String(decoding: data, as: UTF8.self), headers: hs)
    }

    public static func json(_ url: String) async -> [String: Any]? {
        guard let r = await get(url), let d = try? JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [String: Any] else { return nil }
        return d
    }

    /// Polls `cond` every 200 ms until true or `seconds` pass.
    public static func eventually(_ seconds: Double, _ cond: () async -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if await cond() { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return await cond()
    }
}

public func urlEncode(_ s: String) -> String {
    s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s
}
