import Foundation
import MetricModel
import Testing
@testable import TSDB

@Suite struct HeadChunkStoreTests {
    func files(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/chunks_head")) ?? []).sorted()
    }

    @Test(arguments: [true, false])
    func closedChunksLiveInRegionsAndAreDroppedOnTruncate(fileBacked: Bool) throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        var o = HeadOptions()
        o.chunkFileSize = 4096
        let h = try Head(dir: fileBacked ? dir.path : nil, options: o, logger: quietLogger)
        var want: [String: [Sample]] = [:]
        var rng = SplitMix(state: 3)
        for i in 0..<2000 {
            let app = h.appender()
            for s in 0..<5 {
                let l: Labels = ["__name__": "x", "s": "\(s)"]
                let v = Double(rng.next() % 1000) / 7
                try app.append(ref: nil, labels: l, t: Int64(i) * 10, v: v)
                want[l.description, default: []].append(Sample(t: Int64(i) * 10, v: v))
            }
            try app.commit()
        }
        #expect(try dump(h, [m(.equal, "__name__", "x")]) == want)
        #expect(h.stats.chunks == 5 * 17)
        let regions = h.chunkStore.mappedRegions
        #expect(regions > 5)
        if fileBacked { #expect(files(dir.path).count == regions) }

        try h.truncate(before: 10_000)
        #expect(h.chunkStore.mappedRegions < regions)
        if fileBacked { #expect(files(dir.path).count == h.chunkStore.mappedRegions) }
        let got = try dump(h, [m(.equal, "__name__", "x")], mint: 10_000)
        #expect(got == want.mapValues { $0.filter { $0.t >= 10_000 } })
        // Chunks handed to the block writer read back from the store intact.
        // The chunk holding t = 10 000 starts at 9 600 (120 samples per chunk, 10 ms apart).
        let blocks = h.chunksForBlock(mint: 0, maxt: 12_345)
        #expect(blocks.count == 5)
        for b in blocks {
            var ts: [Sample] = []
            for c in b.chunks {
                var it = c.iterator()
                while it.next() { ts.append(it.at) }
            }
            #expect(ts == want[b.labels.description]!.filter { $0.t >= 9_600 && $0.t <= 12_345 })
        }
        try h.close()
    }

    @Test func sealedChunkAppendsLikeDecoded() throws {
        var c = XORChunk()
        for i in 0..<50 { c.append(t: Int64(i) * 1000, v: Double(i % 7)) }
        var sealed = XORChunk(sealed: c.bytes, minTime: c.minTime, maxTime: c.maxTime)
        #expect(sealed.numSamples == 50)
        #expect(sealed.last == Sample(t: 49_000, v: 0))
        sealed.append(t: 50_000, v: 3)
        c.append(t: 50_000, v: 3)
        #expect(sealed.bytes == c.bytes)
    }
}
