import Catalog
import MetricModel

/// Restart back-off: 1 s, 2 s, 4 s … capped at 30 s; the failure count resets after a member
/// stayed healthy for 60 s.
public struct BackoffPolicy: Sendable, Equatable {
    public var initialMs: Int64
    public var maxMs: Int64
    /// How long a member must stay up (ready) before its failure count is forgotten.
    public var resetAfterMs: Int64

    public init(initialMs: Int64 = 1000, maxMs: Int64 = 30_000, resetAfterMs: Int64 = 60_000) {
        self.initialMs = initialMs
        self.maxMs = maxMs
        self.resetAfterMs = resetAfterMs
    }

    /// Delay before restart number `failures` (1 = first failure).
    public func delay(failures: Int) -> Int64 {
        guard failures > 1 else { return initialMs }
        let shift = min(failures - 1, 30)
        let (d, overflow) = initialMs.multipliedReportingOverflow(by: Int64(1) << Int64(shift))
        return overflow ? maxMs : min(d, maxMs)
    }
}

/// What the I/O shell must do for one member; returned by `MemberSupervisor`'s methods.
public enum SupervisorAction: Sendable, Equatable {
    /// Start the member's process.
    case spawn
    /// Ask the process to stop (SIGTERM).
    case terminate
    /// Kill the process (SIGKILL): it did not stop within the grace period.
    case kill
    /// Record the member's state in the catalog (a change to up/down records member_up/member_down).
    case setState(MemberState, detail: String)
    /// Record an event that is not a state change (`member_restarted`).
    case event(EventKind, detail: String)
}

/// The supervision of one member as a pure state machine (no I/O, time passed in):
///
///     idle ──start──▶ starting ──ready──▶ up ──not ready ×N──▶ unready ──ready──▶ up
///                        │                 │                      │
///                        └──────exit───────┴─────────exit─────────┘
///                                          ▼
///                                       backoff ──delay elapsed (tick)──▶ starting (member_restarted)
///     any running phase ──stop──▶ stopping ──exit──▶ stopped   (SIGKILL after the grace period)
///
/// A crash records `down`; the restart delay follows `BackoffPolicy`. Readiness (/-/ready)
/// decides `up`: `starting` becomes `up` on the first successful probe.
public struct MemberSupervisor: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        case idle
        case starting(since: Timestamp)
        case up(since: Timestamp)
        /// Running but failing readiness probes.
        case unready(since: Timestamp)
        /// Exited unexpectedly; restart at `until`.
        case backoff(until: Timestamp)
        /// Asked to stop; SIGKILL at `deadline`.
        case stopping(deadline: Timestamp)
        case stopped
    }

    public let name: String
    public private(set) var phase: Phase = .idle
    /// Consecutive failures since the member was last healthy for `policy.resetAfterMs`.
    public private(set) var failures = 0
    /// Total restarts after crashes.
    public private(set) var restarts = 0
    public var policy: BackoffPolicy
    /// Consecutive failed probes that turn `up` into `unready`.
    public var unreadyAfter: Int
    /// Grace period between SIGTERM and SIGKILL.
    public var stopGraceMs: Int64
    private var failedProbes = 0
    /// Start again as soon as the current process has stopped (a restart with new arguments).
    private var restartWhenStopped = false

    public init(name: String, policy: BackoffPolicy = BackoffPolicy(), unreadyAfter: Int = 3,
                stopGraceMs: Int64 = 10_000) {
        self.name = name
        self.policy = policy
        self.unreadyAfter = unreadyAfter
        self.stopGraceMs = stopGraceMs
    }

    /// Whether a process is (supposed to be) running.
    public var isRunning: Bool {
        switch phase {
        case .starting, .up, .unready, .stopping: true
        case .idle, .backoff, .stopped: false
        }
    }

    public var isStopped: Bool { phase == .stopped }

    /// Start the member (from idle or stopped).
    public mutating func start(now: Timestamp) -> [SupervisorAction] {
        switch phase {
        case .idle, .stopped:
            phase = .starting(since: now)
            failedProbes = 0
            return [.spawn, .setState(.starting, detail: "")]
        default:
            return []
        }
    }

    /// The process could not be started at all (exec failed): treated as a crash.
    public mutating func spawnFailed(_ reason: String, now: Timestamp) -> [SupervisorAction] {
        processExited(reason, now: now)
    }

    /// The process exited with `reason` (e.g. `exit status 1`, `signal 9`).
    public mutating func processExited(_ reason: String, now: Timestamp) -> [SupervisorAction] {
        switch phase {
        case .stopping:
            if restartWhenStopped {
                restartWhenStopped = false
                phase = .starting(since: now)
                failedProbes = 0
                return [.spawn, .setState(.starting, detail: "restarted with a new configuration")]
            }
            phase = .stopped
            return [.setState(.stopped, detail: reason)]
        case .starting, .up, .unready:
            failures += 1
            let delay = policy.delay(failures: failures)
            phase = .backoff(until: now + delay)
            return [.setState(.down, detail: "\(reason); restarting in \(Self.seconds(delay))")]
        case .idle, .backoff, .stopped:
            return []
        }
    }

    /// A readiness probe answered (`ok`) or failed.
    public mutating func probed(ok: Bool, now: Timestamp, detail: String = "") -> [SupervisorAction] {
        switch phase {
        case .starting(let since):
            guard ok else { return [] }
            phase = .up(since: now)
            failedProbes = 0
            return [.setState(.up, detail: "ready after \(Self.seconds(now - since))")]
        case .up:
            guard !ok else {
                failedProbes = 0
                return []
            }
            failedProbes += 1
            guard failedProbes >= unreadyAfter else { return [] }
            phase = .unready(since: now)
            return [.setState(.down, detail: "not ready: " + (detail.isEmpty ? "\(failedProbes) probes failed" : detail))]
        case .unready:
            guard ok else { return [] }
            phase = .up(since: now)
            failedProbes = 0
            return [.setState(.up, detail: "ready again")]
        case .idle, .backoff, .stopping, .stopped:
            return []
        }
    }

    /// Time passes: restarts after back-off, forgets failures after a healthy minute, kills a
    /// process that ignored SIGTERM.
    public mutating func tick(now: Timestamp) -> [SupervisorAction] {
        switch phase {
        case .backoff(let until) where now >= until:
            restarts += 1
            phase = .starting(since: now)
            failedProbes = 0
            return [.spawn, .event(.memberRestarted, detail: "restart \(restarts) after \(failures) failure(s)"),
                    .setState(.starting, detail: "")]
        case .up(let since) where failures > 0 && now - since >= policy.resetAfterMs:
            failures = 0
            return []
        case .stopping(let deadline) where now >= deadline:
            phase = .stopping(deadline: .max)
            return [.kill]
        default:
            return []
        }
    }

    /// Stop the member: SIGTERM now, SIGKILL after the grace period. A member waiting in
    /// back-off (or never started) is stopped at once.
    public mutating func stop(now: Timestamp) -> [SupervisorAction] {
        restartWhenStopped = false
        switch phase {
        case .starting, .up, .unready:
            phase = .stopping(deadline: now + stopGraceMs)
            return [.terminate]
        case .backoff, .idle:
            phase = .stopped
            return [.setState(.stopped, detail: "")]
        case .stopping, .stopped:
            return []
        }
    }

    /// Restart with a new command line (e.g. a changed listen address): stop the running process
    /// and start again once it exited; a member not running starts at once.
    public mutating func restart(now: Timestamp) -> [SupervisorAction] {
        switch phase {
        case .starting, .up, .unready:
            let actions = stop(now: now)
            restartWhenStopped = true
            return actions
        case .stopping:
            restartWhenStopped = true
            return []
        case .backoff:
            phase = .stopped
            return start(now: now)
        case .idle, .stopped:
            return start(now: now)
        }
    }

    static func seconds(_ ms: Int64) -> String {
        ms % 1000 == 0 ? "\(ms / 1000)s" : String(Double(ms) / 1000) + "s"
    }
}
