import Fleet
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// posix_spawn plumbing with /bin/sh as the child: exit codes, log appending, signals, and the
/// controller's pid/request/reply files.
struct ChildProcessTests {
    func waitExit(_ pid: pid_t, seconds: Double = 10) async throws -> ChildProcess.Exit? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let e = ChildProcess.reap(pid) { return e }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    @Test func exitStatusAndAppendedLog() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let log = dir.path("m/member.log")
        for i in 1...2 {
            let pid = try ChildProcess.spawn(executable: "/bin/sh", arguments: ["-c", "echo out \(i); echo err \(i) >&2; exit 3"],
                                             logFile: log)
            #expect(try await waitExit(pid) == .exited(3))
        }
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "out 1\nerr 1\nout 2\nerr 2\n")
    }

    @Test func sigtermReachesTheChildEvenWhenTheParentIgnoresIt() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let previous = signal(SIGTERM, SIG_IGN)
        defer { signal(SIGTERM, previous) }
        let pid = try ChildProcess.spawn(executable: "/bin/sleep", arguments: ["30"], logFile: dir.path("log"))
        try await Task.sleep(for: .milliseconds(100))
        #expect(ChildProcess.reap(pid) == nil)
        #expect(ChildProcess.isAlive(pid))
        ChildProcess.signal(pid, SIGTERM)
        #expect(try await waitExit(pid) == .signaled(SIGTERM))
        #expect(getpgid(pid) == -1, "reaped")
    }

    @Test func childRunsInItsOwnProcessGroup() async throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let pid = try ChildProcess.spawn(executable: "/bin/sleep", arguments: ["30"], logFile: dir.path("log"))
        defer { ChildProcess.signal(pid, SIGKILL); _ = ChildProcess.reap(pid) }
        #expect(getpgid(pid) == pid)
        #expect(getpgid(pid) != getpgrp())
    }

    @Test func missingExecutableFailsToSpawn() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        #expect(throws: (any Error).self) {
            _ = try ChildProcess.spawn(executable: "/nonexistent/promfleet", arguments: [], logFile: dir.path("log"))
        }
    }

    @Test func controllerFilesRoundTripAndStalePid() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let files = ControllerFiles(dataDir: dir.path("fleet"))
        #expect(files.runningController() == nil)
        try files.writePid()
        #expect(files.runningController() == nil, "this process is not another controller")
        try Data("999999999\n".utf8).write(to: URL(fileURLWithPath: files.pidFile))
        #expect(files.runningController() == nil, "dead pid")
        try files.writeRequest(.init(id: "r1", topologyPath: "/t/x.yaml"))
        #expect(files.readRequest() == .init(id: "r1", topologyPath: "/t/x.yaml"))
        try files.writeReply(.init(id: "r1", ok: false, text: "line 1\nline 2"))
        #expect(files.readReply() == .init(id: "r1", ok: false, text: "line 1\nline 2"))
    }
}
