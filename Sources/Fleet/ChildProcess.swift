import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starting, signalling and reaping member processes with `posix_spawn`.
///
/// Why not Foundation's `Process`: a member must run in its own process group (so the terminal's
/// Ctrl-C reaches only the controller, which then stops members in order, instead of racing
/// them), with default signal dispositions and an empty signal mask (the controller ignores
/// SIGINT/SIGTERM/SIGHUP to receive them through dispatch sources, and ignored signals survive
/// exec), and with stdout/stderr appended to its `member.log`. `posix_spawn` does all three.
public enum ChildProcess {
    /// How a reaped child ended.
    public enum Exit: Sendable, Equatable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)

        public var description: String {
            switch self {
            case .exited(let code): "exit status \(code)"
            case .signaled(let sig): "killed by signal \(sig)"
            }
        }
    }

    /// Starts `executable` with `arguments`, stdin from /dev/null and stdout+stderr appended to
    /// `logFile` (created with its directory). Returns the pid.
    public static func spawn(executable: String, arguments: [String], logFile: String) throws -> pid_t {
        try FileManager.default.createDirectory(atPath: (logFile as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        #if canImport(Glibc)
        var actions = posix_spawn_file_actions_t()
        var attr = posix_spawnattr_t()
        #else
        var actions: posix_spawn_file_actions_t? = nil
        var attr: posix_spawnattr_t? = nil
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logFile, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD, SIGQUIT] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setpgroup(&attr, 0)
        let flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP
        posix_spawnattr_setflags(&attr, Int16(flags))

        let argv = [executable] + arguments
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attr, &cArgs, environ)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EINVAL) }
        return pid
    }

    /// Reaps `pid` if it has exited (non-blocking); nil while it runs.
    public static func reap(_ pid: pid_t) -> Exit? {
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        guard r == pid else {
            // ECHILD: not our child (or already reaped) — report it as gone.
            if r < 0 && errno == ECHILD { return .exited(-1) }
            return nil
        }
        let low = status & 0x7f
        return low == 0 ? .exited((status >> 8) & 0xff) : .signaled(low)
    }

    public static func signal(_ pid: pid_t, _ sig: Int32) { _ = kill(pid, sig) }

    /// Whether a process with this pid exists (signal 0).
    public static func isAlive(_ pid: pid_t) -> Bool { kill(pid, 0) == 0 || errno == EPERM }

    /// The path of the running executable: /proc/self/exe, else `CommandLine.arguments[0]`
    /// made absolute (searched on PATH when it names no directory).
    public static func currentExecutable() -> String {
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return target
        }
        let arg0 = CommandLine.arguments[0]
        if arg0.hasPrefix("/") { return arg0 }
        if arg0.contains("/") { return FileManager.default.currentDirectoryPath + "/" + arg0 }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(dir)/\(arg0)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return arg0
    }
}
