import Logging
import MetricModel

/// One series' chunks for writing a block.
public struct HeadSeriesChunks: Sendable {
    public let ref: SeriesRef
    public let labels: Labels
    /// Chunks oldest first, holding only samples in the requested range.
    public let chunks: [XORChunk]
}

extension Head {
    /// Every series with samples in [mint, maxt] (both inclusive), sorted by labels
    /// (`Labels.compare` order), with its chunks restricted to that range: chunks inside the range
    /// are shared as they are, chunks straddling an end are re-encoded with the samples inside.
    /// The open chunk is included. For writing a block [mint, maxt+1) from the head.
    public func chunksForBlock(mint: Timestamp, maxt: Timestamp) -> [HeadSeriesChunks] {
        var out: [HeadSeriesChunks] = []
        for (si, box) in stripes.enumerated() {
            box.m.withLock { st in
                for (slot, s) in st.slots.enumerated() {
                    guard let s, s.maxTime >= mint, s.minTime <= maxt else { continue }
                    var cs = s.chunks(mint: mint, maxt: maxt, store: chunkStore)
                    for k in cs.indices where cs[k].minTime < mint || cs[k].maxTime > maxt {
                        cs[k] = cs[k].subset(mint: mint, maxt: maxt)
                    }
                    cs.removeAll { $0.numSamples == 0 }
                    if !cs.isEmpty {
                        out.append(HeadSeriesChunks(ref: Self.makeRef(stripe: si, slot: UInt32(slot)), labels: s.labels, chunks: cs))
                    }
                }
            }
        }
        out.sort { $0.labels.sortsBefore($1.labels) }
        return out
    }

    /// Drops head data older than `before` (Prometheus `Head.Truncate`): chunks whose samples are
    /// all < before, then series left without chunks (an empty new series survives one
    /// truncation, as an appender may be about to commit to it). Raises `minValidTime` to
    /// `before`. With a WAL, completes the current segment and writes `checkpoint.N` of the live
    /// series and the samples ≥ before, then deletes segments ≤ N and older checkpoints.
    public func truncate(before: Timestamp) throws {
        try truncateLock.withLock { _ in
            if before > minValidTime { minValidTime = before }
            let ep = epoch.add(1, ordering: .relaxed).newValue
            var removed: [(ref: SeriesRef, labels: Labels)] = []
            var chunksDropped = 0
            var newMin = Timestamp.max
            for (si, box) in stripes.enumerated() {
                box.m.withLock { st in
                    for slot in st.slots.indices {
                        guard var s = st.slots[slot] else { continue }
                        let firstKept = s.closed.firstIndex { $0.maxTime >= before } ?? s.closed.count
                        if firstKept > 0 {
                            chunksDropped += firstKept
                            s.closed.removeFirst(firstKept)
                        }
                        let openGone = s.open.numSamples > 0 && s.open.maxTime < before
                        let stale = s.open.numSamples == 0 && s.epoch &+ 1 < ep
                        if s.closed.isEmpty && (openGone || stale) {
                            if openGone { chunksDropped += 1 }
                            st.remove(slot: UInt32(slot))
                            removed.append((Self.makeRef(stripe: si, slot: UInt32(slot)), s.labels))
                            continue
                        }
                        if !s.isEmpty { newMin = min(newMin, s.minTime) }
                        if firstKept > 0 { st.slots[slot] = s }
                    }
                }
            }
            postings.remove(removed)
            chunkStore.dropRegions(before: before)
            counters.seriesRemoved.add(UInt64(removed.count), ordering: .relaxed)
            counters.series.add(-removed.count, ordering: .relaxed)
            counters.chunksRemoved.add(UInt64(chunksDropped), ordering: .relaxed)
            counters.chunks.add(-chunksDropped, ordering: .relaxed)
            minT.store(newMin == .max ? .max : max(newMin, before), ordering: .relaxed)
            if newMin == .max { maxT.store(.min, ordering: .relaxed) }
            counters.truncations.add(1, ordering: .relaxed)
            if let wal, let walDir {
                let last = wal.currentSegment
                try wal.nextSegment()
                let n = try Checkpoint.create(walDir: walDir, through: last, logger: logger,
                                              keepSeries: { self.holds($0.ref, labels: $0.labels) },
                                              keepSample: { $0.t >= before && self.holds($0.ref, labels: nil) })
                counters.checkpoints.add(1, ordering: .relaxed)
                logger.info("head truncated", metadata: [
                    "before": "\(before)", "series_removed": "\(removed.count)",
                    "chunks_removed": "\(chunksDropped)", "checkpoint": "\(last)", "checkpoint_records": "\(n)",
                ])
            }
        }
    }
}
