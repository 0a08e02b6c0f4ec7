import Foundation
import Logging
import MetricModel
import Scrape
import Synchronization
import TSDB

/// What one shard's pulls need from federator.yml.
struct PullSettings: Sendable {
    var source: ShardSource
    var federateURLs: [String]
    var intervalMs: Int64
    var timeoutMs: Int64
    var bodySizeLimit: Int
    var replicaLabel: String
    var compression: Bool
    var returnAfter: Int

    init(source: ShardSource, config c: FederatorConfig) {
        self.source = source
        let query = c.match.map { "match%5B%5D=" + FailoverPolicy.escape($0) }.joined(separator: "&")
        federateURLs = source.replicas.map { $0.url + "/federate?" + query }
        intervalMs = c.scrapeIntervalMs
        timeoutMs = min(c.scrapeTimeoutMs, c.scrapeIntervalMs)
        bodySizeLimit = c.bodySizeLimit
        replicaLabel = c.replicaLabel
        compression = c.compression
        returnAfter = c.returnAfter
    }

    /// The shard target's labels: job, instance, shard (added to series that lack them).
    var targetLabels: Labels { Labels(["job": source.jobName, "instance": "shard-\(source.shard)", "shard": source.shard]) }
}

/// Health of a shard as /api/v1/targets shows it.
struct ShardHealth: Sendable {
    var health = "unknown"
    var lastError = ""
    var lastScrape: Timestamp?
    var lastScrapeDuration = 0.0
    var lastSamples = 0
}

/// Carries one attempt's streaming state into the body-reading child task. Only that task
/// touches it while the pull waits for it, hence `@unchecked Sendable`.
final class PullSink: @unchecked Sendable {
    var lines: LineAssembler
    let body: BodyAppender
    init(limit: Int, body: BodyAppender) {
        lines = LineAssembler(limit: limit)
        self.body = body
    }

    func feed(_ part: UnsafeRawBufferPointer) throws {
        try lines.feed(part) { chunk, first in try body.consume(chunk, firstLine: first) }
    }

    func finish() throws {
        try lines.finish { chunk, first in try body.consume(chunk, firstLine: first) }
        body.counts.bytes = lines.bytes
    }
}

/// One shard's pulls: each pull streams /federate from one replica into one appender, failing
/// over to the next replica of the shard (connection error, non-2xx, timeout, body limit,
/// truncated or unparsable body) within the pull's timeout. A failed attempt's appender is rolled
/// back before the next replica is tried, so a pull commits the samples of exactly one replica.
/// Pulls of one shard never overlap (the shard's loop awaits each), which is what makes the
/// cache and sink single-owner.
final class ShardPuller: @unchecked Sendable {
    let storage: any Appendable
    let client: FederateClient
    let logger: Logger
    let settingsBox: Mutex<PullSettings>
    let selector: Mutex<SourceSelector>
    /// Pulls per replica: (success, failure).
    let pulls: Mutex<[(Int, Int)]>
    let healthBox = Mutex(ShardHealth())
    let bytesTotal = Atomic<Int>(0)
    /// Touched only by the shard's own loop (see the class comment).
    let cache = ScrapeCache()
    var reportRefs: [SeriesRef?] = Array(repeating: nil, count: 5)
    /// Peak carry of the last pull's line assembler (bytes): the streaming memory bound.
    let lastPeakCarry = Atomic<Int>(0)

    init(settings: PullSettings, storage: any Appendable, client: FederateClient, logger: Logger) {
        settingsBox = Mutex(settings)
        selector = Mutex(SourceSelector(count: settings.source.replicas.count, returnAfter: settings.returnAfter))
        pulls = Mutex(Array(repeating: (0, 0), count: settings.source.replicas.count))
        self.storage = storage
        self.client = client
        self.logger = logger
    }

    var settings: PullSettings { settingsBox.withLock { $0 } }
    var health: ShardHealth { healthBox.withLock { $0 } }

    /// New settings (reload). A changed replica list starts the selector and counters afresh.
    func update(_ s: PullSettings) {
        let old = settingsBox.withLock { st in defer { st = s }; return st }
        if old.source.replicas != s.source.replicas || old.returnAfter != s.returnAfter {
            selector.withLock { $0 = SourceSelector(count: s.source.replicas.count, returnAfter: s.returnAfter) }
            pulls.withLock { $0 = Array(repeating: (0, 0), count: s.source.replicas.count) }
        }
    }

    /// The federate URL the last successful pull came from (the preferred one before any).
    var sourceURL: String {
        let s = settings
        let sel = selector.withLock { $0 }
        let i = sel.lastSource ?? sel.current
        return i < s.federateURLs.count ? s.federateURLs[i] : ""
    }

    /// One pull at `start` (ms): tries replicas in the selector's order until one succeeds.
    func pull(at start: Timestamp, clock: any ScrapeClock = SystemScrapeClock()) async {
        let s = settings
        let begin = clock.now()
        let deadline = begin + s.timeoutMs
        let candidates = selector.withLock { $0.order() }
        var errors: [String] = []
        var result: PullCounts?
        for (k, i) in candidates.enumerated() where i < s.source.replicas.count {
            let remaining = deadline - clock.now()
            let name = s.source.replicas[i].name
            if remaining <= 0 { errors.append("\(name): context deadline exceeded"); break }
            // An attempt may use all that is left while its body keeps arriving; one that is not the
            // last fails after an equal share of what is left without data (a stalled replica),
            // keeping time for the others. A refused connection fails at once.
            let idle = remaining / Int64(candidates.count - k)
            do {
                result = try await attempt(replica: i, settings: s, at: start, began: begin, timeoutMs: remaining, idleMs: idle, clock: clock)
                selector.withLock { $0.succeeded(i) }
                pulls.withLock { $0[i].0 += 1 }
                break
            } catch {
                selector.withLock { $0.failed(i) }
                pulls.withLock { $0[i].1 += 1 }
                errors.append("\(name): \(error)")
                logger.warning("federate pull failed", metadata: ["shard": "\(s.source.shard)", "replica": "\(name)", "err": "\(error)"])
            }
        }
        let duration = Double(clock.now() - begin) / 1000
        let err: String? = result == nil
            ? "every replica of shard \(s.source.shard) failed: " + errors.joined(separator: "; ") : nil
        report(at: start, settings: s, error: err, duration: duration)
        healthBox.withLock {
            $0.health = err == nil ? "up" : "down"
            $0.lastError = err ?? ""
            $0.lastScrape = start
            $0.lastScrapeDuration = duration
            $0.lastSamples = result?.total ?? 0
        }
    }

    /// One replica: stream, parse and append into a fresh appender; commit on a complete body,
    /// roll back on any error (nothing of the attempt stays visible).
    func attempt(replica i: Int, settings s: PullSettings, at start: Timestamp, began: Timestamp, timeoutMs: Int64, idleMs: Int64, clock: any ScrapeClock) async throws(PullError) -> PullCounts {
        let app = storage.appender()
        let firstNew = cache.count
        let body = BodyAppender(cache: cache, app: app, at: start, target: s.targetLabels, dropLabel: s.replicaLabel)
        let sink = PullSink(limit: s.bodySizeLimit, body: body)
        do {
            try await client.stream(url: s.federateURLs[i], timeoutMs: timeoutMs, idleMs: idleMs, compression: s.compression) { try sink.feed($0) }
            try sink.finish()
        } catch {
            app.rollback()
            cache.forgetRefs(since: firstNew)
            lastPeakCarry.store(sink.lines.peakCarry, ordering: .relaxed)
            _ = bytesTotal.wrappingAdd(sink.lines.bytes, ordering: .relaxed)
            throw (error as? PullError) ?? PullError("\(error)")
        }
        body.markVanished()
        let duration = Double(clock.now() - began) / 1000
        appendReport(app, at: start, settings: s, values: [1, duration, Double(body.counts.total), Double(body.counts.added), Double(body.counts.seriesAdded)])
        do { try app.commit() } catch {
            cache.forgetRefs(since: firstNew)
            throw PullError("commit failed: \(error)")
        }
        cache.prevAppended = body.timestampless
        cache.prune()
        lastPeakCarry.store(sink.lines.peakCarry, ordering: .relaxed)
        _ = bytesTotal.wrappingAdd(sink.lines.bytes, ordering: .relaxed)
        return body.counts
    }

    static let reportNames = ["up", "scrape_duration_seconds", "scrape_samples_scraped",
                              "scrape_samples_post_metric_relabeling", "scrape_series_added"]

    func appendReport(_ app: any Appender, at t: Timestamp, settings s: PullSettings, values: [Double]) {
        let labels = s.targetLabels
        for (k, name) in Self.reportNames.enumerated() {
            reportRefs[k] = try? app.append(ref: reportRefs[k], labels: labels.setting(LabelName.metricName, name), t: t, v: values[k])
        }
    }

    /// A failed pull: up=0, and staleness markers for the timestamp-less series of the last good
    /// pull (a good pull committed its report with its samples).
    func report(at t: Timestamp, settings s: PullSettings, error: String?, duration: Double) {
        guard error != nil else { return }
        let app = storage.appender()
        for i in cache.prevAppended {
            _ = try? app.append(ref: cache[i].ref, labels: cache[i].labels, t: t, v: StaleNaN.value)
        }
        cache.prevAppended.removeAll()
        appendReport(app, at: t, settings: s, values: [0, duration, 0, 0, 0])
        do { try app.commit() } catch {
            logger.warning("commit of pull report failed", metadata: ["shard": "\(s.source.shard)", "err": "\(error)"])
        }
    }

    /// Staleness markers for the shard's report series and timestamp-less series (shard removed).
    func endOfRun(at t: Timestamp) {
        let s = settings
        let app = storage.appender()
        for i in cache.prevAppended {
            _ = try? app.append(ref: cache[i].ref, labels: cache[i].labels, t: t, v: StaleNaN.value)
        }
        for (k, name) in Self.reportNames.enumerated() {
            _ = try? app.append(ref: reportRefs[k], labels: s.targetLabels.setting(LabelName.metricName, name), t: t, v: StaleNaN.value)
        }
        try? app.commit()
    }
}
