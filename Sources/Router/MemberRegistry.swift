import Foundation
import Synchronization

/// Live health and statistics of every member (thread-safe; one Mutex, held only for
/// microseconds). Built from a `RouterConfig`; `update(config:)` keeps the state of members
/// that remain.
public final class MemberRegistry: Sendable {
    public struct Transition: Sendable, Equatable {
        public var member: String
        public var from: MemberHealth.State
        public var to: MemberHealth.State
        public var atMs: Int64
        public var reason: String?
    }

    struct Entry {
        var group: String
        var config: MemberConfig
        var health: MemberHealth
        var sinceMs: Int64
        var transitions: [String: Int] = [:]   // "from->to" → count
        var stats = MemberStats()
    }

    struct State {
        var entries: [String: Entry] = [:]
        var recent: [Transition] = []
    }

    private let lock = Mutex(State())
    let failuresToDown: Int
    let successesToUp: Int

    public init(config: RouterConfig) {
        failuresToDown = config.failuresToDown
        successesToUp = config.successesToUp
        update(config: config)
    }

    /// Adds new members (as up), drops removed ones, keeps the rest.
    public func update(config: RouterConfig) {
        let now = nowMs()
        lock.withLock { s in
            var next: [String: Entry] = [:]
            for (g, m) in config.allMembers {
                if var e = s.entries[m.name] {
                    e.group = g.name
                    e.config = m
                    next[m.name] = e
                } else {
                    next[m.name] = Entry(group: g.name, config: m,
                                         health: MemberHealth(failuresToDown: failuresToDown, successesToUp: successesToUp),
                                         sinceMs: now)
                }
            }
            s.entries = next
        }
    }

    /// Records a success or failure; returns the transition, if any.
    @discardableResult
    public func record(_ member: String, ok: Bool, source: MemberHealth.Source, reason: String = "") -> MemberHealth.Action {
        let now = nowMs()
        return lock.withLock { s in
            guard var e = s.entries[member] else { return .none }
            let action = ok ? e.health.success(source) : e.health.failure(source, reason: reason)
            if case let .transition(from, to) = action {
                e.sinceMs = now
                e.transitions["\(from.rawValue)->\(to.rawValue)", default: 0] += 1
                s.recent.append(Transition(member: member, from: from, to: to, atMs: now, reason: ok ? nil : reason))
                if s.recent.count > 100 { s.recent.removeFirst(s.recent.count - 100) }
            }
            s.entries[member] = e
            return action
        }
    }

    /// Request statistics for /metrics.
    public func observe(_ member: String, seconds: Double, outcome: RequestOutcome) {
        lock.withLock { s in
            s.entries[member]?.stats.observe(seconds: seconds, outcome: outcome)
        }
    }

    public func state(of member: String) -> MemberHealth.State? {
        lock.withLock { $0.entries[member]?.health.state }
    }

    /// Routable members of `members`, in the given order, up ones before suspect ones.
    public func routable(_ members: [MemberConfig]) -> [MemberConfig] {
        let states = lock.withLock { s in members.map { s.entries[$0.name]?.health.state ?? .down } }
        var up: [MemberConfig] = [], suspect: [MemberConfig] = []
        for (m, st) in zip(members, states) {
            if st == .up { up.append(m) } else if st == .suspect { suspect.append(m) }
        }
        return up + suspect
    }

    struct MemberView {
        var group: String
        var config: MemberConfig
        var health: MemberHealth
        var sinceMs: Int64
        var transitions: [String: Int]
        var stats: MemberStats
    }

    func view() -> (members: [MemberView], recent: [Transition]) {
        lock.withLock { s in
            (s.entries.values.sorted { ($0.group, $0.config.name) < ($1.group, $1.config.name) }.map {
                MemberView(group: $0.group, config: $0.config, health: $0.health, sinceMs: $0.sinceMs,
                           transitions: $0.transitions, stats: $0.stats)
            }, s.recent)
        }
    }
}

/// How a proxied request ended, for the per-member request counter.
public enum RequestOutcome: String, Sendable, CaseIterable {
    case success, clientError = "client_error", serverError = "server_error", connectionError = "connection_error", timeout
}

/// Per-member request counters and a latency histogram (Prometheus's default buckets).
struct MemberStats {
    static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    var requests: [RequestOutcome: Int] = [:]
    var bucketCounts = [Int](repeating: 0, count: MemberStats.buckets.count)
    var count = 0
    var sum = 0.0

    mutating func observe(seconds: Double, outcome: RequestOutcome) {
        requests[outcome, default: 0] += 1
        count += 1
        sum += seconds
        for (i, b) in Self.buckets.enumerated() where seconds <= b { bucketCounts[i] += 1 }
    }
}

func nowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
