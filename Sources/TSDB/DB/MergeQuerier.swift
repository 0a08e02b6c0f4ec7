import MetricModel

/// Queries several queriers (blocks and the head) as one (Prometheus `storage.NewMergeQuerier`
/// with the chaining series merge): series with the same labels become one series whose samples
/// are merged in time order, duplicate timestamps dropped (the first querier's sample wins).
public struct MergeQuerier: Querier {
    public let queriers: [any Querier]

    public init(_ queriers: [any Querier]) { self.queriers = queriers }

    public func select(sorted: Bool, hints: SelectHints?, matchers: [LabelMatcher]) throws -> [any Series] {
        if queriers.count == 1 { return try queriers[0].select(sorted: sorted, hints: hints, matchers: matchers) }
        var order: [Labels] = []
        var groups: [Labels: [any Series]] = [:]
        for q in queriers {
            for s in try q.select(sorted: false, hints: hints, matchers: matchers) {
                if groups[s.labels] == nil { order.append(s.labels) }
                groups[s.labels, default: []].append(s)
            }
        }
        if sorted { order.sort { $0.sortsBefore($1) } }
        return order.map { l in
            let g = groups[l]!
            return g.count == 1 ? g[0] : MergedSeries(labels: l, parts: g)
        }
    }

    public func labelValues(_ name: String, matchers: [LabelMatcher]) throws -> [String] {
        var set = Set<String>()
        for q in queriers { set.formUnion(try q.labelValues(name, matchers: matchers)) }
        return set.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    public func labelNames(matchers: [LabelMatcher]) throws -> [String] {
        var set = Set<String>()
        for q in queriers { set.formUnion(try q.labelNames(matchers: matchers)) }
        return set.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}

/// One series assembled from several sources.
public struct MergedSeries: Series {
    public let labels: Labels
    public let parts: [any Series]

    public func iterator() -> any SampleIterator { MergeSampleIterator(parts.map { $0.iterator() }) }

    /// Parts are loaded one after another; a part that starts after what is loaded so far (the
    /// usual case: blocks in time order, then the head) is appended as is, otherwise it is merged,
    /// the earlier part winning on equal timestamps, as the iterator.
    public func appendSamples(mint: Timestamp, maxt: Timestamp, to buf: inout [Sample]) {
        let base = buf.count
        var part: [Sample] = []
        for p in parts {
            if buf.count == base {
                p.appendSamples(mint: mint, maxt: maxt, to: &buf)
                continue
            }
            part.removeAll(keepingCapacity: true)
            p.appendSamples(mint: mint, maxt: maxt, to: &part)
            guard let first = part.first else { continue }
            if first.t > buf[buf.count - 1].t {
                buf.append(contentsOf: part)
                continue
            }
            let merged = Self.merge(buf[base...], part)
            buf.removeSubrange(base...)
            buf.append(contentsOf: merged)
        }
    }

    /// Merges two time-ordered runs; on equal timestamps `a`'s sample wins.
    static func merge(_ a: ArraySlice<Sample>, _ b: [Sample]) -> [Sample] {
        var out: [Sample] = []
        out.reserveCapacity(a.count + b.count)
        var i = a.startIndex, j = 0
        while i < a.endIndex && j < b.count {
            let x = a[i], y = b[j]
            if x.t < y.t { out.append(x); i += 1 }
            else if y.t < x.t { out.append(y); j += 1 }
            else { out.append(x); i += 1; j += 1 }
        }
        out.append(contentsOf: a[i...])
        out.append(contentsOf: b[j...])
        return out
    }
}

/// K-way merge of sample iterators by timestamp; equal timestamps yield the first source's sample.
public struct MergeSampleIterator: SampleIterator {
    var its: [any SampleIterator]
    /// Whether each iterator has a current sample not yet consumed.
    var live: [Bool]
    var started = false
    var cur = Sample(t: 0, v: 0)

    public init(_ its: [any SampleIterator]) {
        self.its = its
        live = [Bool](repeating: false, count: its.count)
    }

    public var at: Sample { cur }

    public mutating func next() -> Bool {
        if !started {
            started = true
            for i in its.indices { live[i] = its[i].next() }
        } else {
            // Advance every source positioned at the sample just returned.
            for i in its.indices where live[i] && its[i].at.t == cur.t { live[i] = its[i].next() }
        }
        return pick()
    }

    mutating func pick() -> Bool {
        var best = -1
        for i in its.indices where live[i] {
            if best < 0 || its[i].at.t < its[best].at.t { best = i }
        }
        if best < 0 { return false }
        cur = its[best].at
        return true
    }

    public mutating func seek(_ t: Timestamp) -> Bool {
        if started && live.contains(true) && cur.t >= t { return true }
        if !started {
            started = true
            for i in its.indices { live[i] = its[i].seek(t) }
        } else {
            for i in its.indices where live[i] && its[i].at.t < t { live[i] = its[i].seek(t) }
        }
        return pick()
    }
}
