import Logging
import MetricModel
import Synchronization

/// Options of a `DB` (Prometheus `tsdb.Options`). Durations in ms.
public struct DBOptions: Sendable {
    /// Smallest block range and head chunk range (Prometheus `MinBlockDuration`, 2h).
    public var blockRange: Int64 = 2 * 3600 * 1000
    /// Largest compacted block (Prometheus: min(retention/10, 31d) when unset).
    public var maxBlockDuration: Int64?
    /// Blocks whose maxTime is more than this older than the newest block's maxTime are
    /// deleted (`--storage.tsdb.retention.time`, default 15d). 0 disables.
    public var retentionTime: Int64 = 15 * 24 * 3600 * 1000
    /// Bytes of blocks + WAL + head chunks above which the oldest blocks are deleted
    /// (`--storage.tsdb.retention.size`). 0 disables.
    public var retentionSize: Int64 = 0
    /// How often `run()` compacts (Prometheus: every minute).
    public var compactionInterval: Duration = .seconds(60)
    /// Options handed to the head (its `chunkRange` is set to `blockRange`, `minValidTime` from blocks).
    public var head = HeadOptions()
    /// Wall clock in ms (ULID timestamps); injected so tests control time.
    public var clock: @Sendable () -> Int64 = { wallClockMillis() }

    public init() {}

    /// Compaction ranges: 2h, 6h, 18h, … up to the max block duration.
    public var ranges: [Int64] {
        let maxDur = maxBlockDuration ?? {
            var d: Int64 = 31 * 24 * 3600 * 1000
            if retentionTime > 0 && retentionTime / 10 < d { d = retentionTime / 10 }
            return d
        }()
        return Compactor.ranges(blockRange: blockRange, maxBlockDuration: maxDur)
    }
}

/// Counters and gauges of the DB for /metrics (`prometheus_tsdb_*`) and /api/v1/status/tsdb.
public struct DBStats: Sendable, Equatable {
    public var blocksLoaded = 0
    /// Bytes of all blocks (index + chunks + meta).
    public var blocksBytes: Int64 = 0
    /// Bytes of the WAL and head chunk files.
    public var headBytes: Int64 = 0
    public var compactionsTotal: UInt64 = 0
    public var compactionsFailed: UInt64 = 0
    /// Head → block persists (`prometheus_tsdb_head_truncations_total` counts these too).
    public var headCompactions: UInt64 = 0
    public var timeRetentions: UInt64 = 0
    public var sizeRetentions: UInt64 = 0
    /// Oldest timestamp in storage (blocks or head), `prometheus_tsdb_lowest_timestamp`.
    public var lowestTimestamp: Timestamp = .max
    public var head = HeadStats()
    public var retentionTime: Int64 = 0
    public var retentionSize: Int64 = 0
}

/// The TSDB of a replica (Prometheus `tsdb.DB`): persisted blocks plus the head with its WAL.
/// Appends go to the head; queries merge the head and every block overlapping the range.
/// `compact()` persists the head's oldest 2h window once the head spans > 3h, merges blocks
/// level by level and applies retention; `run()` calls it every `compactionInterval`.
///
/// Directory layout: `<dir>/<ULID>/` blocks, `<dir>/wal/` (head WAL), `<dir>/chunks_head/`.
/// Thread-safe; compactions are serialized.
public final class DB: Appendable, Queryable, Sendable {
    public let dir: String
    public let options: DBOptions
    public let head: Head
    let logger: Logger
    let blocksState: Mutex<[Block]>
    let compactLock = Mutex(())
    let counters = Mutex(DBStats())

    /// Opens (creating if needed) a data directory: removes leftover `*.tmp*` directories,
    /// loads blocks (dropping ones a finished compaction replaced), opens the head, which
    /// replays the WAL, ignoring samples older than the newest block's maxTime, and applies
    /// retention. Throws on unreadable blocks (a Prometheus-format block is not readable).
    public init(dir: String, options: DBOptions = DBOptions(), logger: Logger) throws {
        self.dir = dir
        self.options = options
        self.logger = logger
        try FS.mkdirAll(dir)
        let blocks = try DB.loadBlocks(dir: dir, logger: logger)
        var hopts = options.head
        hopts.chunkRange = options.blockRange
        if let maxt = blocks.map(\.maxTime).max(), maxt > hopts.minValidTime { hopts.minValidTime = maxt }
        head = try Head(dir: dir, options: hopts, logger: logger)
        blocksState = Mutex(blocks)
        counters.withLock {
            $0.retentionTime = options.retentionTime
            $0.retentionSize = options.retentionSize
        }
        // As Prometheus's reloadBlocks on open: blocks already beyond retention go now.
        try applyRetention()
    }

    static func loadBlocks(dir: String, logger: Logger) throws -> [Block] {
        var blocks: [Block] = []
        for name in try FS.list(dir) {
            let path = dir + "/" + name
            if name.contains(".tmp") {
                logger.info("removing leftover temporary directory", metadata: ["dir": "\(path)"])
                try FS.removeAll(path)
                continue
            }
            guard ULID(string: name) != nil, FS.isDirectory(path) else { continue }
            blocks.append(try Block(dir: path))
        }
        // Blocks that are parents of another block were compacted already: delete them.
        let parents = Set(blocks.flatMap { $0.meta.compaction.parents?.map(\.ulid) ?? [] })
        for b in blocks where parents.contains(b.ulid) {
            logger.info("removing compacted block", metadata: ["block": "\(b.ulid)"])
            try deleteBlockDir(b.dir)
        }
        return blocks.filter { !parents.contains($0.ulid) }.sorted { $0.minTime < $1.minTime }
    }

    static func deleteBlockDir(_ path: String) throws {
        let tmp = path + ".tmp-for-deletion"
        try FS.rename(path, tmp)
        try FS.removeAll(tmp)
    }

    /// The blocks currently loaded, oldest first.
    public var blocks: [Block] { blocksState.withLock { $0 } }

    /// An appender on the head that also rejects samples older than the head's max time minus
    /// half a block range (`outOfBounds`), as Prometheus's DB appender does.
    public func appender() -> any Appender { DBAppender(head: head, blockRange: options.blockRange) }

    /// A querier over [mint, maxt]: every block overlapping the range plus the head.
    public func querier(mint: Timestamp, maxt: Timestamp) throws -> any Querier {
        var qs: [any Querier] = blocks.filter { $0.meta.overlaps(mint: mint, maxt: maxt) }
            .map { $0.querier(mint: mint, maxt: maxt) }
        qs.append(try head.querier(mint: mint, maxt: maxt))
        return MergeQuerier(qs)
    }

    /// Stats for /metrics and /api/v1/status/tsdb.
    public var stats: DBStats {
        let bs = blocks
        var s = counters.withLock { $0 }
        s.blocksLoaded = bs.count
        s.blocksBytes = bs.reduce(0) { $0 + $1.size }
        s.headBytes = FS.treeSize(dir + "/wal") + FS.treeSize(dir + "/chunks_head")
        s.head = head.stats
        s.lowestTimestamp = min(bs.first?.minTime ?? .max, s.head.minTime)
        return s
    }

    /// Runs compaction every `compactionInterval` until cancelled (a `Service`'s run).
    public func run() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: options.compactionInterval)
            } catch {
                return
            }
            do {
                try compact()
            } catch {
                logger.error("compaction failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Closes the head's WAL.
    public func close() throws { try head.close() }
}
