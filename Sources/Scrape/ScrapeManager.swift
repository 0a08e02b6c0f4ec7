import Exposition
import Logging
import MetricModel
import ServiceLifecycle
import Synchronization
import TSDB

/// Keeps one `ScrapeLoop` per target (Prometheus's scrape manager + pools). `apply` swaps in a
/// new set of pools: loops of removed targets stop (writing staleness markers at their next
/// tick), kept targets take the new settings without losing their cache, new ones start.
/// `run()` owns every loop as a child of one task group; it ends on graceful shutdown or
/// cancellation, which ends the loops without staleness markers (as Prometheus on shutdown).
public final class ScrapeManager: Service, Sendable {
    struct Entry {
        var pool: String
        var loop: ScrapeLoop
    }
    struct State {
        var loops: [UInt64: Entry] = [:]
        var dropped: [String: [Labels]] = [:]
        var poolOrder: [String] = []
    }

    let storage: any Appendable
    let fetcher: any ScrapeFetcher
    let clock: any ScrapeClock
    public let stats: ScrapeStats
    let logger: Logger
    private let state = Mutex(State())
    private let starts: AsyncStream<ScrapeLoop>
    private let startsContinuation: AsyncStream<ScrapeLoop>.Continuation

    public init(storage: any Appendable, fetcher: any ScrapeFetcher, clock: any ScrapeClock = SystemScrapeClock(),
                stats: ScrapeStats = ScrapeStats(), logger: Logger) {
        self.storage = storage
        self.fetcher = fetcher
        self.clock = clock
        self.stats = stats
        self.logger = logger
        (starts, startsContinuation) = AsyncStream.makeStream()
    }

    /// A loop's identity: pool and target (labels + URL).
    static func key(pool: String, target: ScrapeTarget) -> UInt64 { target.hash ^ XXH64.hash(pool) &* 31 }

    /// Replaces the set of pools and targets.
    public func apply(_ pools: [ScrapePool]) {
        var toStart: [ScrapeLoop] = []
        state.withLock { st in
            var next: [UInt64: Entry] = [:]
            st.dropped = [:]
            st.poolOrder = pools.map(\.settings.jobName)
            for p in pools {
                st.dropped[p.settings.jobName] = p.dropped
                let limit = p.settings.targetLimit
                let forced = limit > 0 && p.targets.count > limit
                    ? "target_limit exceeded (number of targets: \(p.targets.count), limit: \(limit))" : nil
                for var t in p.targets {
                    t.settings.forcedError = forced
                    let k = Self.key(pool: p.settings.jobName, target: t)
                    if next[k] != nil { continue }
                    if let e = st.loops[k] {
                        e.loop.update(t)
                        next[k] = e
                    } else {
                        let loop = ScrapeLoop(target: t, storage: storage, fetcher: fetcher, clock: clock, stats: stats, logger: logger)
                        next[k] = Entry(pool: p.settings.jobName, loop: loop)
                        toStart.append(loop)
                    }
                }
            }
            for (k, e) in st.loops where next[k] == nil { e.loop.stop() }
            st.loops = next
        }
        for l in toStart { startsContinuation.yield(l) }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for await loop in self.starts {
                    group.addTask { await loop.run() }
                }
                group.cancelAll()
            }
        }
    }

    /// Active targets: (pool, target, health), pools in config order, targets by labels.
    public func activeTargets() -> [(String, ScrapeTarget, TargetHealth)] {
        let (entries, order) = state.withLock { (Array($0.loops.values), $0.poolOrder) }
        let rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return entries.map { ($0.pool, $0.loop.target, $0.loop.health) }.sorted { a, b in
            if a.0 != b.0 { return (rank[a.0] ?? 0) < (rank[b.0] ?? 0) }
            return a.1.labels < b.1.labels
        }
    }

    /// The configured scrape pools (job names) in config order.
    public var poolNames: [String] { state.withLock { $0.poolOrder } }

    /// Each active target's labels and metric metadata, in `activeTargets()` order.
    public func targetMetadata() -> [(Labels, [MetricMetadata])] {
        let entries = state.withLock { Array($0.loops.values) }
        return entries.map { ($0.loop.target.labels, $0.loop.metadata) }.sorted { $0.0 < $1.0 }
    }

    /// Discovered labels of dropped targets, by pool.
    public func droppedTargets() -> [(String, Labels)] {
        state.withLock { st in st.poolOrder.flatMap { p in (st.dropped[p] ?? []).map { (p, $0) } } }
    }

    /// Number of targets per pool (prometheus_sd_discovered_targets approximation).
    public func targetCounts() -> [String: Int] {
        state.withLock { st in
            var d: [String: Int] = [:]
            for p in st.poolOrder { d[p] = (st.dropped[p]?.count ?? 0) }
            for e in st.loops.values { d[e.pool, default: 0] += 1 }
            return d
        }
    }
}
