import Foundation
import Logging
import MetricModel
import Synchronization
import TSDB

/// One `remote_write` endpoint (Prometheus `QueueManager`): committed samples are labeled
/// (external labels, then write_relabel_configs), hashed by series onto a fixed number of shards
/// (so each series' samples go out in order), and each shard's loop sends a batch when it holds
/// `maxSamplesPerSend` samples or `batchSendDeadline` has passed. Recoverable errors (5xx, 429,
/// connection) are retried with exponential back-off for as long as it takes; other 4xx drop the
/// batch (counted as failed). A full shard drops its oldest samples (counted as dropped).
///
/// Unlike Prometheus, the queue is fed from committed appends in memory, not by tailing the WAL:
/// what is queued when the process dies is lost, and nothing is re-sent after a restart.
public final class RemoteWriteQueue: Sendable {
    public let settings: RemoteWriteSettings
    let counters = QueueCounters()
    let shards: [ShardBuffer]
    let logger: Logger
    private let stopping = Atomic<Bool>(false)
    /// When a stopping queue gives up on what it still holds (set once by `stop()`).
    private let flushDeadlineAt = Mutex<ContinuousClock.Instant?>(nil)
    /// Series ref → labels as appended / as sent / shard. Cleared when large (refs of a TSDB are not reused).
    private let seriesCache = Mutex<[SeriesRef: CachedSeries]>([:])
    static let maxCachedSeries = 1 << 20

    public init(_ s: RemoteWriteSettings, logger: Logger) throws {
        settings = s
        // Validate TLS / proxy settings now; the HTTP client itself is made by `run()` (it must be
        // shut down, and a queue replaced by a reload before it ran never needs one).
        _ = try RemoteWriteClient.configuration(s)
        shards = (0..<max(1, s.shards)).map { _ in ShardBuffer(capacity: s.capacity) }
        var l = logger
        l[metadataKey: "remote_name"] = "\(s.name)"
        l[metadataKey: "url"] = "\(s.url)"
        self.logger = l
    }

    /// Labels to send for a series as appended (nil: dropped by write_relabel_configs).
    func outputLabels(_ labels: Labels) -> Labels? {
        var l = labels
        if !settings.externalLabels.isEmpty {
            var b = LabelsBuilder(labels)
            for e in settings.externalLabels.list where !labels.has(e.name) { b.set(e.name, e.value) }
            l = b.labels()
        }
        if let r = settings.relabel { return r(l) }
        return l
    }

    /// Hands one committed batch to the shards. Called from `commit()`; takes each lock once.
    func enqueue(_ batch: [PendingSample]) {
        guard !batch.isEmpty, !stopping.load(ordering: .relaxed) else { return }
        var perShard = [[QueuedSample]](repeating: [], count: shards.count)
        var dropped = 0
        seriesCache.withLock { cache in
            if cache.count > Self.maxCachedSeries { cache.removeAll() }
            for p in batch {
                var entry: CachedSeries
                if let hit = cache[p.ref], hit.input == p.labels {
                    entry = hit
                } else {
                    let out = outputLabels(p.labels)
                    entry = CachedSeries(input: p.labels, output: out, shard: out.map { Int($0.stableHash % UInt64(shards.count)) } ?? 0)
                    cache[p.ref] = entry
                }
                guard let out = entry.output else { dropped += 1; continue }
                perShard[entry.shard].append(QueuedSample(labels: out, t: p.t, v: p.v))
            }
        }
        counters.add(counters.droppedRelabel, dropped)
        for (i, items) in perShard.enumerated() where !items.isEmpty {
            counters.add(counters.samplesIn, items.count)
            let over = shards[i].push(items)
            if over > 0 {
                counters.add(counters.droppedQueueFull, over)
                logger.trace("remote write shard full, dropped oldest samples", metadata: ["dropped": "\(over)"])
            }
        }
    }

    /// Asks the shard loops to deliver what they hold (for up to `flushDeadline`) and return.
    public func stop() {
        flushDeadlineAt.withLock { if $0 == nil { $0 = .now + settings.flushDeadline } }
        stopping.store(true, ordering: .relaxed)
    }

    /// The flush deadline once stopping, else nil.
    var flushUntil: ContinuousClock.Instant? { flushDeadlineAt.withLock { $0 } }

    /// Runs the shard loops until `stop()` and the flush are done, then closes the client.
    public func run() async {
        let c: RemoteWriteClient
        do { c = try RemoteWriteClient(settings) } catch {
            logger.error("Cannot start remote write queue", metadata: ["err": "\(error)"])
            return
        }
        logger.info("Starting remote write queue", metadata: ["shards": "\(shards.count)"])
        await withDiscardingTaskGroup { group in
            for shard in shards {
                group.addTask { await self.runShard(shard, c) }
            }
        }
        await c.shutdown()
        logger.info("Remote write queue stopped")
    }

    func runShard(_ shard: ShardBuffer, _ client: RemoteWriteClient) async {
        let poll = min(settings.batchSendDeadline, .milliseconds(25))
        var lastSend = ContinuousClock.now
        while true {
            if Task.isCancelled { return abandon(shard) }
            let now = ContinuousClock.now
            let flushUntil = self.flushUntil
            let force = flushUntil != nil || now - lastSend >= settings.batchSendDeadline
            let batch = shard.take(max: settings.maxSamplesPerSend, force: force)
            if batch.isEmpty {
                if flushUntil != nil { return }
                if force { lastSend = now }
                try? await Task.sleep(for: poll)
                continue
            }
            await send(batch, client)
            lastSend = ContinuousClock.now
            if let f = self.flushUntil, ContinuousClock.now >= f {
                abandon(shard)
                return
            }
        }
    }

    /// Counts what a shard still holds past the flush deadline as failed.
    func abandon(_ shard: ShardBuffer) {
        var lost = 0
        while true {
            let b = shard.take(max: 1 << 20, force: true)
            if b.isEmpty { break }
            lost += b.count
        }
        if lost > 0 {
            counters.add(counters.samplesFailed, lost)
            logger.warning("Remote write queue stopped with unsent samples", metadata: ["samples": "\(lost)"])
        }
    }

    /// Encodes and sends one batch, retrying recoverable errors with back-off.
    func send(_ raw: [QueuedSample], _ client: RemoteWriteClient) async {
        var batch = raw
        if let limit = settings.sampleAgeLimit {
            let oldest = wallClockMs() - limit.milliseconds
            batch = raw.filter { $0.t >= oldest }
            counters.add(counters.droppedTooOld, raw.count - batch.count)
            if batch.isEmpty { return }
        }
        let body = Self.encode(batch)
        let highest = batch.reduce(Int64.min) { max($0, $1.t) }
        var backoff = settings.minBackoff
        while true {
            switch await client.store(body) {
            case .ok:
                counters.add(counters.samplesSent, batch.count)
                counters.add(counters.bytesSent, body.count)
                var cur = counters.highestSent.load(ordering: .relaxed)
                while cur < highest {
                    let (done, now) = counters.highestSent.compareExchange(expected: cur, desired: highest, ordering: .relaxed)
                    if done { break }
                    cur = now
                }
                return
            case .nonRecoverable(let why):
                counters.add(counters.samplesFailed, batch.count)
                counters.add(counters.failedBatches, 1)
                logger.error("non-recoverable error", metadata: ["count": "\(batch.count)", "err": "\(why)"])
                return
            case let .recoverable(why, retryAfter):
                if Task.isCancelled || flushUntil.map({ ContinuousClock.now >= $0 }) == true {
                    counters.add(counters.samplesFailed, batch.count)
                    logger.warning("Remote write flush deadline passed, dropping batch", metadata: ["count": "\(batch.count)", "err": "\(why)"])
                    return
                }
                counters.add(counters.samplesRetried, batch.count)
                logger.warning("Failed to send batch, retrying", metadata: ["err": "\(why)"])
                var wait = retryAfter.map { min($0, settings.maxBackoff * 10) } ?? backoff
                if let f = flushUntil { wait = min(wait, max(.zero, f - ContinuousClock.now)) }
                try? await Task.sleep(for: wait)
                backoff = min(backoff * 2, settings.maxBackoff)
            }
        }
    }

    /// Groups a batch by series (first-seen order, samples in arrival order), then protobuf + snappy.
    static func encode(_ batch: [QueuedSample]) -> [UInt8] {
        var index: [Labels: Int] = [:]
        var series: [WriteSeries] = []
        for s in batch {
            if let i = index[s.labels] {
                series[i].samples.append(Sample(t: s.t, v: s.v))
            } else {
                index[s.labels] = series.count
                series.append(WriteSeries(labels: s.labels, samples: [Sample(t: s.t, v: s.v)]))
            }
        }
        return Snappy.compress(WriteRequestCodec.encode(series))
    }

    public var stats: RemoteWriteQueueStats {
        var s = RemoteWriteQueueStats(name: settings.name, url: settings.url)
        let c = counters
        s.samplesIn = c.samplesIn.load(ordering: .relaxed)
        s.samplesSent = c.samplesSent.load(ordering: .relaxed)
        s.samplesFailed = c.samplesFailed.load(ordering: .relaxed)
        s.samplesRetried = c.samplesRetried.load(ordering: .relaxed)
        s.droppedRelabel = c.droppedRelabel.load(ordering: .relaxed)
        s.droppedQueueFull = c.droppedQueueFull.load(ordering: .relaxed)
        s.droppedTooOld = c.droppedTooOld.load(ordering: .relaxed)
        s.bytesSent = c.bytesSent.load(ordering: .relaxed)
        s.samplesPending = shards.reduce(0) { $0 + $1.pending }
        s.shards = shards.count
        s.shardCapacity = settings.capacity
        s.maxSamplesPerSend = settings.maxSamplesPerSend
        s.highestSentTimestampSeconds = Double(c.highestSent.load(ordering: .relaxed)) / 1000
        return s
    }
}

/// A series' labels as appended, as sent (nil: dropped by relabeling), and its shard.
struct CachedSeries {
    var input: Labels
    var output: Labels?
    var shard: Int
}

/// A sample as appended to storage, before the queues label it.
struct PendingSample {
    var ref: SeriesRef
    var labels: Labels
    var t: Timestamp
    var v: Double
}

func wallClockMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
