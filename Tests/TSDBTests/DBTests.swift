import Foundation
import MetricModel
import Synchronization
import Testing
@testable import TSDB

let hour: Int64 = 3600 * 1000

/// Options for DB tests: WAL fsync off, fixed clock, no default retention.
func dbOptions(retentionTime: Int64 = 0, retentionSize: Int64 = 0) -> DBOptions {
    var o = DBOptions()
    o.retentionTime = retentionTime
    o.retentionSize = retentionSize
    o.clock = { 1_700_000_000_000 }
    o.head.walSyncInterval = .seconds(3600)
    return o
}

/// Appends `v = t/1000 + offset` for each series at every `step` in [from, to].
func appendRange(_ db: DB, _ series: [Labels], from: Int64, to: Int64, step: Int64, offset: Double = 0) throws {
    let app = db.appender()
    var t = from
    while t <= to {
        for l in series { try app.append(ref: nil, labels: l, t: t, v: Double(t / 1000) + offset) }
        t += step
    }
    try app.commit()
}

@Suite struct DBTests {
    let a: Labels = ["__name__": "m", "i": "a"]
    let b: Labels = ["__name__": "m", "i": "b"]

    @Test func rangeEndIsAligned() {
        #expect(DB.rangeEnd(0, width: 2 * hour) == 2 * hour)
        #expect(DB.rangeEnd(2 * hour - 1, width: 2 * hour) == 2 * hour)
        #expect(DB.rangeEnd(2 * hour, width: 2 * hour) == 4 * hour)
        #expect(DB.rangeEnd(-1, width: 2 * hour) == 0)
        #expect(DB.rangeEnd(-2 * hour, width: 2 * hour) == 0)
    }

    @Test func headCompactableExactlyAtOneAndAHalfRanges() throws {
        let dir = makeTempDir()
        defer { try? FS.removeAll(dir) }
        let db = try DB(dir: dir, options: dbOptions(), logger: quietLogger)
        try appendRange(db, [a], from: 0, to: 3 * hour, step: 15_000)
        // maxt - mint == 1.5 × 2h exactly: not compactable (strictly greater needed).
        #expect(!db.headCompactable)
        try db.compact()
        #expect(db.blocks.isEmpty)
        try appendRange(db, [a], from: 3 * hour + 1, to: 3 * hour + 1, step: 1)
        #expect(db.headCompactable)
        try db.close()
    }

    @Test func headCompactionPersistsAlignedBlockAndTruncates() throws {
        let dir = makeTempDir()
        defer { try? FS.removeAll(dir) }
        let db = try DB(dir: dir, options: dbOptions(), logger: quietLogger)
        // Head spans 30 min .. 5h: > 3h, so [0, 2h) is persisted; then 4h..5h is < 3h, stop.
        try appendRange(db, [a, b], from: hour / 2, to: 5 * hour, step: 30_000)
        let before = try dump(db, [m(.equal, "__name__", "m")])
        try db.compact()
        let blocks = db.blocks
        #expect(blocks.count == 1)
        #expect(blocks[0].minTime == hour / 2)
        #expect(blocks[0].maxTime == 2 * hour)
        #expect(blocks[0].meta.stats.numSeries == 2)
        #expect(blocks[0].meta.stats.numSamples == 2 * UInt64((2 * hour - hour / 2) / 30_000))
        #expect(blocks[0].meta.compaction.level == 1)
        #expect(db.head.minTime == 2 * hour)
        #expect(db.head.minValidTime == 2 * hour)
        // Queries see the same data through block + head.
        #expect(try dump(db, [m(.equal, "__name__", "m")]) == before)
        // Appending into the persisted range is rejected.
        let app = db.appender()
        #expect(throws: AppendError.outOfBounds) { try app.append(ref: nil, labels: a, t: hour, v: 1) }
        app.rollback()
        try db.close()
        // Reopen: blocks load, WAL replays only what is not in blocks; same answers.
        let db2 = try DB(dir: dir, options: dbOptions(), logger: quietLogger)
        #expect(db2.blocks.map(\.ulid) == blocks.map(\.ulid))
        #expect(try dump(db2, [m(.equal, "__name__", "m")]) == before)
        try db2.close()
    }

    @Test func repeatedHeadCompactionThenLeveledCompaction() throws {
        let dir = makeTempDir()
        defer { try? FS.removeAll(dir) }
        let db = try DB(dir: dir, options: dbOptions(), logger: quietLogger)
        try appendRange(db, [a, b], from: 0, to: 13 * hour, step: 60_000)
        let before = try dump(db, [m(.equal, "__name__", "m")])
        try db.compact()
        // Head windows [0,2h) … [8h,10h) persisted (10h..13h = 3h is not > 3h); then the three
        // 2h blocks filling [0,6h) were merged into one level-2 block.
        #expect(db.blocks.map { [$0.minTime / hour, $0.maxTime / hour] } == [[0, 6], [6, 8], [8, 10]])
        #expect(db.blocks.map(\.meta.compaction.level) == [2, 1, 1])
        #expect(db.head.minTime == 10 * hour)
        #expect(db.stats.headCompactions == 5)
        #expect(db.stats.compactionsTotal == 6)
        #expect(try dump(db, [m(.equal, "__name__", "m")]) == before)
        let names = try FS.list(dir).filter { ULID(string: $0) != nil }
        #expect(names.count == 3)
        try db.close()
    }

    @Test func appendsAndQueriesDuringCompactionLoseNothing() async throws {
        let dir = makeTempDir()
        defer { try? FS.removeAll(dir) }
        let db = try DB(dir: dir, options: dbOptions(), logger: quietLogger)
        let series = (0..<20).map { Labels(["__name__": "c", "i": "\($0)"]) }
        try appendRange(db, series, from: 0, to: 6 * hour, step: 60_000)
        // Writer: keeps appending after 6h while compactions run.
        let writer = Task {
            var t = 6 * hour + 60_000
            for _ in 0..<200 {
                try appendRange(db, series, from: t, to: t, step: 1)
                t += 60_000
                await Task.yield()
            }
        }
        let reader = Task {
            var seen = 0
            for _ in 0..<20 {
                seen = max(seen, try dump(db, [m(.equal, "__name__", "c")]).count)
                await Task.yield()
            }
            return seen
        }
        for _ in 0..<5 { try db.compact() }
        try await writer.value
        #expect(try await reader.value == 20)
        try db.compact()
        let all = try dump(db, [m(.equal, "__name__", "c")])
        #expect(all.count == 20)
        let want = stride(from: Int64(0), through: 6 * hour + 200 * 60_000, by: 60_000).map { Sample(t: $0, v: Double($0 / 1000)) }
        for l in series { #expect(all[l.description] == want) }
        #expect(db.blocks.count >= 1)
        try db.close()
    }

    @Test func appendsOlderThanHalfABlockRangeBehindHeadAreOutOfBounds() throws {
        let dir = makeTempDir()
        defer { try? FS.removeAll(dir) }
        let db = try DB(dir: dir, options: dbOptions(), logger: quietLogger)
        try appendRange(db, [a], from: 5 * hour, to: 5 * hour, step: 1)
        let app = db.appender()
        // maxTime 5h − 1h = 4h: exactly 4h is accepted (new series), one ms earlier is not.
        #expect(throws: AppendError.outOfBounds) { try app.append(ref: nil, labels: b, t: 4 * hour - 1, v: 1) }
        try app.append(ref: nil, labels: b, t: 4 * hour, v: 1)
        try app.commit()
        #expect(try dump(db, [m(.equal, "i", "b")])[b.description] == [Sample(t: 4 * hour, v: 1)])
        try db.close()
    }

    @Test func queryMergesOverlappingBlockAndHeadWithoutDuplicates() throws {
        let dir = makeTempDir()
        defer { try? FS.removeAll(dir) }
        // A backfilled block overlapping the head's range for series a.
        let samples = (0..<10).map { Sample(t: Int64($0) * 60_000, v: Double($0)) }
        _ = try writeBlock(dir, [(a, samples)], minTime: 0, maxTime: 10 * 60_000)
        let db = try DB(dir: dir, options: dbOptions(), logger: quietLogger)
        // The head's minValidTime is the block's maxTime; append after it.
        let app = db.appender()
        for k in 10..<15 { try app.append(ref: nil, labels: a, t: Int64(k) * 60_000, v: Double(k)) }
        try app.commit()
        let got = try dump(db, [m(.equal, "i", "a")])
        #expect(got[a.description] == (0..<15).map { Sample(t: Int64($0) * 60_000, v: Double($0)) })
        // Limited range spanning both.
        let part = try dump(db, [m(.equal, "i", "a")], mint: 8 * 60_000, maxt: 11 * 60_000)
        #expect(part[a.description]?.map(\.t) == [8, 9, 10, 11].map { Int64($0) * 60_000 })
        #expect(try db.querier(mint: 0, maxt: .max).labelValues("i", matchers: []) == ["a"])
        try db.close()
    }

    @Test func mergeIteratorDropsDuplicateTimestamps() {
        let s1 = MemorySeries(labels: a, samples: [Sample(t: 1, v: 1), Sample(t: 3, v: 3), Sample(t: 5, v: 5)])
        let s2 = MemorySeries(labels: a, samples: [Sample(t: 2, v: 20), Sample(t: 3, v: 30), Sample(t: 6, v: 60)])
        let merged = MergedSeries(labels: a, parts: [s1, s2])
        #expect(readAll(merged) == [Sample(t: 1, v: 1), Sample(t: 2, v: 20), Sample(t: 3, v: 3), Sample(t: 5, v: 5), Sample(t: 6, v: 60)])
        var it = merged.iterator()
        let ok = it.seek(4)
        #expect(ok)
        #expect(it.at == Sample(t: 5, v: 5))
        let more = it.next()
        #expect(more)
        #expect(it.at == Sample(t: 6, v: 60))
    }

    @Test func bulkLoadMatchesIteratorForMergedSeries() {
        let s1 = MemorySeries(labels: a, samples: [Sample(t: 1, v: 1), Sample(t: 3, v: 3), Sample(t: 5, v: 5)])
        let s2 = MemorySeries(labels: a, samples: [Sample(t: 2, v: 20), Sample(t: 3, v: 30), Sample(t: 6, v: 60)])
        let s3 = MemorySeries(labels: a, samples: [Sample(t: 7, v: 7), Sample(t: 9, v: 9)])
        let s4 = MemorySeries(labels: a, samples: [Sample(t: 0, v: 0), Sample(t: 9, v: 90), Sample(t: 10, v: 10)])
        for parts in [[s1, s2], [s1, s3], [s2, s1, s3], [s1, s2, s3, s4], [s3, s4]] {
            let merged = MergedSeries(labels: a, parts: parts)
            let all = readAll(merged)
            for (lo, hi) in [(Int64.min, Int64.max), (2, 6), (4, 4), (8, 100), (11, 20)] {
                var got: [Sample] = [Sample(t: -99, v: -99)]  // appended after what is there
                merged.appendSamples(mint: lo, maxt: hi, to: &got)
                #expect(got == [Sample(t: -99, v: -99)] + all.filter { $0.t >= lo && $0.t <= hi })
            }
        }
    }

    @Test func bulkLoadMatchesIteratorAcrossBlocksAndHead() throws {
        let dir = makeTempDir()
        defer { try? FS.removeAll(dir) }
        let db = try DB(dir: dir, options: dbOptions(), logger: quietLogger)
        try appendRange(db, [a], from: 0, to: 5 * hour, step: 60_000)
        try db.compact()
        #expect(!db.blocks.isEmpty)
        let q = try db.querier(mint: 0, maxt: .max)
        let series = try q.select(sorted: true, hints: nil, matchers: [m(.equal, "i", "a")])
        #expect(series.count == 1)
        let all = readAll(series[0])
        #expect(series[0] is MergedSeries)  // blocks and head both hold it
        #expect(all.count == 5 * 60 + 1)
        for (lo, hi) in [(Int64(0), Int64.max), (2 * hour - 1, 2 * hour + 60_000), (3 * hour, 3 * hour), (4 * hour + 1, 6 * hour)] {
            var got: [Sample] = []
            series[0].appendSamples(mint: lo, maxt: hi, to: &got)
            #expect(got == all.filter { $0.t >= lo && $0.t <= hi })
        }
        try db.close()
    }

    @Test func runLoopCompactsAndStopsOnCancel() async throws {
        let dir = makeTempDir()
        defer { try? FS.removeAll(dir) }
        var o = dbOptions()
        o.compactionInterval = .milliseconds(20)
        let db = try DB(dir: dir, options: o, logger: quietLogger)
        try appendRange(db, [a], from: 0, to: 4 * hour, step: 60_000)
        let task = Task { await db.run() }
        for _ in 0..<1500 where db.blocks.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        task.cancel()
        await task.value
        #expect(db.blocks.count == 1)
        #expect(db.blocks.first?.maxTime == 2 * hour)
        #expect(db.stats.headCompactions == 1)
        try db.close()
    }
}

@Suite struct DBStatusTests {
    @Test func statusReportsHeadCardinalityAndStats() throws {
        let dir = makeTempDir()
        defer { try? FS.removeAll(dir) }
        let db = try DB(dir: dir, options: dbOptions(), logger: quietLogger)
        var series: [Labels] = []
        for i in 0..<5 { series.append(["__name__": "req", "code": "\(200 + i % 2)", "inst": "host\(i)"]) }
        series.append(["__name__": "up", "inst": "host0"])
        try appendRange(db, series, from: 1000, to: 10_000, step: 1000)
        let st = db.status(limit: 2)
        #expect(st.numSeries == 6)
        #expect(st.numLabelPairs == 2 + 2 + 5)
        #expect(st.minTime == 1000 && st.maxTime == 10_000)
        #expect(st.seriesCountByMetricName == [.init("req", 5), .init("up", 1)])
        #expect(st.labelValueCountByLabelName == [.init("inst", 5), .init("__name__", 2)])
        #expect(st.memoryInBytesByLabelName == [.init("inst", 25), .init("code", 6)])
        #expect(st.seriesCountByLabelValuePair == [.init("__name__=req", 5), .init("code=200", 3)])
        let s = db.stats
        #expect(s.blocksLoaded == 0)
        #expect(s.head.series == 6)
        #expect(s.lowestTimestamp == 1000)
        #expect(s.headBytes > 0)
        try db.close()
    }
}
