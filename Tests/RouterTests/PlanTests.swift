import MetricModel
import PromQL
import Relabeling
import Testing
@testable import Router

@Suite struct PlanTests {
    func plan(_ q: String, start: Int64 = 1_000_000, end: Int64 = 1_000_000, step: Int64 = 0) throws -> SelectorPlan {
        SelectorPlan.plan(try Parser.parseExpr(q), start: start, end: end, step: step, lookbackMs: 300_000)
    }

    @Test func vectorSelectorUsesLookback() throws {
        let p = try plan("up{job=\"a\"}")
        #expect(p.fetches.count == 1)
        #expect(p.fetches[0].mint == 700_000)
        #expect(p.fetches[0].maxt == 1_000_000)
        #expect(p.fetches[0].selectorText == "{job=\"a\",__name__=\"up\"}" || p.fetches[0].selectorText == "{__name__=\"up\",job=\"a\"}")
    }

    @Test func rangeAndOffsetAndRangeQuery() throws {
        let p = try plan("rate(x[1m] offset 10m)", start: 1_000_000, end: 2_000_000, step: 15_000)
        #expect(p.fetches.count == 1)
        #expect(p.fetches[0].mint == 1_000_000 - 600_000 - 60_000)
        #expect(p.fetches[0].maxt == 2_000_000 - 600_000)
    }

    @Test func sameSelectorTwiceIsOneFetchWithTheUnionWindow() throws {
        let p = try plan("x - x offset 1h")
        #expect(p.fetches.count == 1)
        #expect(p.fetches[0].mint == 1_000_000 - 3_600_000 - 300_000)
        #expect(p.fetches[0].maxt == 1_000_000)
    }

    @Test func atModifierAndSubquery() throws {
        let p = try plan("max_over_time(rate(y[1m])[10m:1m]) + z @ 500")
        #expect(p.fetches.count == 2)
        let y = p.fetches.first { $0.matchers.contains(LabelMatcher.equal("__name__", "y")) }!
        #expect(y.mint <= 1_000_000 - 600_000 - 60_000)
        #expect(y.maxt == 1_000_000)
        let z = p.fetches.first { $0.matchers.contains(LabelMatcher.equal("__name__", "z")) }!
        #expect(z.maxt == 500_000)
        #expect(z.mint == 200_000)
    }

    @Test func selectorTextEscapes() throws {
        let p = try plan("{__name__=~\"a|b\",path!=\"/x\\\"y\"}")
        #expect(p.fetches[0].selectorText.contains("path!=\"/x\\\"y\""))
        #expect(p.fetches[0].selectorText.contains("__name__=~\"a|b\""))
    }

    @Test func shardPruning() throws {
        let group = { (i: Int) in GroupConfig(name: "shard-\(i)", shard: i, shards: 3, shardBy: ["__address__"], members: []) }
        let addr = "10.0.0.7:9100"
        let owner = ShardPruning.owner([LabelMatcher.equal("instance", addr)], shardBy: ["__address__"], shards: 3)!
        #expect(owner == Int(Relabeling.MD5.hashmod(addr, modulus: 3)))
        let pinned = [[LabelMatcher.equal("__name__", "up"), LabelMatcher.equal("instance", addr)]]
        let needed = (0..<3).filter { ShardPruning.needed(group($0), fetches: pinned) }
        #expect(needed == [owner])
        // A selector that does not pin the address needs every shard.
        let open = [[LabelMatcher.equal("__name__", "up")]]
        #expect((0..<3).filter { ShardPruning.needed(group($0), fetches: open) } == [0, 1, 2])
        // A regex on instance does not pin it either.
        let re = [[try LabelMatcher(.regexMatch, "instance", addr)]]
        #expect((0..<3).filter { ShardPruning.needed(group($0), fetches: re) } == [0, 1, 2])
    }
}
