import Testing
@testable import HTTPAPI
import MetricModel
import TSDB

@Suite struct FederationTests {
    func storage() -> MemoryStorage {
        let s = MemoryStorage()
        s.add(Labels(["__name__": "up", "job": "a", "instance": "h:1"]), [Sample(t: 1000, v: 0), Sample(t: 2000, v: 1)])
        s.add(Labels(["__name__": "up", "job": "b"]), [Sample(t: 1500, v: 1)])
        s.add(Labels(["__name__": "gone", "job": "a"]), [Sample(t: 1000, v: 5), Sample(t: 1900, v: StaleNaN.value)])
        s.add(Labels(["__name__": "old", "job": "a"]), [Sample(t: 1, v: 5)])
        s.add(Labels(["__name__": "abc", "job": "a", "zone": "z\"1"]), [Sample(t: 2000, v: 0.25), Sample(t: 9000, v: 7)])
        return s
    }

    func render(_ sets: [[LabelMatcher]], ext: Labels, chunk: Int = 64 * 1024) async throws -> (String, Int) {
        var f = Federation(storage: storage(), lookbackDelta: 1500)
        f.chunkBytes = chunk
        let samples = try f.collect(matcherSets: sets, now: 2500)
        var out: [UInt8] = []
        var chunks = 0
        try await f.write(samples, externalLabels: ext) { out += $0; chunks += 1 }
        return (String(decoding: out, as: UTF8.self), chunks)
    }

    @Test func latestSampleExternalLabelsNoStale() async throws {
        let (text, _) = try await render([[try LabelMatcher(.regexMatch, "__name__", ".+")]], ext: Labels(["replica": "r1", "job": "ext"]))
        #expect(text == """
        # TYPE abc untyped
        abc{job="a",zone="z\\"1",instance="",replica="r1"} 0.25 2000
        # TYPE up untyped
        up{instance="h:1",job="a",replica="r1"} 1 2000
        up{job="b",instance="",replica="r1"} 1 1500

        """)
    }

    @Test func unionOfMatchersAndChunking() async throws {
        let sets = [[LabelMatcher.equal("job", "b")], [LabelMatcher.equal("__name__", "up")]]
        let (text, chunks) = try await render(sets, ext: .empty, chunk: 10)
        #expect(text.components(separatedBy: "\n").filter { $0.hasPrefix("up{") }.count == 2)
        // Each sample line exceeds the 10-byte chunk size: one emit per series.
        #expect(chunks == 2)
    }
}
