import MetricModel
import TSDB

/// Pre-fetched, deduplicated series served to the PromQL engine as a `Queryable`. The engine
/// selects with the same matchers the plan fetched, so each select returns that fetch's series;
/// any other matcher set is answered from the union of everything fetched.
public struct MergedQueryable: Queryable, Querier {
    let byFetch: [Set<LabelMatcher>: [MemorySeries]]
    let all: [MemorySeries]

    public init(byFetch: [Set<LabelMatcher>: [MemorySeries]]) {
        self.byFetch = byFetch
        var union: [Labels: MemorySeries] = [:]
        for list in byFetch.values {
            for s in list where (union[s.labels]?.samples.count ?? -1) < s.samples.count { union[s.labels] = s }
        }
        self.all = union.values.sorted { $0.labels < $1.labels }
    }

    public func querier(mint: Timestamp, maxt: Timestamp) throws -> any Querier { self }

    public func select(sorted: Bool, hints: SelectHints?, matchers: [LabelMatcher]) throws -> [any Series] {
        if let s = byFetch[Set(matchers)] { return s }
        return all.filter { s in matchers.allSatisfy { $0.matches(s.labels) } }
    }

    public func labelValues(_ name: String, matchers: [LabelMatcher]) throws -> [String] {
        Set(all.filter { s in matchers.allSatisfy { $0.matches(s.labels) } }.map { $0.labels.get(name) }.filter { !$0.isEmpty }).sorted()
    }

    public func labelNames(matchers: [LabelMatcher]) throws -> [String] {
        Set(all.filter { s in matchers.allSatisfy { $0.matches(s.labels) } }.flatMap(\.labels.names)).sorted()
    }
}
