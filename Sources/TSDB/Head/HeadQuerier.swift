import MetricModel

/// A series read from the head: a snapshot of its chunks (sharing their bytes) over [mint, maxt].
public struct HeadSeries: Series, Sendable {
    public let labels: Labels
    let chunks: [XORChunk]
    let mint: Timestamp
    let maxt: Timestamp

    public func iterator() -> any SampleIterator { HeadSeriesIterator(chunks: chunks, mint: mint, maxt: maxt) }

    public func appendSamples(mint: Timestamp, maxt: Timestamp, to buf: inout [Sample]) {
        let lo = Swift.max(mint, self.mint), hi = Swift.min(maxt, self.maxt)
        if lo > hi { return }
        for c in chunks where c.maxTime >= lo && c.minTime <= hi {
            var it = c.iterator()
            it.appendAll(mint: lo, maxt: hi, to: &buf)
        }
    }
}

/// Iterates a chain of chunks, limited to [mint, maxt]. No allocation per sample.
public struct HeadSeriesIterator: SampleIterator {
    let chunks: [XORChunk]
    let mint: Timestamp
    let maxt: Timestamp
    var idx = 0
    var cur: XORIterator?
    var done = false

    init(chunks: [XORChunk], mint: Timestamp, maxt: Timestamp) {
        self.chunks = chunks
        self.mint = mint
        self.maxt = maxt
    }

    public var at: Sample { cur!.at }

    public mutating func next() -> Bool {
        if done { return false }
        while true {
            if cur == nil {
                guard idx < chunks.count else { done = true; return false }
                cur = chunks[idx].iterator()
                idx += 1
                if chunks[idx - 1].minTime < mint {
                    if !cur!.seek(mint) { cur = nil; continue }
                    return check()
                }
            }
            if cur!.next() { return check() }
            cur = nil
        }
    }

    private mutating func check() -> Bool {
        if cur!.at.t > maxt {
            done = true
            return false
        }
        return true
    }

    public mutating func seek(_ t: Timestamp) -> Bool {
        if done { return false }
        let target = max(t, mint)
        if cur != nil && cur!.started && cur!.at.t >= target { return check() }
        // Skip whole chunks that end before the target.
        if cur == nil || (cur != nil && idx - 1 < chunks.count && chunks[idx - 1].maxTime < target) {
            cur = nil
            while idx < chunks.count && chunks[idx].maxTime < target { idx += 1 }
            guard idx < chunks.count else { done = true; return false }
            cur = chunks[idx].iterator()
            idx += 1
        }
        while true {
            if cur!.seek(target) { return check() }
            cur = nil
            guard idx < chunks.count else { done = true; return false }
            cur = chunks[idx].iterator()
            idx += 1
        }
    }
}

/// Reads the head over [mint, maxt]. Selects resolve postings under the index lock, then snapshot
/// each series' chunks under its stripe lock; the result is immutable.
struct HeadQuerier: Querier {
    let head: Head
    let mint: Timestamp
    let maxt: Timestamp

    /// Like Prometheus's head reader, never reads below the head's `minTime`: after a truncation
    /// the first kept chunk may still hold older samples, which now live in a block.
    var effectiveMint: Timestamp { max(mint, head.minTime) }

    func select(sorted: Bool, hints: SelectHints?, matchers: [LabelMatcher]) throws -> [any Series] {
        let lo = effectiveMint
        let series = snapshot(matchers, sorted: sorted)
        return series.map { HeadSeries(labels: $0.labels, chunks: $0.chunks, mint: lo, maxt: maxt) }
    }

    /// Matching series with their chunks overlapping [mint, maxt]; sorted by labels on request
    /// (otherwise in an unspecified but stable order, as Prometheus's unsorted selects).
    func snapshot(_ matchers: [LabelMatcher], sorted: Bool = false) -> [(labels: Labels, chunks: [XORChunk])] {
        let mint = effectiveMint
        let refs = head.postings.select(matchers)
        if refs.isEmpty || head.maxTime < mint || mint > maxt { return [] }
        // Group by stripe so each stripe is locked once.
        var byStripe = [[UInt32]](repeating: [], count: head.stripes.count)
        for r in refs {
            if let p = Head.split(r), p.stripe < byStripe.count { byStripe[p.stripe].append(p.slot) }
        }
        var out: [(labels: Labels, chunks: [XORChunk])] = []
        out.reserveCapacity(refs.count)
        for (si, slots) in byStripe.enumerated() where !slots.isEmpty {
            head.stripes[si].m.withLock { st in
                for slot in slots {
                    guard Int(slot) < st.slots.count, let s = st.slots[Int(slot)] else { continue }
                    let cs = s.chunks(mint: mint, maxt: maxt, store: head.chunkStore)
                    if !cs.isEmpty { out.append((s.labels, cs)) }
                }
            }
        }
        if sorted { out.sort { $0.labels.sortsBefore($1.labels) } }
        return out
    }

    func labelValues(_ name: String, matchers: [LabelMatcher]) throws -> [String] {
        if matchers.isEmpty {
            if head.maxTime < mint || head.minTime > maxt { return [] }
            return head.postings.labelValues(name)
        }
        var set = Set<String>()
        for s in snapshot(matchers) {
            let v = s.labels.get(name)
            if !v.isEmpty { set.insert(v) }
        }
        return set.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    func labelNames(matchers: [LabelMatcher]) throws -> [String] {
        if matchers.isEmpty {
            if head.maxTime < mint || head.minTime > maxt { return [] }
            return head.postings.labelNames()
        }
        var set = Set<String>()
        for s in snapshot(matchers) { for n in s.labels.names { set.insert(n) } }
        return set.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
