import Exposition
import Logging
import MetricModel
import Synchronization
import TSDB

/// Health of a target as /api/v1/targets shows it.
public struct TargetHealth: Sendable {
    public var health = "unknown"
    public var lastError = ""
    public var lastScrape: Timestamp?
    public var lastScrapeDuration = 0.0
    public var lastSamples = 0
}

/// Scrapes one target every interval at a fixed phase within the interval (hash of labels and
/// URL, as Prometheus's `Target.offset`), appending each scrape as one batch plus the synthetic
/// series. `run()` returns when cancelled (no staleness markers: shutdown) or after `stop()`
/// (staleness markers for everything it had appended, at what would have been the next scrape).
public final class ScrapeLoop: Sendable {
    private let targetBox: Mutex<ScrapeTarget>
    let storage: any Appendable
    let fetcher: any ScrapeFetcher
    let clock: any ScrapeClock
    let stats: ScrapeStats
    let logger: Logger
    private let healthBox = Mutex(TargetHealth())
    private let metadataBox = Mutex<[MetricMetadata]>([])
    private let stopFlag = Atomic<Bool>(false)
    /// Cache and report refs: touched only by the loop's own task; the lock is uncontended.
    private let cacheBox = Mutex(LoopState())

    struct LoopState: ~Copyable {
        let cache = ScrapeCache()
        var appended: [Int] = []
        var reportRefs: [SeriesRef?] = Array(repeating: nil, count: 5)
        var lastStart: Timestamp?
    }

    public init(target: ScrapeTarget, storage: any Appendable, fetcher: any ScrapeFetcher,
                clock: any ScrapeClock, stats: ScrapeStats, logger: Logger) {
        targetBox = Mutex(target)
        self.storage = storage
        self.fetcher = fetcher
        self.clock = clock
        self.stats = stats
        self.logger = logger
    }

    public var target: ScrapeTarget { targetBox.withLock { $0 } }
    public var health: TargetHealth { healthBox.withLock { $0 } }
    /// The target's metric metadata from its scrapes, sorted by family name.
    public var metadata: [MetricMetadata] { metadataBox.withLock { $0 } }

    /// New settings for the same target (config reload that kept it): used from the next scrape.
    public func update(_ t: ScrapeTarget) { targetBox.withLock { $0 = t } }

    /// Asks the loop to end at its next tick, writing staleness markers.
    public func stop() { stopFlag.store(true, ordering: .releasing) }

    /// The first scrape time ≥ now with `t % interval == hash % interval`.
    public static func firstScrapeTime(now: Timestamp, interval: Int64, hash: UInt64) -> Timestamp {
        let phase = Int64(hash % UInt64(interval))
        var t = now - now % interval + phase
        if t < now { t += interval }
        return t
    }

    public func run() async {
        var next = Self.firstScrapeTime(now: clock.now(), interval: target.settings.intervalMs, hash: target.hash)
        while true {
            do { try await clock.sleep(until: next) } catch { return }
            if stopFlag.load(ordering: .acquiring) {
                endOfRunStaleness(at: next)
                return
            }
            await scrapeAndReport(at: clock.now())
            let interval = target.settings.intervalMs
            next += interval
            let now = clock.now()
            if next <= now { next += ((now - next) / interval + 1) * interval }
        }
    }

    /// One scrape: fetch, append (or fail whole), report. `start` is the sample timestamp.
    public func scrapeAndReport(at start: Timestamp) async {
        let t = target
        let interval = t.settings.intervalMs
        cacheBox.withLock { st in
            if let last = st.lastStart { stats.observeInterval(formatDuration(interval), seconds: Double(start - last) / 1000) }
            st.lastStart = start
        }
        var result: Result<ScrapeResponse, any Error>
        if let forced = t.settings.forcedError {
            result = .failure(ScrapeError(forced))
        } else {
            do { result = .success(try await fetcher.fetch(t)) } catch { result = .failure(error) }
        }
        let duration = Double(clock.now() - start) / 1000
        stats.scrapes.add()
        let (err, counts): (String?, AppendCounts) = cacheBox.withLock { st in
            var app = storage.appender()
            var counts = AppendCounts()
            var err: String?
            switch result {
            case .success(let resp):
                do throws(AppendFailure) {
                    counts = try Self.appendBody(resp.body, contentType: resp.contentType, at: start, app: app, cache: st.cache, target: t,
                                                 appended: &st.appended, stats: stats)
                    st.cache.prevAppended = st.appended
                } catch {
                    if case .sampleLimit = error { stats.exceededSampleLimit.add() }
                    if case .labelLimit = error { stats.exceededLabelLimits.add() }
                    app.rollback()
                    app = storage.appender()
                    Self.appendStaleMarkers(at: start, app: app, cache: st.cache)
                    err = error.description
                }
            case .failure(let e):
                Self.appendStaleMarkers(at: start, app: app, cache: st.cache)
                err = (e as? ScrapeError)?.message ?? "\(e)"
                if err == "body size limit exceeded" { stats.exceededBodySizeLimit.add() }
            }
            let report: [Double] = [err == nil ? 1 : 0, duration, Double(counts.total), Double(counts.added), Double(counts.seriesAdded)]
            for (i, name) in Self.reportNames.enumerated() {
                let labels = t.labels.setting(LabelName.metricName, name)
                st.reportRefs[i] = try? app.append(ref: st.reportRefs[i], labels: labels, t: start, v: report[i])
            }
            do {
                try app.commit()
                stats.samplesAppended.add(counts.added + 5)
            } catch {
                logger.warning("commit failed", metadata: ["target": "\(t.url)", "err": "\(error)"])
            }
            st.cache.prune()
            st.cache.metadata.prune(iter: st.cache.iter)
            if let snap = st.cache.metadata.snapshotIfChanged() { metadataBox.withLock { $0 = snap } }
            return (err, counts)
        }
        if err != nil { stats.failedScrapes.add() }
        healthBox.withLock {
            $0.health = err == nil ? "up" : "down"
            $0.lastError = err ?? ""
            $0.lastScrape = start
            $0.lastScrapeDuration = duration
            $0.lastSamples = counts.total
        }
    }

    static let reportNames = ["up", "scrape_duration_seconds", "scrape_samples_scraped",
                              "scrape_samples_post_metric_relabeling", "scrape_series_added"]

    /// Staleness markers for the target's series and its synthetic series (target removed).
    func endOfRunStaleness(at ts: Timestamp) {
        let t = target
        cacheBox.withLock { st in
            let app = storage.appender()
            Self.appendStaleMarkers(at: ts, app: app, cache: st.cache)
            guard st.lastStart != nil else { app.rollback(); return }
            for (i, name) in Self.reportNames.enumerated() {
                _ = try? app.append(ref: st.reportRefs[i], labels: t.labels.setting(LabelName.metricName, name), t: ts, v: StaleNaN.value)
            }
            try? app.commit()
        }
    }
}

/// Prometheus's duration formatting for whole units: "1m30s", "15s", "500ms", "1h", "2d".
public func formatDuration(_ ms: Int64) -> String {
    if ms == 0 { return "0s" }
    var out = ""
    var r = ms
    let units: [(Int64, String)] = [(7 * 86_400_000, "w"), (86_400_000, "d"), (3_600_000, "h"), (60_000, "m"), (1000, "s"), (1, "ms")]
    if r % 1000 != 0 && r < 1000 { return "\(r)ms" }
    for (u, name) in units where r >= u {
        if name == "w" && r % u != 0 { continue }
        if name == "d" && r % u != 0 { continue }
        out += "\(r / u)\(name)"
        r %= u
    }
    return out
}
