import Foundation
import Logging
import MetricModel
import Scrape
import ServiceLifecycle
import Synchronization
import TSDB

enum FailoverPolicy {
    /// Percent-encoding of a `match[]` value for the query string.
    static func escape(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}

/// Keeps one pull loop per shard of federator.yml. `apply` swaps in a new config without a
/// restart: shards kept (same job_name) take the new settings at their next pull without losing
/// their cache, removed shards stop (staleness markers for their report series at what would
/// have been the next pull), new shards start. `run()` owns every loop as a child of one task
/// group and ends on graceful shutdown (no staleness markers, as Prometheus on shutdown).
public final class PullManager: Service, Sendable {
    let storage: any Appendable
    let client: FederateClient
    let clock: any ScrapeClock
    let logger: Logger
    private let state = Mutex<(loops: [String: ShardPuller], order: [String], stops: [String: StopFlag])>(([:], [], [:]))
    private let starts: AsyncStream<(ShardPuller, StopFlag)>
    private let startsContinuation: AsyncStream<(ShardPuller, StopFlag)>.Continuation

    final class StopFlag: Sendable {
        let flag = Atomic<Bool>(false)
    }

    public init(storage: any Appendable, client: FederateClient, clock: any ScrapeClock = SystemScrapeClock(), logger: Logger) {
        self.storage = storage
        self.client = client
        self.clock = clock
        self.logger = logger
        (starts, startsContinuation) = AsyncStream.makeStream()
    }

    /// Replaces the set of shards and their settings.
    public func apply(_ c: FederatorConfig) {
        var toStart: [(ShardPuller, StopFlag)] = []
        state.withLock { st in
            var loops: [String: ShardPuller] = [:]
            var stops: [String: StopFlag] = [:]
            for src in c.sources {
                let s = PullSettings(source: src, config: c)
                if let p = st.loops[src.jobName], let f = st.stops[src.jobName] {
                    p.update(s)
                    loops[src.jobName] = p
                    stops[src.jobName] = f
                } else {
                    let p = ShardPuller(settings: s, storage: storage, client: client, logger: logger)
                    let f = StopFlag()
                    loops[src.jobName] = p
                    stops[src.jobName] = f
                    toStart.append((p, f))
                }
            }
            for (job, f) in st.stops where loops[job] == nil { f.flag.store(true, ordering: .releasing) }
            st.loops = loops
            st.stops = stops
            st.order = c.sources.map(\.jobName)
        }
        for l in toStart { startsContinuation.yield(l) }
    }

    /// The shards' pullers in config order.
    var pullers: [ShardPuller] {
        state.withLock { st in st.order.compactMap { st.loops[$0] } }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for await (puller, stop) in self.starts {
                    group.addTask { await self.loop(puller, stop: stop) }
                }
                group.cancelAll()
            }
        }
        await client.shutdown()
    }

    /// Pulls every interval at the shard's fixed phase (hash of its labels and preferred URL, as
    /// a Prometheus scrape loop's offset), until stopped or cancelled.
    func loop(_ puller: ShardPuller, stop: StopFlag) async {
        let s0 = puller.settings
        let hash = s0.targetLabels.stableHash ^ XXH64.hash(s0.federateURLs.first ?? "")
        var next = ScrapeLoop.firstScrapeTime(now: clock.now(), interval: s0.intervalMs, hash: hash)
        while true {
            do { try await clock.sleep(until: next) } catch { return }
            if stop.flag.load(ordering: .acquiring) {
                puller.endOfRun(at: next)
                return
            }
            await puller.pull(at: clock.now(), clock: clock)
            let interval = puller.settings.intervalMs
            next += interval
            let now = clock.now()
            if next <= now { next += ((now - next) / interval + 1) * interval }
        }
    }
}
