import MetricModel

/// Operations on sorted, unique series-reference lists (Prometheus `index.Intersect`, `Merge`,
/// `Without`) and matcher evaluation over an index (`PostingsForMatchers`).
public enum Postings {
    public static func intersect(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(min(a.count, b.count))
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] { out.append(a[i]); i += 1; j += 1 } else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return out
    }

    public static func merge(_ lists: [[UInt64]]) -> [UInt64] {
        if lists.isEmpty { return [] }
        if lists.count == 1 { return lists[0] }
        var all = lists.flatMap { $0 }
        all.sort()
        var out: [UInt64] = []
        out.reserveCapacity(all.count)
        for x in all where out.last != x { out.append(x) }
        return out
    }

    /// a minus b.
    public static func without(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        if b.isEmpty { return a }
        var out: [UInt64] = []
        out.reserveCapacity(a.count)
        var j = 0
        for x in a {
            while j < b.count && b[j] < x { j += 1 }
            if j < b.count && b[j] == x { continue }
            out.append(x)
        }
        return out
    }

    /// Series references matching all matchers (a missing label matches as ""). With no matchers,
    /// all series.
    public static func forMatchers(_ ix: IndexReader, _ matchers: [LabelMatcher]) -> [UInt64] {
        var positive: [[UInt64]] = []
        var negative: [[UInt64]] = []
        for m in matchers {
            if m.type == .equal && !m.value.isEmpty {
                positive.append(ix.postings(m.name, m.value))
            } else if !m.matchesEmpty {
                // Only series that have the label with a matching value.
                let lists = ix.valuesWithOffsets(m.name).filter { m.matches($0.0) }.map { ix.postingsList(at: $0.1) }
                positive.append(merge(lists))
            } else {
                // Everything except series whose value does not match.
                let lists = ix.valuesWithOffsets(m.name).filter { !m.matches($0.0) }.map { ix.postingsList(at: $0.1) }
                negative.append(merge(lists))
            }
            if let last = positive.last, last.isEmpty { return [] }
        }
        positive.sort { $0.count < $1.count }
        var result = positive.first ?? ix.allPostings()
        for p in positive.dropFirst() {
            result = intersect(result, p)
            if result.isEmpty { return [] }
        }
        for n in negative { result = without(result, n) }
        return result
    }
}
