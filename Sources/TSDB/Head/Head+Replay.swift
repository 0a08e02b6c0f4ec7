import Logging
import MetricModel

extension Head {
    /// Rebuilds memory from the WAL (Prometheus `loadWAL`). Series records put each series at the
    /// slot its ref names, so refs stay those the WAL was written with; samples go through the
    /// same path as a commit. Samples below `minValidTime` and for unknown refs are dropped.
    func replay(walDir: String) {
        var aliases: [SeriesRef: SeriesRef] = [:]
        var unknown = 0
        let minValid = options.minValidTime
        var batch: [RefSample] = []
        let stats = WALReplay.replay(dir: walDir, logger: logger) { rec in
            switch rec {
            case .series(let list):
                for s in list { replaySeries(s, aliases: &aliases) }
            case .samples(let list):
                batch.removeAll(keepingCapacity: true)
                for var s in list where s.t >= minValid {
                    if let a = aliases[s.ref] { s.ref = a }
                    batch.append(s)
                }
                apply(batch) { _ in unknown += 1 }
            }
        }
        // Series left without samples (all older than minValidTime, or only ever rolled back) are
        // dropped; slots left empty by the WAL's refs become reusable.
        var empty: [(ref: SeriesRef, labels: Labels)] = []
        for (si, box) in stripes.enumerated() {
            box.m.withLock { st in
                for slot in st.slots.indices {
                    if let s = st.slots[slot], s.isEmpty {
                        st.remove(slot: UInt32(slot), reuse: false)
                        empty.append((Self.makeRef(stripe: si, slot: UInt32(slot)), s.labels))
                    }
                }
                st.free = st.slots.indices.reversed().compactMap { st.slots[$0] == nil ? UInt32($0) : nil }
            }
        }
        postings.remove(empty)
        counters.series.add(-empty.count, ordering: .relaxed)
        counters.walCorruptions.store(stats.corruptions, ordering: .relaxed)
        counters.walUnknownRefs.store(unknown, ordering: .relaxed)
        // Replay is not "appending": report the head's content, not replayed counts.
        counters.seriesCreated.store(0, ordering: .relaxed)
        counters.samplesAppended.store(0, ordering: .relaxed)
        counters.chunksCreated.store(0, ordering: .relaxed)
        counters.outOfOrder.store(0, ordering: .relaxed)
        counters.duplicate.store(0, ordering: .relaxed)
        if unknown > 0 {
            logger.warning("WAL replay dropped samples of unknown series", metadata: ["samples": "\(unknown)"])
        }
        if stats.records > 0 || stats.corruptions > 0 {
            logger.info("WAL replay done", metadata: [
                "records": "\(stats.records)", "segments": "\(stats.segments)",
                "checkpoint": "\(stats.checkpoint.map(String.init) ?? "none")",
                "series": "\(numSeries)", "corruptions": "\(stats.corruptions)",
            ])
        }
    }

    /// Places a series record: at its ref's slot; an existing series with the same labels elsewhere
    /// moves there (the newest record wins); a different series in that slot is evicted.
    private func replaySeries(_ s: RefSeries, aliases: inout [SeriesRef: SeriesRef]) {
        var evicted: [(ref: SeriesRef, labels: Labels)] = []
        let hash = s.labels.stableHash
        let si = Int(hash & Self.stripeMask)
        guard !s.labels.isEmpty, let p = Self.split(s.ref), p.stripe == si else {
            // A ref this head would not have made (foreign WAL): create normally and alias.
            let r = getOrCreate(ref: nil, labels: s.labels)
            aliases[s.ref] = r.ref
            return
        }
        let ep = epoch.load(ordering: .relaxed)
        var added = false
        stripes[si].m.withLock { st in
            var series = MemSeries(labels: s.labels, epoch: ep, logged: true)
            if let cur = st.find(s.labels, hash: hash) {
                if cur == p.slot { return }
                series = st.remove(slot: cur, reuse: false)!
                evicted.append((Self.makeRef(stripe: si, slot: cur), s.labels))
                added = true
            } else {
                added = true
                counters.series.add(1, ordering: .relaxed)
            }
            if Int(p.slot) < st.slots.count, let old = st.slots[Int(p.slot)] {
                st.remove(slot: p.slot, reuse: false)
                evicted.append((s.ref, old.labels))
                counters.series.add(-1, ordering: .relaxed)
                counters.chunks.add(-old.chunkCount, ordering: .relaxed)
            }
            _ = st.insert(series, hash: hash, at: p.slot)
        }
        postings.remove(evicted)
        if added { postings.add(s.ref, s.labels) }
    }
}
