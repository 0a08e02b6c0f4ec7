import MetricModel
import Testing
@testable import TSDB

@Suite struct HeadTests {
    let a: Labels = ["__name__": "up", "job": "a"]
    let b: Labels = ["__name__": "up", "job": "b"]

    func memHead(_ opts: HeadOptions = HeadOptions()) throws -> Head { try Head(dir: nil, options: opts, logger: quietLogger) }

    @Test func appendErrorsAsPrometheus() throws {
        let h = try memHead()
        let app = h.appender()
        let ref = try app.append(ref: nil, labels: a, t: 100, v: 1)
        try app.commit()

        let app2 = h.appender()
        #expect(throws: AppendError.outOfOrderSample) { try app2.append(ref: ref, labels: a, t: 99, v: 1) }
        #expect(throws: AppendError.duplicateSampleForTimestamp) { try app2.append(ref: ref, labels: a, t: 100, v: 2) }
        // Same timestamp, same value bits: accepted silently.
        #expect(try app2.append(ref: ref, labels: a, t: 100, v: 1) == ref)
        // NaN payloads compare by bits: stale marker after a normal NaN at the same t is a duplicate.
        try app2.append(ref: ref, labels: a, t: 200, v: NormalNaN.value)
        try app2.commit()
        let app3 = h.appender()
        #expect(throws: AppendError.duplicateSampleForTimestamp) { try app3.append(ref: nil, labels: a, t: 200, v: StaleNaN.value) }
        try app3.append(ref: nil, labels: a, t: 200, v: NormalNaN.value)
        try app3.append(ref: nil, labels: a, t: 300, v: StaleNaN.value)
        try app3.commit()

        h.minValidTime = 1000
        let app4 = h.appender()
        #expect(throws: AppendError.outOfBounds) { try app4.append(ref: nil, labels: b, t: 999, v: 1) }
        #expect(throws: AppendError.invalidLabels("empty label set")) { try app4.append(ref: nil, labels: .empty, t: 2000, v: 1) }
        try app4.append(ref: nil, labels: b, t: 1000, v: 1)
        try app4.commit()

        let st = h.stats
        #expect(st.outOfOrderSamples == 1)
        #expect(st.duplicateSamples == 2)
        #expect(st.outOfBoundsSamples == 1)
        #expect(st.samplesAppended == 4)
        #expect(st.series == 2)
        #expect(st.minTime == 100 && st.maxTime == 1000)

        let got = try dump(h, [m(.equal, "job", "a")])
        let samples = got[a.description]!
        #expect(samples.map(\.t) == [100, 200, 300])
        #expect(samples[1].v.bitPattern == NormalNaN.bits)
        #expect(StaleNaN.isStale(samples[2].v))
    }

    @Test func commitMakesVisibleRollbackDiscards() throws {
        let h = try memHead()
        let app = h.appender()
        try app.append(ref: nil, labels: a, t: 1, v: 1)
        #expect(try dump(h, [m(.equal, "job", "a")]).isEmpty)
        app.rollback()
        #expect(try dump(h, [m(.equal, "job", "a")]).isEmpty)
        #expect(h.stats.samplesAppended == 0)
        let app2 = h.appender()
        try app2.append(ref: nil, labels: a, t: 1, v: 1)
        try app2.commit()
        #expect(try dump(h, [m(.equal, "job", "a")]) == [a.description: [Sample(t: 1, v: 1)]])
    }

    @Test func refsAreStableAndChecked() throws {
        let h = try memHead()
        let app = h.appender()
        let ra = try app.append(ref: nil, labels: a, t: 1, v: 1)
        let rb = try app.append(ref: nil, labels: b, t: 1, v: 2)
        try app.commit()
        #expect(ra != rb)
        let app2 = h.appender()
        #expect(try app2.append(ref: ra, labels: a, t: 2, v: 1) == ra)
        #expect(try app2.append(ref: nil, labels: a, t: 3, v: 1) == ra)
        // A ref naming other labels is ignored: the labels decide.
        #expect(try app2.append(ref: ra, labels: b, t: 2, v: 2) == rb)
        #expect(try app2.append(ref: 0xdead_beef, labels: b, t: 3, v: 2) == rb)
        try app2.commit()
        #expect(try dump(h, [m(.equal, "__name__", "up")])[b.description]?.map(\.t) == [1, 2, 3])
    }

    @Test func chunksCutAt120AndAtRangeBoundary() throws {
        var o = HeadOptions()
        o.chunkRange = 10_000
        let h = try memHead(o)
        let app = h.appender()
        for i in 0..<250 { try app.append(ref: nil, labels: a, t: Int64(i), v: Double(i)) }
        try app.append(ref: nil, labels: b, t: 9_999, v: 1)
        try app.append(ref: nil, labels: b, t: 10_000, v: 1)
        try app.commit()
        #expect(h.stats.chunks == 3 + 2)
        let blocks = h.chunksForBlock(mint: 0, maxt: 20_000)
        #expect(blocks.map(\.labels) == [a, b])
        #expect(blocks[0].chunks.map(\.numSamples) == [120, 120, 10])
        #expect(blocks[1].chunks.map(\.minTime) == [9_999, 10_000])
    }

    @Test func chunksForBlockRestrictsRange() throws {
        let h = try memHead()
        let app = h.appender()
        for i in 0..<300 { try app.append(ref: nil, labels: a, t: Int64(i) * 10, v: Double(i)) }
        try app.append(ref: nil, labels: b, t: 5000, v: 1)
        try app.commit()
        let got = h.chunksForBlock(mint: 1000, maxt: 1999)
        #expect(got.count == 1)
        #expect(got[0].labels == a)
        var ts: [Int64] = []
        for c in got[0].chunks {
            var it = c.iterator()
            while it.next() { ts.append(it.at.t) }
        }
        #expect(ts == Array(stride(from: 1000, through: 1990, by: 10)))
    }

    static let selectCases: [(String, [LabelMatcher], [String])] = [
        ("equal", [m(.equal, "job", "a")], ["{__name__=\"up\", job=\"a\"}", "{__name__=\"x\", env=\"p\", job=\"a\"}"]),
        ("equal+equal", [m(.equal, "__name__", "up"), m(.equal, "job", "b")], ["{__name__=\"up\", job=\"b\"}"]),
        ("notEqual", [m(.equal, "__name__", "x"), m(.notEqual, "env", "p")], ["{__name__=\"x\", job=\"c\"}"]),
        ("empty means absent", [m(.equal, "__name__", "x"), m(.equal, "env", "")], ["{__name__=\"x\", job=\"c\"}"]),
        ("notEqual empty means present", [m(.notEqual, "env", "")], ["{__name__=\"x\", env=\"p\", job=\"a\"}"]),
        ("regex set", [m(.regexMatch, "job", "a|c")], ["{__name__=\"up\", job=\"a\"}", "{__name__=\"x\", env=\"p\", job=\"a\"}", "{__name__=\"x\", job=\"c\"}"]),
        ("regex prefix", [m(.regexMatch, "__name__", "u.*")], ["{__name__=\"up\", job=\"a\"}", "{__name__=\"up\", job=\"b\"}"]),
        ("regex matching empty", [m(.equal, "__name__", "x"), m(.regexMatch, "env", "p|")], ["{__name__=\"x\", env=\"p\", job=\"a\"}", "{__name__=\"x\", job=\"c\"}"]),
        ("regexNoMatch", [m(.regexMatch, "job", ".+"), m(.regexNoMatch, "job", "a|b")], ["{__name__=\"x\", job=\"c\"}"]),
        ("regexNoMatch of empty", [m(.regexNoMatch, "env", "")], ["{__name__=\"x\", env=\"p\", job=\"a\"}"]),
        ("no such value", [m(.equal, "job", "zzz")], []),
        ("no such label, not empty", [m(.regexMatch, "nope", ".+")], []),
        ("all via .*", [m(.regexMatch, "job", ".*"), m(.equal, "__name__", "up")], ["{__name__=\"up\", job=\"a\"}", "{__name__=\"up\", job=\"b\"}"]),
    ]

    @Test(arguments: selectCases)
    func selectMatchers(_ name: String, _ matchers: [LabelMatcher], _ want: [String]) throws {
        let h = try memHead()
        let mem = MemoryStorage()
        let series: [Labels] = [a, b, ["__name__": "x", "job": "a", "env": "p"], ["__name__": "x", "job": "c"]]
        for store in [h as any Appendable, mem] {
            let app = store.appender()
            for (i, l) in series.enumerated() { try app.append(ref: nil, labels: l, t: 10, v: Double(i)) }
            try app.commit()
        }
        let q = try h.querier(mint: 0, maxt: 100)
        let got = try q.select(sorted: true, hints: nil, matchers: matchers).map(\.labels.description)
        #expect(got == want, "\(name)")
        // The reference storage agrees.
        let ref = try mem.querier(mint: 0, maxt: 100).select(sorted: true, hints: nil, matchers: matchers).map(\.labels.description)
        #expect(got == ref, "\(name)")
    }

    @Test func selectRestrictsTimeAndSorts() throws {
        let h = try memHead()
        let app = h.appender()
        for t in stride(from: Int64(0), to: 1000, by: 10) {
            try app.append(ref: nil, labels: b, t: t, v: Double(t))
            try app.append(ref: nil, labels: a, t: t, v: -Double(t))
        }
        try app.commit()
        let q = try h.querier(mint: 95, maxt: 130)
        let ss = try q.select(sorted: true, hints: nil, matchers: [m(.equal, "__name__", "up")])
        #expect(ss.map(\.labels) == [a, b])
        var it = ss[1].iterator()
        var got: [Sample] = []
        while it.next() { got.append(it.at) }
        #expect(got == [Sample(t: 100, v: 100), Sample(t: 110, v: 110), Sample(t: 120, v: 120), Sample(t: 130, v: 130)])
        var it2 = ss[0].iterator()
        do { let ok = it2.seek(115); #expect(ok) }
        #expect(it2.at == Sample(t: 120, v: -120))
        do { let ok = it2.seek(131); #expect(!ok) }
        #expect(try h.querier(mint: 2000, maxt: 3000).select(sorted: true, hints: nil, matchers: [m(.equal, "__name__", "up")]).isEmpty)
    }

    @Test func iteratorAcrossManyChunksAndSeek() throws {
        let h = try memHead()
        let app = h.appender()
        for i in 0..<1000 { try app.append(ref: nil, labels: a, t: Int64(i) * 15, v: Double(i)) }
        try app.commit()
        let s = try h.querier(mint: 3000, maxt: 12_000).select(sorted: false, hints: nil, matchers: [m(.equal, "job", "a")])
        #expect(s.count == 1)
        var it = s[0].iterator()
        do { let ok = it.seek(6001); #expect(ok) }
        #expect(it.at.t == 6015)
        var n = 1
        while it.next() { n += 1 }
        #expect(n == (12_000 - 6015) / 15 + 1)
        var it2 = s[0].iterator()
        var all = 0
        while it2.next() { all += 1 }
        #expect(all == (12_000 - 3000) / 15 + 1)
    }

    @Test func labelNamesAndValues() throws {
        let h = try memHead()
        let app = h.appender()
        try app.append(ref: nil, labels: a, t: 1, v: 1)
        try app.append(ref: nil, labels: b, t: 1, v: 1)
        try app.append(ref: nil, labels: ["__name__": "x", "env": "p", "job": "a"], t: 1, v: 1)
        try app.commit()
        let q = try h.querier(mint: 0, maxt: 10)
        #expect(try q.labelNames(matchers: []) == ["__name__", "env", "job"])
        #expect(try q.labelValues("job", matchers: []) == ["a", "b"])
        #expect(try q.labelValues("job", matchers: [m(.equal, "__name__", "x")]) == ["a"])
        #expect(try q.labelNames(matchers: [m(.equal, "job", "b")]) == ["__name__", "job"])
        #expect(try h.querier(mint: 100, maxt: 200).labelNames(matchers: []) == [])
    }

    @Test func truncateDropsOldChunksAndSeries() throws {
        let h = try memHead()
        let app = h.appender()
        for i in 0..<600 { try app.append(ref: nil, labels: a, t: Int64(i) * 10, v: Double(i)) }
        for i in 0..<10 { try app.append(ref: nil, labels: b, t: Int64(i) * 10, v: Double(i)) }
        try app.commit()
        #expect(h.stats.chunks == 5 + 1)
        try h.truncate(before: 3000)
        let st = h.stats
        #expect(st.series == 1)
        #expect(st.seriesRemoved == 1)
        #expect(st.chunks == 3)  // chunks starting at 2400, 3600, 4800 remain
        #expect(h.minTime == 3000)
        #expect(h.minValidTime == 3000)
        let got = try dump(h, [m(.equal, "__name__", "up")])
        #expect(got.keys.sorted() == [a.description])
        // The chunk from 2400 is kept, but reads start at the head's minTime (older data is in a block).
        #expect(got[a.description]!.first!.t == 3000)
        #expect(got[a.description]!.count == 300)
        #expect(h.chunksForBlock(mint: 0, maxt: 10_000)[0].chunks[0].minTime == 2400)
        let app2 = h.appender()
        #expect(throws: AppendError.outOfBounds) { try app2.append(ref: nil, labels: b, t: 2999, v: 1) }
        #expect(try h.querier(mint: 0, maxt: 10_000).labelValues("job", matchers: []) == ["a"])
    }

    @Test func concurrentAppenders() async throws {
        let h = try memHead()
        await withTaskGroup(of: Void.self) { g in
            for w in 0..<8 {
                g.addTask {
                    for batch in 0..<20 {
                        let app = h.appender()
                        for s in 0..<50 {
                            let l: Labels = ["__name__": "c", "w": "\(w)", "s": "\(s)"]
                            _ = try? app.append(ref: nil, labels: l, t: Int64(batch), v: Double(batch))
                        }
                        try? app.commit()
                    }
                }
            }
        }
        #expect(h.stats.series == 400)
        #expect(h.stats.samplesAppended == 8000)
        let got = try dump(h, [m(.equal, "__name__", "c")])
        #expect(got.count == 400)
        #expect(got.values.allSatisfy { $0.map(\.t) == Array(0..<20) })
    }

    /// The head's chunk-chaining iterator behaves like a plain array iterator over the same
    /// samples, for random windows and random next/seek sequences.
    @Test(arguments: [1, 2, 3, 4, 5, 6])
    func iteratorMatchesArrayIterator(seed: UInt64) throws {
        var rng = SplitMix(state: seed)
        let h = try memHead()
        var all: [Sample] = []
        var t: Int64 = 0
        let app = h.appender()
        for _ in 0..<700 {
            t += 1 + Int64(rng.next() % 40)
            let v = Double(rng.next() % 100)
            all.append(Sample(t: t, v: v))
            try app.append(ref: nil, labels: a, t: t, v: v)
        }
        try app.commit()
        for _ in 0..<20 {
            let lo = Int64(rng.next() % UInt64(t + 100)) - 50
            let hi = lo + Int64(rng.next() % UInt64(t))
            let series = try h.querier(mint: lo, maxt: hi).select(sorted: false, hints: nil, matchers: [m(.equal, "job", "a")])
            let want = all.filter { $0.t >= lo && $0.t <= hi }
            if want.isEmpty {
                #expect(series.isEmpty || { var i = series[0].iterator(); return !i.next() }())
                continue
            }
            var got = series[0].iterator()
            var ref = ArraySampleIterator(want)
            for _ in 0..<60 {
                if rng.next() % 3 == 0 {
                    let target = lo + Int64(rng.next() % UInt64(max(1, hi - lo + 40))) - 20
                    let g = got.seek(target), r = ref.seek(target)
                    #expect(g == r, "seek(\(target)) in [\(lo), \(hi)]")
                    if g && r { #expect(got.at == ref.at) }
                    if g != r { break }
                } else {
                    let g = got.next(), r = ref.next()
                    #expect(g == r, "next in [\(lo), \(hi)]")
                    if g && r { #expect(got.at == ref.at) }
                    if g != r { break }
                }
            }
        }
    }

    /// Memory budget per head series (the benchmark compares resident bytes per series with
    /// Prometheus): the inline slot and each closed chunk reference stay this small.
    @Test func perSeriesLayoutBudget() {
        #expect(MemoryLayout<MemSeries?>.stride <= 80)
        #expect(MemoryLayout<XORChunk>.size <= 56)
        #expect(MemoryLayout<ClosedChunk>.stride == 24)
    }
}
