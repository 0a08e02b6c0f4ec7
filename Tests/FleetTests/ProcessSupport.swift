import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Helpers for tests that run `promfleet up` as a child process.

/// The built executable under test.
let builtPromfleet = repoRoot.appendingPathComponent(".build/debug/promfleet").path

func until(_ seconds: Double, _ condition: () throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if (try? condition()) == true { return }
        try await Task.sleep(for: .milliseconds(250))
    }
}

/// Pids whose parent is `parent` (from /proc).
func childPids(of parent: pid_t) -> Set<pid_t> {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    var out: Set<pid_t> = []
    for e in entries {
        guard let pid = pid_t(e), let stat = try? String(contentsOfFile: "/proc/\(e)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { continue }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        if fields.count > 2, pid_t(fields[1]) == parent, fields[0] != "Z" { out.insert(pid) }
    }
    return out
}

func pidInTable(_ output: String, member: String) -> pid_t? {
    for line in output.split(separator: "\n") where line.hasPrefix(member + " ") {
        if let last = line.split(separator: " ").last, let pid = pid_t(last) { return pid }
    }
    return nil
}

/// The first port of `count` consecutive free loopback ports.
func freePortRange(_ count: Int) throws -> Int {
    for _ in 0..<50 {
        // Below the ephemeral range (32768…), where outgoing connections could take a port meanwhile.
        let base = Int.random(in: 20000...(32000 - count))
        if (0..<count).allSatisfy({ portIsFree(base + $0) }) { return base }
    }
    throw POSIXError(.EADDRINUSE)
}

func portIsFree(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = UInt16(port).bigEndian
    return withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}
