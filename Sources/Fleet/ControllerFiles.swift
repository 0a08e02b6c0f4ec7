import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files through which a second `promfleet up` talks to the controller already running a
/// fleet, all in the fleet's data dir:
///
/// - `controller.pid` — the running controller's pid (written at start, removed at exit).
/// - `controller.request` — `<id>\n<absolute topology path>\n`, written before sending SIGHUP.
/// - `controller.reply` — `<id>\n<ok|error>\n<text…>`, written by the controller once it applied
///   (or refused) the request with that id.
public struct ControllerFiles: Sendable {
    public let dataDir: String

    public init(dataDir: String) { self.dataDir = dataDir }

    public var pidFile: String { dataDir + "/controller.pid" }
    public var requestFile: String { dataDir + "/controller.request" }
    public var replyFile: String { dataDir + "/controller.reply" }

    /// The pid of a live controller of this data dir other than this process, if any. A stale
    /// pid file (process gone, or the pid reused by something that is not promfleet) is ignored.
    public func runningController() -> pid_t? {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0,
              pid != getpid(), ChildProcess.isAlive(pid) else { return nil }
        if let cmdline = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")) {
            let args = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard args.contains("up"), args.first.map({ $0.hasSuffix("promfleet") || $0.contains("promfleet") }) ?? false
            else { return nil }
        }
        return pid
    }

    public func writePid() throws {
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        try Data("\(getpid())\n".utf8).write(to: URL(fileURLWithPath: pidFile), options: .atomic)
    }

    /// Removes the pid file if it is still ours.
    public func removePid() {
        if let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
           pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) == getpid() {
            try? FileManager.default.removeItem(atPath: pidFile)
        }
    }

    public struct Request: Sendable, Equatable {
        public var id: String
        public var topologyPath: String

        public init(id: String, topologyPath: String) {
            self.id = id
            self.topologyPath = topologyPath
        }
    }

    public struct Reply: Sendable, Equatable {
        public var id: String
        public var ok: Bool
        public var text: String

        public init(id: String, ok: Bool, text: String) {
            self.id = id
            self.ok = ok
            self.text = text
        }
    }

    public func writeRequest(_ r: Request) throws {
        try Data("\(r.id)\n\(r.topologyPath)\n".utf8).write(to: URL(fileURLWithPath: requestFile), options: .atomic)
    }

    public func readRequest() -> Request? {
        guard let text = try? String(contentsOfFile: requestFile, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 2, !lines[0].isEmpty, !lines[1].isEmpty else { return nil }
        return Request(id: String(lines[0]), topologyPath: String(lines[1]))
    }

    public func writeReply(_ r: Reply) throws {
        try Data("\(r.id)\n\(r.ok ? "ok" : "error")\n\(r.text)".utf8)
            .write(to: URL(fileURLWithPath: replyFile), options: .atomic)
    }

    public func readReply() -> Reply? {
        guard let text = try? String(contentsOfFile: replyFile, encoding: .utf8) else { return nil }
        let parts = text.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2 else { return nil }
        return Reply(id: String(parts[0]), ok: parts[1] == "ok", text: parts.count > 2 ? String(parts[2]) : "")
    }

    /// Hands `topologyPath` to the running controller `pid` (request file + SIGHUP) and waits up
    /// to `timeout` for its reply.
    public func handOver(topologyPath: String, to pid: pid_t, timeout: TimeInterval = 30) throws -> Reply? {
        let id = UUID().uuidString
        try writeRequest(Request(id: id, topologyPath: topologyPath))
        guard kill(pid, SIGHUP) == 0 else { return nil }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let reply = readReply(), reply.id == id { return reply }
            usleep(100_000)
        }
        return nil
    }
}
