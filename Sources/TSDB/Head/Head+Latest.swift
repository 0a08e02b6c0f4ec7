import MetricModel

extension Head {
    /// The newest sample at or before `maxt` (and at or after `mint`) of every series matching
    /// `matchers`, sorted by labels: what `/federate` and instant lookups need, without decoding
    /// chunks when the newest sample qualifies (the common case: `maxt` is now). Stale markers
    /// are returned as they are; callers skip them as Prometheus's federation does.
    public func latestSamples(matchers: [LabelMatcher], mint: Timestamp, maxt: Timestamp) -> [(labels: Labels, sample: Sample)] {
        let lo = max(mint, minTime)
        if lo > maxt { return [] }
        let refs = postings.select(matchers)
        var byStripe = [[UInt32]](repeating: [], count: stripes.count)
        for r in refs {
            if let p = Self.split(r), p.stripe < byStripe.count { byStripe[p.stripe].append(p.slot) }
        }
        var out: [(labels: Labels, sample: Sample)] = []
        var slow: [(labels: Labels, chunks: [XORChunk])] = []
        for (si, slots) in byStripe.enumerated() where !slots.isEmpty {
            stripes[si].m.withLock { st in
                for slot in slots {
                    guard Int(slot) < st.slots.count, let s = st.slots[Int(slot)], s.open.numSamples > 0 else { continue }
                    let t = s.open.t
                    if t <= maxt {
                        if t >= lo { out.append((s.labels, Sample(t: t, v: Double(bitPattern: s.open.vBits)))) }
                    } else if s.minTime <= maxt {
                        slow.append((s.labels, s.chunks(mint: lo, maxt: maxt, store: chunkStore)))
                    }
                }
            }
        }
        // Newest sample is after maxt (a query in the past): decode outside the locks.
        for (labels, chunks) in slow {
            var it = HeadSeriesIterator(chunks: chunks, mint: lo, maxt: maxt)
            var last: Sample?
            while it.next() { last = it.at }
            if let last { out.append((labels, last)) }
        }
        out.sort { $0.labels.sortsBefore($1.labels) }
        return out
    }
}
