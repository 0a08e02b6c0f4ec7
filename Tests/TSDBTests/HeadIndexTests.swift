import MetricModel
import Testing
@testable import TSDB

@Suite struct HeadIndexTests {
    /// Series whose labels hash alike share a stripe entry through the collision list.
    @Test func stripeHandlesHashCollisions() {
        var st = Stripe()
        let x: Labels = ["a": "1"], y: Labels = ["a": "2"], z: Labels = ["a": "3"]
        let sx = st.insert(MemSeries(labels: x, epoch: 0), hash: 42)
        let sy = st.insert(MemSeries(labels: y, epoch: 0), hash: 42)
        let sz = st.insert(MemSeries(labels: z, epoch: 0), hash: 42)
        #expect(st.find(x, hash: 42) == sx)
        #expect(st.find(y, hash: 42) == sy)
        #expect(st.find(z, hash: 42) == sz)
        #expect(st.find(["a": "4"], hash: 42) == nil)
        #expect(st.find(x, hash: 43) == nil)
        // Removing the primary entry promotes a collision; slots are reused.
        _ = st.remove(slot: sx)
        #expect(st.find(x, hash: 42) == nil)
        #expect(st.find(y, hash: 42) == sy)
        #expect(st.find(z, hash: 42) == sz)
        _ = st.remove(slot: sz)
        #expect(st.find(y, hash: 42) == sy)
        #expect(st.find(z, hash: 42) == nil)
        let again = st.insert(MemSeries(labels: z, epoch: 0), hash: 42)
        #expect(again == sz)  // last freed slot first
        #expect(st.find(z, hash: 42) == again)
    }

    @Test func postingsSortLazilyAndRemove() {
        let p = PostingsIndex()
        let refs: [SeriesRef] = [900, 65, 320, 128, 77]
        for (i, r) in refs.enumerated() { p.add(r, ["__name__": "m", "i": "\(i % 2)"]) }
        #expect(p.select([m(.equal, "__name__", "m")]) == refs.sorted())
        #expect(p.select([m(.equal, "i", "0")]) == [77, 320, 900])  // i = index % 2
        #expect(p.select([m(.notEqual, "i", "0")]) == [65, 128])
        #expect(p.select([m(.regexMatch, "i", "0|1"), m(.equal, "__name__", "m")]) == refs.sorted())
        #expect(p.select([m(.equal, "i", "")]).isEmpty)
        #expect(p.select([m(.equal, "nope", "")]) == refs.sorted())
        p.remove([(ref: 65, labels: ["__name__": "m", "i": "1"]), (ref: 77, labels: ["__name__": "m", "i": "0"])])
        #expect(p.select([m(.equal, "i", "0")]) == [320, 900])
        #expect(p.select([]) == [128, 320, 900])
        #expect(p.labelValues("i") == ["0", "1"])
        p.remove([(ref: 900, labels: ["__name__": "m", "i": "0"]), (ref: 320, labels: ["__name__": "m", "i": "0"])])
        #expect(p.labelValues("i") == ["1"])
        #expect(p.labelNames() == ["__name__", "i"])
    }

    @Test func labelOrderMatchesPrometheusCompare() {
        let sets: [Labels] = [
            ["a": "1"], ["a": "1", "b": "2"], ["a": "10"], ["a": "2"], ["aa": "0"], ["b": "0"], [:],
            ["__name__": "x", "z": "1"], ["__name__": "x"], ["a": "1", "c": "0"],
        ]
        for x in sets {
            for y in sets {
                let want = Labels.compare(x, y)
                let got = Labels.compare(x, y)
                #expect((want < 0) == (got < 0) && (want == 0) == (got == 0), "\(x) vs \(y)")
            }
        }
    }
}
