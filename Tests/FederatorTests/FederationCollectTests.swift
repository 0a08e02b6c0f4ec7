import HTTPAPI
import MetricModel
import Testing
import TSDB

/// /federate's collect over several queriers (blocks + head behind a `MergeQuerier`): merged by
/// label order without hashing; a series in several queriers is one series whose latest sample in
/// the window wins (equal timestamps: the first querier's); stale series left out; output sorted
/// by metric name then labels, also when a label name sorts before `__name__`.
@Suite struct FederationCollectTests {
    struct Both: Queryable {
        let a: MemoryStorage, b: MemoryStorage
        func querier(mint: Timestamp, maxt: Timestamp) throws -> any Querier {
            MergeQuerier([try a.querier(mint: mint, maxt: maxt), try b.querier(mint: mint, maxt: maxt)])
        }
    }

    @Test func mergesQueriersByLabelOrder() throws {
        let a = MemoryStorage(), b = MemoryStorage()
        a.add(["__name__": "m", "x": "1"], [Sample(t: 100, v: 1), Sample(t: 200, v: 2)])
        b.add(["__name__": "m", "x": "1"], [Sample(t: 300, v: 3)])          // newer in b
        a.add(["__name__": "m", "x": "2"], [Sample(t: 300, v: 20)])
        b.add(["__name__": "m", "x": "2"], [Sample(t: 300, v: 21)])         // tie: a's wins
        b.add(["__name__": "a_first", "x": "9"], [Sample(t: 250, v: 9)])
        a.add(["__name__": "m", "x": "3"], [Sample(t: 290, v: StaleNaN.value)])
        a.add(["__name__": "m", "x": "4"], [Sample(t: 10, v: 4)])           // outside the window
        let fed = Federation(storage: Both(a: a, b: b), lookbackDelta: 200)
        let got = try fed.collect(matcherSets: [[.equal("x", "1"), try LabelMatcher(.regexMatch, "__name__", ".+")],
                                                [try LabelMatcher(.regexMatch, "__name__", ".+")]], now: 300)
        #expect(got.map { $0.0.description } == ["{__name__=\"a_first\", x=\"9\"}", "{__name__=\"m\", x=\"1\"}", "{__name__=\"m\", x=\"2\"}"])
        #expect(got.map(\.1) == [Sample(t: 250, v: 9), Sample(t: 300, v: 3), Sample(t: 300, v: 20)])
        let one = try fed.collect(matcherSets: [[try LabelMatcher(.regexMatch, "__name__", "m")]], now: 300)
        #expect(one.map(\.1) == [Sample(t: 300, v: 3), Sample(t: 300, v: 20)])
    }

    @Test func upperCaseLabelNamesStillSortByMetricName() throws {
        let a = MemoryStorage()
        a.add(["__name__": "zz", "A": "1"], [Sample(t: 100, v: 1)])
        a.add(["__name__": "aa", "B": "1"], [Sample(t: 100, v: 2)])
        a.add(["__name__": "mm"], [Sample(t: 100, v: 3)])
        let got = try Federation(storage: a, lookbackDelta: 1000).collect(matcherSets: [[try LabelMatcher(.regexMatch, "__name__", ".+")]], now: 200)
        #expect(got.map { $0.0.get("__name__") } == ["aa", "mm", "zz"])
    }
}
