import MetricModel

/// Leveled compaction (Prometheus `tsdb/compact.go` `LeveledCompactor`): planning which blocks
/// to merge, and merging blocks into one.
public enum Compactor {
    /// Prometheus's `ExponentialBlockRanges(min, steps, stepSize)`: min, min·3, min·9, …
    public static func exponentialRanges(min: Int64, steps: Int = 10, stepSize: Int64 = 3) -> [Int64] {
        var out: [Int64] = []
        var cur = min
        for _ in 0..<steps {
            out.append(cur)
            cur *= stepSize
        }
        return out
    }

    /// The compaction ranges for a DB: 2h·3^k up to `maxBlockDuration` (at least the first).
    public static func ranges(blockRange: Int64, maxBlockDuration: Int64) -> [Int64] {
        var r = exponentialRanges(min: blockRange)
        if let i = r.firstIndex(where: { $0 > maxBlockDuration }) { r = Array(r[..<max(1, i)]) }
        return r
    }

    /// Blocks to compact next, or [] (Prometheus `LeveledCompactor.plan`): overlapping blocks
    /// first; otherwise, leaving out the newest block, the first group that fills an aligned range
    /// of the next level (or lies entirely before the newest block).
    public static func plan(_ metas: [BlockMeta], ranges: [Int64]) -> [BlockMeta] {
        let ds = metas.sorted { $0.minTime < $1.minTime }
        let overlapping = selectOverlapping(ds)
        if !overlapping.isEmpty { return overlapping }
        guard ds.count > 1 else { return [] }
        return selectDirs(Array(ds.dropLast()), ranges: ranges)
    }

    static func selectOverlapping(_ ds: [BlockMeta]) -> [BlockMeta] {
        guard ds.count >= 2 else { return [] }
        var out: [BlockMeta] = []
        var globalMaxt = ds[0].maxTime
        for i in 1..<ds.count {
            let d = ds[i]
            if d.minTime < globalMaxt {
                if out.isEmpty { out.append(ds[i - 1]) }
                out.append(d)
            } else if !out.isEmpty {
                break
            }
            if d.maxTime > globalMaxt { globalMaxt = d.maxTime }
        }
        return out
    }

    static func selectDirs(_ ds: [BlockMeta], ranges: [Int64]) -> [BlockMeta] {
        guard ranges.count >= 2, let highTime = ds.last?.minTime else { return [] }
        for iv in ranges.dropFirst() {
            for p in splitByRange(ds, iv) {
                if p.contains(where: { $0.compaction.failed == true }) { continue }
                let mint = p[0].minTime, maxt = p[p.count - 1].maxTime
                if (maxt - mint == iv || maxt <= highTime) && p.count > 1 { return p }
            }
        }
        return []
    }

    /// Groups blocks (sorted by minTime) by the aligned range of width `tr` they fall into;
    /// blocks larger than their range are skipped.
    static func splitByRange(_ ds: [BlockMeta], _ tr: Int64) -> [[BlockMeta]] {
        var out: [[BlockMeta]] = []
        var i = 0
        while i < ds.count {
            let m = ds[i]
            let t0 = m.minTime >= 0 ? tr * (m.minTime / tr) : tr * ((m.minTime - tr + 1) / tr)
            if m.maxTime > t0 + tr {
                i += 1
                continue
            }
            var group: [BlockMeta] = []
            while i < ds.count && ds[i].maxTime <= t0 + tr {
                group.append(ds[i])
                i += 1
            }
            if !group.isEmpty { out.append(group) }
        }
        return out
    }

    /// Merges `blocks` into one new block under `parent` (committed atomically). Series with the
    /// same labels are merged; chunks that don't overlap are copied as they are, overlapping ones
    /// are decoded, merged in time order with duplicate timestamps dropped (first block wins) and
    /// re-encoded. Returns nil when the result would hold no samples (nothing is written).
    public static func compact(_ blocks: [Block], into parent: String, ulid: ULID) throws -> BlockMeta? {
        precondition(!blocks.isEmpty)
        let sortedBlocks = blocks.sorted { $0.minTime < $1.minTime }
        var bySeries: [Labels: [(block: Int, chunks: [ChunkMeta])]] = [:]
        for (bi, b) in sortedBlocks.enumerated() {
            try b.forEachSeries { l, metas in bySeries[l, default: []].append((bi, metas)) }
        }
        if bySeries.isEmpty { return nil }
        let labels = bySeries.keys.sorted { $0.sortsBefore($1) }
        var sources = Set<ULID>()
        for b in sortedBlocks { sources.formUnion(b.meta.compaction.sources) }
        let compaction = BlockMeta.Compaction(
            level: (sortedBlocks.map(\.meta.compaction.level).max() ?? 0) + 1,
            sources: sources.sorted(),
            parents: sortedBlocks.map { BlockMeta.Parent(ulid: $0.ulid, minTime: $0.minTime, maxTime: $0.maxTime) })
        let w = try BlockWriter(parent: parent, ulid: ulid,
                                minTime: sortedBlocks.map(\.minTime).min()!, maxTime: sortedBlocks.map(\.maxTime).max()!,
                                symbols: IndexWriter.symbols(of: labels), compaction: compaction)
        do {
            for l in labels {
                try w.addSeries(l, chunks: mergedChunks(bySeries[l]!, sortedBlocks))
            }
            let meta = try w.finish()
            try w.commit()
            return meta
        } catch {
            w.abort()
            throw error
        }
    }

    static func mergedChunks(_ parts: [(block: Int, chunks: [ChunkMeta])], _ blocks: [Block]) throws -> [EncodedChunk] {
        var all: [(block: Int, meta: ChunkMeta)] = []
        for p in parts { for c in p.chunks { all.append((p.block, c)) } }
        all.sort { $0.meta.minTime < $1.meta.minTime }
        var overlap = false
        for i in 1..<max(1, all.count) where all[i].meta.minTime <= all[i - 1].meta.maxTime { overlap = true }
        if !overlap { return try all.map { try blocks[$0.block].encodedChunk($0.meta) } }
        // Decode everything, merge stably by time (earlier blocks first), drop duplicate timestamps.
        var samples: [(t: Int64, order: Int, v: Double)] = []
        for (k, c) in all.enumerated() {
            let enc = try blocks[c.block].encodedChunk(c.meta)
            guard enc.encoding == XORChunk.encoding else { continue }
            var it = XORIterator(bytes: enc.bytes)
            while it.next() { samples.append((it.at.t, c.block << 32 | k, it.at.v)) }
        }
        samples.sort { $0.t != $1.t ? $0.t < $1.t : $0.order < $1.order }
        var merged: [Sample] = []
        merged.reserveCapacity(samples.count)
        for s in samples where merged.last?.t != s.t { merged.append(Sample(t: s.t, v: s.v)) }
        return SeriesChunker.encode(merged)
    }
}
