import MetricModel

/// What the appender needs to know about a series it is about to append to.
struct SeriesLookup {
    var ref: SeriesRef
    var created: Bool
    /// The series' WAL record is not known to be written yet (see `MemSeries.logged`).
    var needsRecord: Bool
    /// Newest committed sample, if any.
    var lastT: Timestamp
    var lastBits: UInt64
    var hasLast: Bool
}

extension Head {
    /// Resolves `ref` (when it still names `labels`) or the labels' hash to a series, creating it
    /// when absent (Prometheus `getOrCreate`). New series enter the index at once.
    func getOrCreate(ref: SeriesRef?, labels: Labels) -> SeriesLookup {
        if let ref, let p = Self.split(ref), p.stripe < stripes.count {
            let (si, slot) = p
            let hit: SeriesLookup? = stripes[si].m.withLock { st in
                guard Int(slot) < st.slots.count, let s = st.slots[Int(slot)], s.labels == labels else { return nil }
                return Self.lookup(ref, s, created: false)
            }
            if let hit { return hit }
        }
        let hash = labels.stableHash
        let si = Int(hash & Self.stripeMask)
        let ep = epoch.load(ordering: .relaxed)
        let res: SeriesLookup = stripes[si].m.withLock { st in
            if let slot = st.find(labels, hash: hash) {
                return Self.lookup(Self.makeRef(stripe: si, slot: slot), st.slots[Int(slot)]!, created: false)
            }
            let slot = st.insert(MemSeries(labels: labels, epoch: ep, logged: wal == nil), hash: hash)
            return SeriesLookup(ref: Self.makeRef(stripe: si, slot: slot), created: true, needsRecord: wal != nil,
                                lastT: .min, lastBits: 0, hasLast: false)
        }
        if res.created {
            postings.add(res.ref, labels)
            counters.seriesCreated.add(1, ordering: .relaxed)
            counters.series.add(1, ordering: .relaxed)
        }
        return res
    }

    @inline(__always)
    static func lookup(_ ref: SeriesRef, _ s: MemSeries, created: Bool) -> SeriesLookup {
        if s.open.numSamples > 0 {
            return SeriesLookup(ref: ref, created: created, needsRecord: !s.logged, lastT: s.open.t, lastBits: s.open.vBits, hasLast: true)
        }
        return SeriesLookup(ref: ref, created: created, needsRecord: !s.logged, lastT: .min, lastBits: 0, hasLast: false)
    }

    /// Applies committed samples to memory. Samples are grouped by stripe with a stable counting
    /// sort, so each stripe is locked once per batch and a series' samples keep their order.
    /// Samples that became out of order since `append` checked them (another appender won) are
    /// counted and dropped, as Prometheus does at commit. Returns the number stored.
    @discardableResult
    func apply(_ samples: [RefSample], unknown: ((RefSample) -> Void)? = nil) -> Int {
        let range = options.chunkRange
        let target = options.chunkTargetSamples
        let store = chunkStore
        let nStripes = stripes.count
        var stored = 0, ooo = 0, dup = 0, newChunks = 0
        var lo = Timestamp.max, hi = Timestamp.min
        let n = samples.count
        if n == 0 { return 0 }

        func applyOne(_ st: inout Stripe, _ s: RefSample, _ slot: UInt32) {
            guard Int(slot) < st.slots.count, st.slots[Int(slot)] != nil else {
                unknown?(s)
                return
            }
            switch st.slots[Int(slot)]!.append(t: s.t, v: s.v, chunkRange: range, targetSamples: target, store: store) {
            case .appended(let nc):
                stored += 1
                if nc { newChunks += 1 }
                if s.t < lo { lo = s.t }
                if s.t > hi { hi = s.t }
            case .outOfOrder: ooo += 1
            case .duplicate: dup += 1
            case .noop: break
            }
        }

        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * nStripes + 3) { buf in
            let starts = UnsafeMutableBufferPointer(rebasing: buf[0..<(nStripes + 2)])
            let next = UnsafeMutableBufferPointer(rebasing: buf[(nStripes + 2)...])
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: n) { order in
                // Bucket nStripes holds refs this head never made.
                starts.initialize(repeating: 0)
                for s in samples {
                    let b = Self.split(s.ref).map { $0.stripe < nStripes ? $0.stripe : nStripes } ?? nStripes
                    starts[b + 1] += 1
                }
                for b in 0..<(nStripes + 1) { starts[b + 1] += starts[b] }
                for b in 0..<(nStripes + 1) { next[b] = starts[b] }
                for (i, s) in samples.enumerated() {
                    let b = Self.split(s.ref).map { $0.stripe < nStripes ? $0.stripe : nStripes } ?? nStripes
                    order[next[b]] = Int32(i)
                    next[b] += 1
                }
                for si in 0..<nStripes where starts[si + 1] > starts[si] {
                    stripes[si].m.withLock { st in
                        for k in starts[si]..<starts[si + 1] {
                            let s = samples[Int(order[k])]
                            applyOne(&st, s, Self.split(s.ref)!.slot)
                        }
                    }
                }
                for k in starts[nStripes]..<starts[nStripes + 1] { unknown?(samples[Int(order[k])]) }
            }
        }
        if stored > 0 {
            counters.samplesAppended.add(UInt64(stored), ordering: .relaxed)
            updateBounds(min: lo, max: hi)
        }
        if newChunks > 0 {
            counters.chunksCreated.add(UInt64(newChunks), ordering: .relaxed)
            counters.chunks.add(newChunks, ordering: .relaxed)
        }
        if ooo > 0 { counters.outOfOrder.add(UInt64(ooo), ordering: .relaxed) }
        if dup > 0 { counters.duplicate.add(UInt64(dup), ordering: .relaxed) }
        return stored
    }

    /// Marks series whose records were just written to the WAL.
    func markLogged(_ series: [RefSeries]) {
        for s in series {
            guard let p = Self.split(s.ref), p.stripe < stripes.count else { continue }
            stripes[p.stripe].m.withLock { st in
                if Int(p.slot) < st.slots.count, st.slots[Int(p.slot)]?.labels == s.labels {
                    st.slots[Int(p.slot)]!.logged = true
                }
            }
        }
    }

    /// Whether the head still holds `ref` with exactly these labels (checkpoint filter).
    func holds(_ ref: SeriesRef, labels: Labels?) -> Bool {
        guard let p = Self.split(ref), p.stripe < stripes.count else { return false }
        let (si, slot) = p
        return stripes[si].m.withLock { st in
            guard Int(slot) < st.slots.count, let s = st.slots[Int(slot)] else { return false }
            return labels == nil || s.labels == labels!
        }
    }
}
