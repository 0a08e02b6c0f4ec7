import Foundation
import MetricModel
import Testing
@testable import TSDB

@Suite struct WALTests {
    @Test func crc32cCheckValue() {
        #expect(WALChecksum.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(WALChecksum.checksum([UInt8]()) == 0)
        // Slicing-by-8 agrees with the bitwise definition at every length and alignment.
        var rng = SplitMix(state: 5)
        let data = (0..<100).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        for len in 0..<40 {
            for off in 0..<9 {
                let slice = Array(data[off..<(off + len)])
                var c: UInt32 = 0xFFFF_FFFF
                for b in slice {
                    c ^= UInt32(b)
                    for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
                }
                #expect(WALChecksum.checksum(slice) == ~c)
            }
        }
    }

    /// Golden bytes, derived independently in docs/formats/wal.md ("Worked example").
    @Test func goldenFrames() throws {
        var buf: [UInt8] = []
        var s = WALFrame.begin(&buf)
        WALRecordCodec.appendSeries([RefSeries(ref: 65, labels: ["a": "b"])], to: &buf)
        WALFrame.end(&buf, s)
        s = WALFrame.begin(&buf)
        WALRecordCodec.appendSamples([RefSample(ref: 65, t: 1000, v: 1.5), RefSample(ref: 129, t: 1015, v: -2)], to: &buf)
        WALFrame.end(&buf, s)
        let want: [UInt8] = [
            0x00, 0x00, 0x00, 0x0E, 0x36, 0x33, 0x05, 0x00,
            0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x41, 0x01, 0x01, 0x61, 0x01, 0x62,
            0x00, 0x00, 0x00, 0x26, 0xDD, 0x30, 0xF9, 0xED,
            0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x41, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xE8,
            0x00, 0x00, 0x3F, 0xF8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x80, 0x01, 0x1E, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ]
        #expect(buf == want)
        #expect(try WALRecordCodec.decode(want[8..<22]) == .series([RefSeries(ref: 65, labels: ["a": "b"])]))
        #expect(try WALRecordCodec.decode(want[30...]) == .samples([RefSample(ref: 65, t: 1000, v: 1.5), RefSample(ref: 129, t: 1015, v: -2)]))
    }

    @Test func recordRoundTrip() throws {
        var rng = SplitMix(state: 11)
        let samples = (0..<500).map { _ in
            RefSample(ref: rng.next() >> UInt64(rng.next() % 64), t: Int64(bitPattern: rng.next()) >> Int64(rng.next() % 64),
                      v: Double(bitPattern: rng.next()))
        }
        var buf: [UInt8] = []
        WALRecordCodec.appendSamples(samples, to: &buf)
        #expect(try WALRecordCodec.decode(buf[...]) == .samples(samples))
        let series = (0..<50).map { i in RefSeries(ref: UInt64(i) * 977, labels: ["__name__": "m\(i)", "k": String(repeating: "v", count: i * 7)]) }
        buf = []
        WALRecordCodec.appendSeries(series, to: &buf)
        #expect(try WALRecordCodec.decode(buf[...]) == .series(series))
        #expect(throws: WALRecordError.unknownType(9)) { try WALRecordCodec.decode([9, 1, 2][...]) }
        #expect(throws: WALRecordError.self) { try WALRecordCodec.decode(buf[0..<(buf.count - 3)]) }
    }

    /// Writes `batches` commits of 3 series (t = 1000·i) and returns what was committed.
    func fill(_ h: Head, from: Int = 0, batches: Int, stale: Bool = false) throws -> [String: [Sample]] {
        var want: [String: [Sample]] = [:]
        for i in from..<(from + batches) {
            let app = h.appender()
            for s in 0..<3 {
                let l: Labels = ["__name__": "m", "s": "\(s)"]
                let v = stale && i % 7 == 3 ? StaleNaN.value : Double(i * 10 + s) + 0.25
                try app.append(ref: nil, labels: l, t: Int64(i) * 1000, v: v)
                want[l.description, default: []].append(Sample(t: Int64(i) * 1000, v: v))
            }
            try app.commit()
        }
        return want
    }

    func sameBits(_ a: [String: [Sample]], _ b: [String: [Sample]]) -> Bool {
        a.keys.sorted() == b.keys.sorted() && a.allSatisfy { k, v in
            let w = b[k]!
            return v.count == w.count && zip(v, w).allSatisfy { $0.t == $1.t && $0.v.bitPattern == $1.v.bitPattern }
        }
    }

    @Test func replayRestoresEverything() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        var opts = HeadOptions()
        opts.walSegmentSize = 4096  // many segments
        let h = try Head(dir: dir.path, options: opts, logger: quietLogger)
        let want = try fill(h, batches: 400, stale: true)
        let refBefore = try h.appender().append(ref: nil, labels: ["__name__": "m", "s": "1"], t: 400_000, v: 1)
        let statsBefore = h.stats
        try h.close()
        #expect(PosixFile.segmentIndices(dir.path + "/wal").count > 5)

        let log = LogCapture()
        let h2 = try Head(dir: dir.path, options: opts, logger: log.logger)
        #expect(sameBits(try dump(h2, [m(.equal, "__name__", "m")]), want))
        #expect(h2.stats.series == 3)
        #expect(h2.stats.chunks == statsBefore.chunks)
        #expect(h2.minTime == 0 && h2.maxTime == 399_000)
        #expect(h2.stats.walCorruptions == 0)
        #expect(log.messages(atLeast: .warning).isEmpty)
        // Refs survive the restart.
        #expect(try h2.appender().append(ref: refBefore, labels: ["__name__": "m", "s": "1"], t: 400_000, v: 1) == refBefore)
        // Order rules hold against replayed data.
        #expect(throws: AppendError.outOfOrderSample) { try h2.appender().append(ref: nil, labels: ["__name__": "m", "s": "0"], t: 5, v: 1) }
        try h2.close()
    }

    enum Damage: String, CaseIterable { case truncateMidRecord, flipPayloadByte, flipHeaderByte, garbageTail }

    @Test(arguments: Damage.allCases)
    func corruptTailIsCutAtLastGoodRecord(_ damage: Damage) throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let h = try Head(dir: dir.path, logger: quietLogger)
        let want = try fill(h, batches: 50)
        let seg = dir.path + "/wal/00000000"
        let goodSize = PosixFile.size(seg)
        let lost = try fill(h, from: 50, batches: 1)
        try h.close()
        let fullSize = PosixFile.size(seg)
        #expect(fullSize > goodSize)

        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: seg)))
        switch damage {
        case .truncateMidRecord: bytes.removeLast((fullSize - goodSize) / 2)
        case .flipPayloadByte: bytes[fullSize - 3] ^= 0x40
        case .flipHeaderByte: bytes[goodSize + 2] ^= 0x01  // length of the first frame of the last commit
        case .garbageTail: bytes += [0x00, 0x00, 0x01]
        }
        try Data(bytes).write(to: URL(fileURLWithPath: seg))

        let log = LogCapture()
        let h2 = try Head(dir: dir.path, logger: log.logger)
        var expected = want
        if damage == .garbageTail { for (k, v) in lost { expected[k]! += v } }
        #expect(sameBits(try dump(h2, [m(.equal, "__name__", "m")]), expected))
        #expect(h2.stats.walCorruptions == 1)
        #expect(log.messages(atLeast: .warning).contains { $0.contains("torn or corrupt") })
        #expect(PosixFile.size(seg) == (damage == .garbageTail ? fullSize : goodSize))
        // The head works on; the next open is clean.
        let more = try fill(h2, from: 60, batches: 2)
        try h2.close()
        let log3 = LogCapture()
        let h3 = try Head(dir: dir.path, logger: log3.logger)
        for (k, v) in more { expected[k]! += v }
        #expect(sameBits(try dump(h3, [m(.equal, "__name__", "m")]), expected))
        #expect(log3.messages(atLeast: .warning).isEmpty)
        try h3.close()
    }

    @Test func checkpointAndTruncateKeepCorrectData() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        var opts = HeadOptions()
        opts.walSegmentSize = 2048
        let wd = dir.path + "/wal"
        let h = try Head(dir: dir.path, options: opts, logger: quietLogger)
        var want = try fill(h, batches: 600)  // t = 0 … 599 000
        let gone: Labels = ["__name__": "m", "gone": "yes"]
        let app = h.appender()
        try app.append(ref: nil, labels: gone, t: 1000, v: 1)
        try app.commit()

        try h.truncate(before: 300_000)
        let cp = try #require(Checkpoint.last(in: wd))
        #expect(PosixFile.segmentIndices(wd).allSatisfy { $0 > cp.index })
        #expect(h.stats.truncations == 1 && h.stats.checkpointCreations == 1)
        #expect(h.stats.walSegmentCurrent == cp.index + 1)
        #expect(h.stats.series == 3)
        #expect(try dump(h, [m(.equal, "gone", "yes")]).isEmpty)

        let more = try fill(h, from: 600, batches: 100)
        try h.truncate(before: 450_000)  // a checkpoint built on the previous one
        let cp2 = try #require(Checkpoint.last(in: wd))
        #expect(cp2.index > cp.index)
        #expect(!FileManager.default.fileExists(atPath: cp.path))
        let last = try fill(h, from: 700, batches: 10)
        try h.close()

        for (k, v) in more { want[k]! += v }
        for (k, v) in last { want[k]! += v }
        let h2 = try Head(dir: dir.path, options: opts, logger: quietLogger)
        let got = try dump(h2, [m(.equal, "__name__", "m")])
        // Everything ≥ the truncation point survives a restart; older samples are gone.
        #expect(sameBits(got, want.mapValues { $0.filter { $0.t >= 450_000 } }))
        #expect(h2.stats.series == 3)
        #expect(h2.minTime == 450_000)
        try h2.close()
    }

    @Test func replaySkipsSamplesBelowMinValidTime() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let h = try Head(dir: dir.path, logger: quietLogger)
        let want = try fill(h, batches: 20)
        try h.close()
        var opts = HeadOptions()
        opts.minValidTime = 10_000
        let h2 = try Head(dir: dir.path, options: opts, logger: quietLogger)
        #expect(sameBits(try dump(h2, [m(.equal, "__name__", "m")]), want.mapValues { $0.filter { $0.t >= 10_000 } }))
        #expect(throws: AppendError.outOfBounds) { try h2.appender().append(ref: nil, labels: ["a": "b"], t: 9_999, v: 1) }
        try h2.close()
    }

    @Test func rollbackStillLogsSeries() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let h = try Head(dir: dir.path, logger: quietLogger)
        let l: Labels = ["__name__": "r"]
        let app = h.appender()
        try app.append(ref: nil, labels: l, t: 1, v: 1)
        app.rollback()
        // A later appender finds the series existing and logs only samples.
        let app2 = h.appender()
        try app2.append(ref: nil, labels: l, t: 2, v: 2)
        try app2.commit()
        try h.close()
        let h2 = try Head(dir: dir.path, logger: quietLogger)
        #expect(try dump(h2, [m(.equal, "__name__", "r")]) == [l.description: [Sample(t: 2, v: 2)]])
        #expect(h2.stats.walUnknownRefSamples == 0)
        try h2.close()
    }

    /// A bad frame in a middle segment cuts only that segment's tail; later segments still replay.
    @Test func corruptMiddleSegmentKeepsLaterSegments() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        var opts = HeadOptions()
        opts.walSegmentSize = 1024
        opts.walSyncInterval = .zero  // fsync inside every commit: same results, just slower
        let wd = dir.path + "/wal"
        let h = try Head(dir: dir.path, options: opts, logger: quietLogger)
        let want = try fill(h, batches: 200)
        try h.close()
        let segs = PosixFile.segmentIndices(wd)
        #expect(segs.count > 10)
        let mid = wd + "/" + PosixFile.segmentName(segs[segs.count / 2])
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: mid)))
        let size = bytes.count
        bytes[size - 5] ^= 0xFF  // inside the segment's last record
        try Data(bytes).write(to: URL(fileURLWithPath: mid))

        let log = LogCapture()
        let h2 = try Head(dir: dir.path, options: opts, logger: log.logger)
        let got = try dump(h2, [m(.equal, "__name__", "m")])
        #expect(h2.stats.walCorruptions == 1)
        #expect(log.messages(atLeast: .warning).contains { $0.contains("torn or corrupt") })
        #expect(PosixFile.size(mid) < size)
        // Only the samples of the cut record are missing: one commit (3 samples, one per series).
        let lostTimes = Set(want.values.flatMap { $0.map(\.t) }).subtracting(got.values.flatMap { $0.map(\.t) })
        #expect(lostTimes.count == 1)
        for (k, v) in want { #expect(got[k]! == v.filter { !lostTimes.contains($0.t) }) }
        try h2.close()
    }

    /// Another appender commits to a series before its creator does: the series record goes with
    /// the first commit, so replay keeps every sample.
    @Test func seriesRecordPrecedesSamplesAcrossAppenders() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let h = try Head(dir: dir.path, logger: quietLogger)
        let l: Labels = ["__name__": "race"]
        let creator = h.appender()
        try creator.append(ref: nil, labels: l, t: 1, v: 1)
        let other = h.appender()
        try other.append(ref: nil, labels: l, t: 2, v: 2)
        try other.append(ref: nil, labels: l, t: 3, v: 3)
        try other.commit()
        try creator.commit()  // t=1 is now out of order: dropped at commit
        let later = h.appender()
        try later.append(ref: nil, labels: l, t: 4, v: 4)
        try later.commit()
        try h.close()
        let h2 = try Head(dir: dir.path, logger: quietLogger)
        #expect(try dump(h2, [m(.equal, "__name__", "race")])[l.description]?.map(\.t) == [2, 3, 4])
        #expect(h2.stats.walUnknownRefSamples == 0)
        try h2.close()
    }

    /// Appends, queries and truncations (with checkpoints) running at once; afterwards every
    /// sample at or after the last truncation point is in memory and survives a restart.
    @Test func concurrentAppendQueryTruncate() async throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        var opts = HeadOptions()
        opts.walSegmentSize = 64 << 10
        opts.chunkFileSize = 4096
        let h = try Head(dir: dir.path, options: opts, logger: quietLogger)
        let writers = 4, steps = 300
        try await withThrowingTaskGroup(of: Void.self) { g in
            for w in 0..<writers {
                g.addTask {
                    for i in 0..<steps {
                        let app = h.appender()
                        for s in 0..<20 {
                            do {
                                try app.append(ref: nil, labels: ["__name__": "c", "w": "\(w)", "s": "\(s)"], t: Int64(i) * 100, v: Double(i))
                            } catch AppendError.outOfBounds {
                                // a truncation overtook this writer; later samples are what we check
                            }
                        }
                        try app.commit()
                    }
                }
            }
            g.addTask {
                for k in 1...5 {
                    try await Task.sleep(for: .milliseconds(20))
                    try h.truncate(before: Int64(k) * 2_000)
                }
            }
            g.addTask {
                for _ in 0..<30 {
                    let q = try h.querier(mint: 0, maxt: .max)
                    for s in try q.select(sorted: true, hints: nil, matchers: [m(.equal, "__name__", "c")]) {
                        var it = s.iterator()
                        var last = Int64.min
                        while it.next() {
                            #expect(it.at.t > last)
                            last = it.at.t
                        }
                    }
                    await Task.yield()
                }
            }
            try await g.waitForAll()
        }
        let cut = h.minValidTime
        #expect(cut == 10_000)
        let want = (0..<steps).map { Int64($0) * 100 }.filter { $0 >= cut }
        let got = try dump(h, [m(.equal, "__name__", "c")])
        #expect(got.count == writers * 20)
        #expect(got.values.allSatisfy { $0.map(\.t) == want })
        try h.close()
        let h2 = try Head(dir: dir.path, options: opts, logger: quietLogger)
        let again = try dump(h2, [m(.equal, "__name__", "c")], mint: cut)
        #expect(again.count == writers * 20)
        #expect(again.values.allSatisfy { $0.map(\.t) == want })
        #expect(h2.stats.walUnknownRefSamples == 0)
        try h2.close()
    }

    /// A record bigger than the reader's 1 MiB buffer (one commit of 120k samples) replays.
    @Test func hugeRecordReplays() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let h = try Head(dir: dir.path, logger: quietLogger)
        let app = h.appender()
        let l: Labels = ["__name__": "big"]
        for i in 0..<120_000 { try app.append(ref: nil, labels: l, t: Int64(i), v: Double(i) * 0.5) }
        try app.commit()
        try h.close()
        #expect(PosixFile.size(dir.path + "/wal/00000000") > 1 << 20)
        let h2 = try Head(dir: dir.path, logger: quietLogger)
        let got = try dump(h2, [m(.equal, "__name__", "big")])[l.description] ?? []
        #expect(got.count == 120_000)
        #expect(got.last == Sample(t: 119_999, v: 59_999.5))
        try h2.close()
    }
}
