import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ProcessSpec {
    /// `<member dir>/member.pid`: the pid of the process the controller last started for it.
    public var pidFile: String { directory + "/member.pid" }
}

extension FleetController {
    /// Members left running by a controller that died without stopping them (SIGKILL, crash)
    /// hold their ports; stop them before starting the fleet. A process counts as such a member
    /// only when its pid file names it and its command line is that member's (same arguments).
    func stopStaleMembers() {
        var stale: [(String, pid_t)] = []
        for p in plan.processes {
            guard let text = try? String(contentsOfFile: p.pidFile, encoding: .utf8),
                  let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0,
                  ChildProcess.isAlive(pid),
                  let cmdline = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")) else { continue }
            let args = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard Array(args.dropFirst()) == p.arguments else { continue }
            options.output("note: stopping \(p.name) (pid \(pid)) left running by an earlier controller")
            ChildProcess.signal(pid, SIGTERM)
            stale.append((p.name, pid))
        }
        let deadline = Date().addingTimeInterval(Double(options.stopGraceMs) / 1000)
        while Date() < deadline && stale.contains(where: { ChildProcess.isAlive($0.1) }) { usleep(100_000) }
        for (name, pid) in stale where ChildProcess.isAlive(pid) {
            options.output("note: \(name) (pid \(pid)) ignored SIGTERM; SIGKILL")
            ChildProcess.signal(pid, SIGKILL)
        }
    }

    func writeMemberPid(_ spec: ProcessSpec, _ pid: pid_t) {
        try? Data("\(pid)\n".utf8).write(to: URL(fileURLWithPath: spec.pidFile), options: .atomic)
    }
}
