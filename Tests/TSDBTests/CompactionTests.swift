import Foundation
import MetricModel
import Testing
@testable import TSDB

func meta(_ mint: Int64, _ maxt: Int64, level: Int = 1) -> BlockMeta {
    var m = BlockMeta(ulid: ULID(ms: mint), minTime: mint, maxTime: maxt)
    m.compaction.level = level
    return m
}

/// One series per block, one sample per minute over the block's range.
func minuteBlock(_ dir: String, _ l: Labels, _ mint: Int64, _ maxt: Int64, value: Double = 0) throws -> Block {
    let samples = stride(from: mint, to: maxt, by: 60_000).map { Sample(t: $0, v: Double($0 / 60_000) + value) }
    return try writeBlock(dir, [(l, samples)], minTime: mint, maxTime: maxt)
}

@Suite struct CompactionTests {
    let ranges = Compactor.ranges(blockRange: 2 * hour, maxBlockDuration: 31 * 24 * hour)

    @Test func rangesAreExponentialAndCapped() {
        #expect(Compactor.exponentialRanges(min: 2 * hour, steps: 4) == [2, 6, 18, 54].map { $0 * hour })
        // Retention 15d → max block 1.5d = 36h: 2h, 6h, 18h.
        var o = DBOptions()
        o.retentionTime = 15 * 24 * hour
        #expect(o.ranges == [2, 6, 18].map { $0 * hour })
        o.retentionTime = 0
        #expect(o.ranges.last == 486 * hour)  // 31d caps at 486h (1458h > 744h)
    }

    @Test func planWaitsForFullAlignedRange() {
        // Three 2h blocks in [0, 6h) plus a newer one: the 6h range is full → compact the three.
        let ms = [meta(0, 2 * hour), meta(2 * hour, 4 * hour), meta(4 * hour, 6 * hour), meta(6 * hour, 8 * hour)]
        #expect(Compactor.plan(ms, ranges: ranges).map(\.minTime) == [0, 2 * hour, 4 * hour])
        // Only two blocks of the 6h range and the newest excluded: nothing yet.
        #expect(Compactor.plan(Array(ms[0..<3]), ranges: ranges).isEmpty)
        // A lone block: nothing.
        #expect(Compactor.plan([meta(0, 2 * hour)], ranges: ranges).isEmpty)
    }

    @Test func planCompactsGroupBeforeNewestBlock() {
        // [0,2h) and [2h,4h) then a block in a later 6h range: the first group lies entirely
        // before the newest block's minTime → compacted even though the 6h range is not full.
        let ms = [meta(0, 2 * hour), meta(2 * hour, 4 * hour), meta(6 * hour, 8 * hour), meta(8 * hour, 10 * hour)]
        #expect(Compactor.plan(ms, ranges: ranges).map(\.minTime) == [0, 2 * hour])
    }

    @Test func planPrefersOverlappingBlocks() {
        let ms = [meta(0, 2 * hour), meta(hour, 3 * hour), meta(4 * hour, 6 * hour)]
        #expect(Compactor.plan(ms, ranges: ranges).map(\.minTime) == [0, hour])
    }

    @Test func leveledCompactionMergesAdjacentBlocks() throws {
        let dir = makeTempDir()
        defer { try? FS.removeAll(dir) }
        let l: Labels = ["__name__": "x", "job": "a"]
        let only: Labels = ["__name__": "y"]
        _ = try minuteBlock(dir, l, 0, 2 * hour)
        _ = try writeBlock(dir, [(l, stride(from: 2 * hour, to: 4 * hour, by: 60_000).map { Sample(t: $0, v: Double($0 / 60_000)) }),
                                 (only, [Sample(t: 3 * hour, v: 7)])], minTime: 2 * hour, maxTime: 4 * hour)
        _ = try minuteBlock(dir, l, 4 * hour, 6 * hour)
        _ = try minuteBlock(dir, l, 6 * hour, 8 * hour)
        let db = try DB(dir: dir, options: dbOptions(), logger: quietLogger)
        let sources = db.blocks.prefix(3).map(\.ulid)
        try db.compact()
        let bs = db.blocks
        #expect(bs.count == 2)
        #expect(bs[0].minTime == 0 && bs[0].maxTime == 6 * hour)
        #expect(bs[0].meta.compaction.level == 2)
        #expect(Set(bs[0].meta.compaction.sources) == Set(sources))
        #expect(bs[0].meta.compaction.parents?.count == 3)
        #expect(bs[0].meta.stats.numSeries == 2)
        #expect(bs[0].meta.stats.numSamples == 361)
        // Sources are gone from disk.
        for u in sources { #expect(!FS.exists(dir + "/" + u.description)) }
        let got = try dump(db, [m(.equal, "__name__", "x")], maxt: 6 * hour - 1)
        #expect(got[l.description] == stride(from: 0, to: 6 * hour, by: 60_000).map { Sample(t: $0, v: Double($0 / 60_000)) })
        try db.close()
    }

    @Test func overlappingBlocksAreMergedAndDeduplicated() throws {
        let dir = makeTempDir()
        defer { try? FS.removeAll(dir) }
        let l: Labels = ["__name__": "x"]
        // Block 1: every minute in [0, 2h), values t/60000. Block 2 overlaps [1h, 3h) with
        // samples every 30 s; on shared timestamps block 1 (older minTime) wins.
        _ = try minuteBlock(dir, l, 0, 2 * hour)
        _ = try writeBlock(dir, [(l, stride(from: hour, to: 3 * hour, by: 30_000).map { Sample(t: $0, v: -1) })],
                           minTime: hour, maxTime: 3 * hour)
        let db = try DB(dir: dir, options: dbOptions(), logger: quietLogger)
        // Before compaction the merge querier already dedups.
        let expected = (stride(from: 0, to: hour, by: 60_000).map { Sample(t: $0, v: Double($0 / 60_000)) }
            + stride(from: hour, to: 3 * hour, by: 30_000).map {
                Sample(t: $0, v: $0 < 2 * hour && $0 % 60_000 == 0 ? Double($0 / 60_000) : -1)
            })
        #expect(try dump(db, [m(.equal, "__name__", "x")])[l.description] == expected)
        try db.compact()
        #expect(db.blocks.count == 1)
        let b = db.blocks[0]
        #expect(b.minTime == 0 && b.maxTime == 3 * hour)
        #expect(b.meta.stats.numSamples == UInt64(expected.count))
        #expect(try dump(db, [m(.equal, "__name__", "x")])[l.description] == expected)
        // Re-encoded chunks hold at most 120 samples and do not overlap.
        var metas: [[ChunkMeta]] = []
        try b.forEachSeries { _, cs in metas.append(cs) }
        #expect(metas[0].count == (expected.count + 119) / 120)
        for (x, y) in zip(metas[0], metas[0].dropFirst()) { #expect(x.maxTime < y.minTime) }
        try db.close()
    }

    @Test(arguments: [(Int64(0), 2), (Int64(1), 1)])
    func timeRetentionBoundary(extra: Int64, expectedBlocks: Int) throws {
        // Blocks [0,2h) and [10h, 12h): the newest maxTime − oldest maxTime = 10h.
        // Retention exactly 10h keeps both (strictly older is deleted); 10h − 1ms deletes it.
        let dir = makeTempDir()
        defer { try? FS.removeAll(dir) }
        let l: Labels = ["__name__": "x"]
        _ = try minuteBlock(dir, l, 0, 2 * hour)
        _ = try minuteBlock(dir, l, 10 * hour, 12 * hour)
        let db = try DB(dir: dir, options: dbOptions(retentionTime: 10 * hour - extra), logger: quietLogger)
        try db.applyRetention()
        #expect(db.blocks.count == expectedBlocks)
        #expect(db.blocks.last?.minTime == 10 * hour)
        #expect(try FS.list(dir).filter { ULID(string: $0) != nil }.count == expectedBlocks)
        #expect(db.stats.timeRetentions == (expectedBlocks == 1 ? 1 : 0))
        try db.close()
    }

    @Test func sizeRetentionBoundary() throws {
        let dir = makeTempDir()
        defer { try? FS.removeAll(dir) }
        let l: Labels = ["__name__": "x"]
        for k in 0..<3 { _ = try minuteBlock(dir, l, Int64(k) * 10 * hour, Int64(k) * 10 * hour + 2 * hour) }
        let db = try DB(dir: dir, options: dbOptions(), logger: quietLogger)
        let headBytes = FS.treeSize(dir + "/wal") + FS.treeSize(dir + "/chunks_head")
        let total = headBytes + db.blocks.map(\.size).reduce(0, +)
        #expect(db.stats.blocksBytes + db.stats.headBytes == total)
        // Limit exactly = head + all blocks: nothing deleted.
        try db.applyRetention(size: total)
        #expect(db.blocks.count == 3)
        #expect(db.stats.sizeRetentions == 0)
        // One byte less: the oldest block goes.
        try db.applyRetention(size: total - 1)
        #expect(db.blocks.map(\.minTime) == [10 * hour, 20 * hour])
        #expect(db.stats.sizeRetentions == 1)
        #expect(try FS.list(dir).filter { ULID(string: $0) != nil }.count == 2)
        try db.close()
    }

    @Test func leftoverTmpAndCompactedParentsAreRemovedOnOpen() throws {
        let dir = makeTempDir()
        defer { try? FS.removeAll(dir) }
        let l: Labels = ["__name__": "x"]
        let b1 = try minuteBlock(dir, l, 0, 2 * hour)
        let b2 = try minuteBlock(dir, l, 2 * hour, 4 * hour)
        // A finished compaction whose sources were not deleted yet (crash in between).
        let merged = try Compactor.compact([b1, b2], into: dir, ulid: ULID(ms: 99))!
        try FS.mkdir(dir + "/01ARZ3NDEKTSV4RRFFQ69G5FAV.tmp")
        let db = try DB(dir: dir, options: dbOptions(), logger: quietLogger)
        #expect(db.blocks.map(\.ulid) == [merged.ulid])
        #expect(try FS.list(dir).filter { $0 != "wal" && $0 != "chunks_head" } == [merged.ulid.description])
        try db.close()
    }
}
