import Logging
import MetricModel

extension DB {
    /// Start of the aligned range of width `width` after the one holding `t` (Prometheus
    /// `rangeForTimestamp`): (t / width) * width + width.
    public static func rangeEnd(_ t: Timestamp, width: Int64) -> Timestamp {
        let start = t >= 0 ? (t / width) * width : ((t - width + 1) / width) * width
        return start + width
    }

    /// Whether the head spans more than 1.5 × blockRange (Prometheus `Head.compactable`).
    public var headCompactable: Bool {
        let mint = head.minTime, maxt = head.maxTime
        guard mint != .max, maxt != .min else { return false }
        return maxt - mint > options.blockRange / 2 * 3
    }

    /// One synchronous round (Prometheus `DB.Compact` + `reloadBlocks`): persist head windows
    /// while the head is compactable, then leveled block compaction, then retention.
    public func compact() throws {
        try compactLock.withLock { _ in
            while headCompactable { try compactHead() }
            try compactBlocks()
            try applyRetention()
        }
    }

    /// Persists the head's oldest aligned window [mint, end) as a level-1 block, then truncates
    /// the head to `end` (which also raises its minValidTime).
    func compactHead() throws {
        let mint = head.minTime
        let end = DB.rangeEnd(mint, width: options.blockRange)
        let series = head.chunksForBlock(mint: mint, maxt: end - 1)
        if !series.isEmpty {
            do {
                let w = try BlockWriter(parent: dir, ulid: ULID(ms: options.clock()), minTime: mint, maxTime: end,
                                        symbols: IndexWriter.symbols(of: series.lazy.map(\.labels)))
                do {
                    for s in series { try w.addSeries(s.labels, chunks: s.chunks.map(EncodedChunk.init)) }
                    _ = try w.finish()
                    try w.commit()
                } catch {
                    w.abort()
                    throw error
                }
                let b = try Block(dir: w.finalDir)
                blocksState.withLock { bs in
                    bs.append(b)
                    bs.sort { $0.minTime < $1.minTime }
                }
                logger.info("head compacted", metadata: ["block": "\(b.ulid)", "mint": "\(mint)", "maxt": "\(end)",
                                                         "series": "\(b.meta.stats.numSeries)"])
            } catch {
                counters.withLock { $0.compactionsFailed += 1 }
                throw error
            }
        }
        try head.truncate(before: end)
        counters.withLock {
            $0.headCompactions += 1
            $0.compactionsTotal += 1
        }
    }

    /// Merges blocks as `Compactor.plan` says until nothing is left to do; sources are deleted.
    func compactBlocks() throws {
        let ranges = options.ranges
        while true {
            let current = blocks
            let plan = Compactor.plan(current.map(\.meta), ranges: ranges)
            if plan.isEmpty { return }
            let ids = Set(plan.map(\.ulid))
            let sources = current.filter { ids.contains($0.ulid) }
            let meta: BlockMeta?
            do {
                meta = try Compactor.compact(sources, into: dir, ulid: ULID(ms: options.clock()))
            } catch {
                counters.withLock { $0.compactionsFailed += 1 }
                throw error
            }
            let newBlock = try meta.map { try Block(dir: dir + "/" + $0.ulid.description) }
            blocksState.withLock { bs in
                bs.removeAll { ids.contains($0.ulid) }
                if let newBlock { bs.append(newBlock) }
                bs.sort { $0.minTime < $1.minTime }
            }
            for b in sources { try DB.deleteBlockDir(b.dir) }
            counters.withLock { $0.compactionsTotal += 1 }
            logger.info("blocks compacted", metadata: [
                "sources": "\(plan.map(\.ulid.description))", "block": "\(meta?.ulid.description ?? "none (empty)")",
            ])
        }
    }

    /// Deletes blocks beyond the time and size retention (Prometheus `BeyondTimeRetention`,
    /// `BeyondSizeRetention`), newest block first.
    func applyRetention(time: Int64? = nil, size: Int64? = nil) throws {
        let retentionTime = time ?? options.retentionTime
        let retentionSize = size ?? options.retentionSize
        let newestFirst = blocks.sorted { $0.maxTime > $1.maxTime }  // as Prometheus: by maxTime, newest first
        guard let newest = newestFirst.first else { return }
        var doomed = Set<ULID>()
        if retentionTime > 0 {
            for (i, b) in newestFirst.enumerated() where newest.maxTime - b.maxTime > retentionTime {
                for old in newestFirst[i...] { doomed.insert(old.ulid) }
                counters.withLock { $0.timeRetentions += 1 }
                break
            }
        }
        if retentionSize > 0 {
            var size = FS.treeSize(dir + "/wal") + FS.treeSize(dir + "/chunks_head")
            for (i, b) in newestFirst.enumerated() {
                size += b.size
                if size > retentionSize {
                    var any = false
                    for old in newestFirst[i...] where !doomed.contains(old.ulid) {
                        doomed.insert(old.ulid)
                        any = true
                    }
                    if any { counters.withLock { $0.sizeRetentions += 1 } }
                    break
                }
            }
        }
        if doomed.isEmpty { return }
        let gone = newestFirst.filter { doomed.contains($0.ulid) }
        blocksState.withLock { bs in bs.removeAll { doomed.contains($0.ulid) } }
        for b in gone {
            logger.info("deleting block beyond retention", metadata: ["block": "\(b.ulid)", "maxt": "\(b.maxTime)"])
            try DB.deleteBlockDir(b.dir)
        }
    }
}
