import Logging
import MetricModel
import ServiceLifecycle
import Synchronization

/// Runs the loaded rule groups (Prometheus rules.Manager) as a Service: one evaluation loop per
/// group in a task group. `update(_:)` swaps in a new set of groups (a reload): groups that keep
/// their name and file take over the old one's state (alerts, previous series); groups that went
/// away write stale markers for their output. Thread-safe.
public final class RuleManager: Service, Sendable {
    private let ctx: Mutex<EvalContext>
    var context: EvalContext { ctx.withLock { $0 } }
    let clock: any RuleClock
    private let state = Mutex<(generation: Int, groups: [RuleGroup])>((0, []))
    private let changes: AsyncStream<Void>
    private let changed: AsyncStream<Void>.Continuation

    let restoreAtStartup: Bool

    /// `restoreAtStartup`: Prometheus's behaviour for the first load (see `update`).
    public init(context: EvalContext, clock: any RuleClock = SystemRuleClock(), restoreAtStartup: Bool = true) {
        self.restoreAtStartup = restoreAtStartup
        self.ctx = Mutex(context)
        self.clock = clock
        (changes, changed) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// The running groups, in file and file order.
    public var groups: [RuleGroup] { state.withLock { $0.groups } }

    /// Replaces the groups (already loaded and validated by `RuleLoader`); new external labels
    /// apply to the new groups' evaluations.
    public func update(_ newGroups: [RuleGroup], externalLabels: Labels? = nil) {
        if let externalLabels { ctx.withLock { $0.externalLabels = externalLabels } }
        let (old, first) = state.withLock { s -> ([RuleGroup], Bool) in
            let o = s.groups
            let first = s.generation == 0
            s.groups = newGroups
            s.generation += 1
            return (o, first)
        }
        // The first load (startup) restores alerts' `for` state from ALERTS_FOR_STATE once the
        // groups have evaluated twice; until then they write no ALERTS series (as Prometheus).
        if first && restoreAtStartup {
            for g in newGroups {
                g.shouldRestore.store(true, ordering: .relaxed)
                for case let r as AlertingRule in g.rules { r.setRestored(false) }
            }
        }
        for g in newGroups {
            if let o = old.first(where: { $0.name == g.name && $0.file == g.file }) { g.copyState(from: o) }
        }
        let now = clock.nowNanos() / 1_000_000
        for o in old {
            o.stop()
            if !newGroups.contains(where: { $0.name == o.name && $0.file == o.file }) { o.markStale(at: now, context: context) }
        }
        changed.yield()
    }

    /// Evaluates every group's loop until graceful shutdown; on `update` starts the new groups'
    /// loops and stops the old ones (each checks its stop flag when it wakes).
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { tg in
                var started = Set<ObjectIdentifier>()
                func startNew() {
                    for g in self.groups where started.insert(ObjectIdentifier(g)).inserted {
                        let c = self.context
                        tg.addTask { await g.run(context: c, clock: self.clock) }
                    }
                }
                startNew()
                for await _ in self.changes {
                    startNew()
                }
                tg.cancelAll()
            }
        }
    }
}
