import Logging
import MetricModel
import Synchronization

/// Options of the head block.
public struct HeadOptions: Sendable {
    /// Width of the time windows head chunks never span (ms); also the default block range.
    public var chunkRange: Int64 = 2 * 3600 * 1000
    /// Samples per chunk before a new one is cut (Prometheus: 120).
    public var chunkTargetSamples = XORChunk.targetSamples
    /// Size of each `chunks_head` file (or anonymous region) holding closed head chunks.
    public var chunkFileSize = 64 << 20
    /// WAL segment size in bytes (Prometheus: 128 MiB).
    public var walSegmentSize = 128 << 20
    /// Longest time written WAL data may stay un-fsynced (power-loss window). Zero fsyncs on
    /// every commit. SIGKILL never loses a committed sample whatever this is.
    public var walSyncInterval: Duration = .seconds(1)
    /// Samples older than this are dropped on WAL replay and rejected on append (the blocks layer
    /// passes the end of the newest persisted block).
    public var minValidTime: Timestamp = .min

    public init() {}
}

/// Counters and gauges of the head for /metrics, named after the Prometheus metric each feeds.
public struct HeadStats: Sendable, Equatable {
    /// `prometheus_tsdb_head_samples_appended_total`
    public var samplesAppended: UInt64 = 0
    /// `prometheus_tsdb_head_series_created_total`
    public var seriesCreated: UInt64 = 0
    /// `prometheus_tsdb_head_series_removed_total`
    public var seriesRemoved: UInt64 = 0
    /// `prometheus_tsdb_out_of_order_samples_total`
    public var outOfOrderSamples: UInt64 = 0
    /// Samples rejected as `duplicateSampleForTimestamp` (Prometheus counts these per scrape in
    /// `prometheus_target_scrapes_sample_duplicate_timestamp_total`).
    public var duplicateSamples: UInt64 = 0
    /// `prometheus_tsdb_out_of_bound_samples_total`
    public var outOfBoundsSamples: UInt64 = 0
    /// `prometheus_tsdb_head_chunks_created_total`
    public var chunksCreated: UInt64 = 0
    /// `prometheus_tsdb_head_chunks_removed_total`
    public var chunksRemoved: UInt64 = 0
    /// `prometheus_tsdb_head_series` (gauge).
    public var series: Int = 0
    /// `prometheus_tsdb_head_chunks` (gauge; open chunks included).
    public var chunks: Int = 0
    /// `prometheus_tsdb_head_min_time` / `_max_time` (ms; Int64.max / Int64.min when empty).
    public var minTime: Timestamp = .max
    public var maxTime: Timestamp = .min
    /// `prometheus_tsdb_wal_corruptions_total`: torn/corrupt WAL frames cut off at the last replay.
    public var walCorruptions: Int = 0
    /// WAL samples whose series record was missing at replay (dropped).
    public var walUnknownRefSamples: Int = 0
    /// `prometheus_tsdb_head_truncations_total`
    public var truncations: UInt64 = 0
    /// `prometheus_tsdb_checkpoint_creations_total`
    public var checkpointCreations: UInt64 = 0
    /// `prometheus_tsdb_wal_segment_current` (-1 without a WAL).
    public var walSegmentCurrent: Int = -1
}

/// Atomic counters behind `HeadStats`.
final class HeadCounters: Sendable {
    let samplesAppended = Atomic<UInt64>(0)
    let seriesCreated = Atomic<UInt64>(0)
    let seriesRemoved = Atomic<UInt64>(0)
    let outOfOrder = Atomic<UInt64>(0)
    let duplicate = Atomic<UInt64>(0)
    let outOfBounds = Atomic<UInt64>(0)
    let chunksCreated = Atomic<UInt64>(0)
    let chunksRemoved = Atomic<UInt64>(0)
    let series = Atomic<Int>(0)
    let chunks = Atomic<Int>(0)
    let walCorruptions = Atomic<Int>(0)
    let walUnknownRefs = Atomic<Int>(0)
    let truncations = Atomic<UInt64>(0)
    let checkpoints = Atomic<UInt64>(0)
}

/// The in-memory head block with its write-ahead log (Prometheus `tsdb/head.go`).
///
/// Series live in 64 lock stripes chosen by `Labels.stableHash`; a `SeriesRef` is
/// `(slot + 1) << 6 | stripe`, so lookup by ref is an array index under one mutex (the caller's
/// labels are compared to the slot's, so a stale ref whose slot was reused is harmless). The WAL
/// logs these refs and replay restores each series at its ref. Each series keeps
/// closed XOR chunks and one open chunk; an inverted index maps label pairs to refs for selects.
///
/// Thread-safety: all methods may be called concurrently. Appenders are single-threaded objects.
/// Durability: see `Appender` and docs/formats/wal.md — `commit()` has written its WAL records
/// with write(2) before it applies them to memory and returns.
///
/// API used by the blocks layer: `init(dir:options:logger:)`, `minTime`, `maxTime`,
/// `minValidTime`, `chunksForBlock(mint:maxt:)`, `truncate(before:)`, `close()`.
public final class Head: Appendable, Queryable, Sendable {
    static let stripeBits: UInt64 = 6
    static let stripeMask: UInt64 = (1 << stripeBits) - 1

    let stripes: [StripeBox]
    let postings = PostingsIndex()
    let chunkStore: HeadChunkStore
    let wal: WAL?
    let walDir: String?
    public let options: HeadOptions
    let logger: Logger
    let counters = HeadCounters()
    let minT = Atomic<Int64>(.max)
    let maxT = Atomic<Int64>(.min)
    let minValid: Atomic<Int64>
    let epoch = Atomic<UInt32>(0)
    /// Serializes truncations (and checkpoints).
    let truncateLock = Mutex(())

    /// Opens a head. With a `dir`, the WAL lives in `<dir>/wal`: it is replayed first (checkpoint,
    /// then segments; torn tails truncated with a warning), then new records go to a fresh
    /// segment. With `dir == nil` the head is in-memory only.
    public init(dir: String?, options: HeadOptions = HeadOptions(), logger: Logger) throws {
        self.options = options
        self.logger = logger
        stripes = (0..<(1 << Self.stripeBits)).map { _ in StripeBox() }
        minValid = Atomic(options.minValidTime)
        chunkStore = HeadChunkStore(dir: dir, regionSize: options.chunkFileSize, logger: logger)
        if let dir {
            let wd = dir + "/wal"
            walDir = wd
            // The writer starts a fresh (empty) segment after the existing ones; replay reads the
            // old ones (and that empty one) before any append can happen.
            wal = try WAL(dir: wd, segmentSize: options.walSegmentSize, syncInterval: options.walSyncInterval, logger: logger)
            replay(walDir: wd)
        } else {
            walDir = nil
            wal = nil
        }
    }

    /// Lowest sample timestamp in the head (Int64.max when empty).
    public var minTime: Timestamp { minT.load(ordering: .relaxed) }
    /// Highest sample timestamp in the head (Int64.min when empty).
    public var maxTime: Timestamp { maxT.load(ordering: .relaxed) }

    /// Appends older than this fail with `outOfBounds`. Set by the blocks layer after it persisted
    /// a block (and by `truncate(before:)`).
    public var minValidTime: Timestamp {
        get { minValid.load(ordering: .relaxed) }
        set { minValid.store(newValue, ordering: .relaxed) }
    }

    public var numSeries: Int { counters.series.load(ordering: .relaxed) }

    public var stats: HeadStats {
        let c = counters
        var s = HeadStats()
        s.samplesAppended = c.samplesAppended.load(ordering: .relaxed)
        s.seriesCreated = c.seriesCreated.load(ordering: .relaxed)
        s.seriesRemoved = c.seriesRemoved.load(ordering: .relaxed)
        s.outOfOrderSamples = c.outOfOrder.load(ordering: .relaxed)
        s.duplicateSamples = c.duplicate.load(ordering: .relaxed)
        s.outOfBoundsSamples = c.outOfBounds.load(ordering: .relaxed)
        s.chunksCreated = c.chunksCreated.load(ordering: .relaxed)
        s.chunksRemoved = c.chunksRemoved.load(ordering: .relaxed)
        s.series = c.series.load(ordering: .relaxed)
        s.chunks = c.chunks.load(ordering: .relaxed)
        s.minTime = minTime
        s.maxTime = maxTime
        s.walCorruptions = c.walCorruptions.load(ordering: .relaxed)
        s.walUnknownRefSamples = c.walUnknownRefs.load(ordering: .relaxed)
        s.truncations = c.truncations.load(ordering: .relaxed)
        s.checkpointCreations = c.checkpoints.load(ordering: .relaxed)
        s.walSegmentCurrent = wal?.currentSegment ?? -1
        return s
    }

    public func appender() -> any Appender { HeadAppender(head: self) }

    public func querier(mint: Timestamp, maxt: Timestamp) throws -> any Querier {
        HeadQuerier(head: self, mint: mint, maxt: maxt)
    }

    /// fsyncs the WAL now (e.g. before a snapshot).
    public func syncWAL() throws { try wal?.sync() }

    /// Syncs and closes the WAL. The head stays readable; appends fail afterwards.
    public func close() throws { try wal?.close() }

    // MARK: refs

    @inline(__always)
    static func makeRef(stripe: Int, slot: UInt32) -> SeriesRef {
        (UInt64(slot) + 1) << stripeBits | UInt64(stripe)
    }

    /// (stripe, slot) of a ref, or nil for refs this head never hands out.
    @inline(__always)
    static func split(_ ref: SeriesRef) -> (stripe: Int, slot: UInt32)? {
        let s = ref >> stripeBits
        guard s >= 1, s - 1 <= UInt64(UInt32.max) else { return nil }
        return (Int(ref & stripeMask), UInt32(s - 1))
    }

    func updateBounds(min lo: Timestamp, max hi: Timestamp) {
        var cur = minT.load(ordering: .relaxed)
        while lo < cur {
            let (done, now) = minT.compareExchange(expected: cur, desired: lo, ordering: .relaxed)
            if done { break }
            cur = now
        }
        cur = maxT.load(ordering: .relaxed)
        while hi > cur {
            let (done, now) = maxT.compareExchange(expected: cur, desired: hi, ordering: .relaxed)
            if done { break }
            cur = now
        }
    }
}
