import Foundation
import MetricModel
import Testing
@testable import TSDB

/// A fresh temporary directory per test.
func makeTempDir(_ name: String = #function) -> String {
    let base = FileManager.default.temporaryDirectory.path + "/pf-tsdb-\(UUID().uuidString.prefix(8))"
    try! FS.mkdirAll(base)
    return base
}

/// Writes one block with the given series (samples chunked by 120) and returns it opened.
func writeBlock(_ parent: String, _ series: [(Labels, [Sample])], minTime: Timestamp, maxTime: Timestamp) throws -> Block {
    let sorted = series.sorted { $0.0.sortsBefore($1.0) }
    let w = try BlockWriter(parent: parent, ulid: ULID(ms: 1), minTime: minTime, maxTime: maxTime,
                            symbols: IndexWriter.symbols(of: sorted.map(\.0)))
    for (l, samples) in sorted {
        var chunks: [EncodedChunk] = []
        var c = XORChunk()
        for s in samples {
            if c.numSamples == 120 { chunks.append(EncodedChunk(c)); c = XORChunk() }
            c.append(t: s.t, v: s.v)
        }
        if c.numSamples > 0 { chunks.append(EncodedChunk(c)) }
        try w.addSeries(l, chunks: chunks)
    }
    _ = try w.finish()
    try w.commit()
    return try Block(dir: w.finalDir)
}

func readAll(_ s: any Series) -> [Sample] {
    var it = s.iterator()
    var out: [Sample] = []
    while it.next() { out.append(it.at) }
    return out
}

@Suite struct BlockTests {
    @Test func ulidRoundTrip() throws {
        let u = ULID(ms: 1_700_000_000_123)
        #expect(u.time == 1_700_000_000_123)
        let s = u.description
        #expect(s.count == 26)
        #expect(ULID(string: s) == u)
        #expect(ULID(string: s.lowercased()) == u)
        // Known vector: all-zero randomness, time 0 → 26 zeros.
        #expect(ULID(bytes: [UInt8](repeating: 0, count: 16)).description == "00000000000000000000000000")
        #expect(ULID(bytes: [UInt8](repeating: 0xFF, count: 16)).description == "7ZZZZZZZZZZZZZZZZZZZZZZZZZ")
        #expect(ULID(string: "8ZZZZZZZZZZZZZZZZZZZZZZZZZ") == nil)
        #expect(ULID(ms: 5) < ULID(ms: 6))
    }

    @Test func crc32cKnownVector() {
        // RFC 3720 / iSCSI test vector: "123456789" → 0xE3069283.
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    }

    @Test func writeReadRoundTrip() throws {
        let dir = makeTempDir()
        defer { try? FS.removeAll(dir) }
        var series: [(Labels, [Sample])] = []
        for i in 0..<50 {
            let l: Labels = ["__name__": i % 2 == 0 ? "up" : "requests_total", "job": "j\(i % 5)", "instance": "h\(i)"]
            let samples = (0..<300).map { Sample(t: Int64($0) * 15_000, v: Double(i * 1000 + $0) + 0.5) }
            series.append((l, samples))
        }
        let b = try writeBlock(dir, series, minTime: 0, maxTime: 300 * 15_000)
        #expect(b.meta.stats.numSeries == 50)
        #expect(b.meta.stats.numSamples == 50 * 300)
        #expect(b.meta.stats.numChunks == 50 * 3)
        let q = b.querier(mint: 0, maxt: .max)
        let ups = try q.select(sorted: true, hints: nil, matchers: [.equal("__name__", "up")])
        #expect(ups.count == 25)
        for s in ups {
            let i = Int(s.labels.get("instance").dropFirst())!
            #expect(readAll(s) == series[i].1)
        }
        // Sorted by labels.
        let labels = ups.map(\.labels)
        #expect(labels == labels.sorted { Labels.compare($0, $1) < 0 })
        // Regex, negative and empty matchers.
        let j0 = try q.select(sorted: true, hints: nil, matchers: [try LabelMatcher(.regexMatch, "job", "j0|j1"), try LabelMatcher(.notEqual, "__name__", "up")])
        #expect(Set(j0.map { $0.labels.get("instance") }) == Set((0..<50).filter { $0 % 5 < 2 && $0 % 2 == 1 }.map { "h\($0)" }))
        let none = try q.select(sorted: true, hints: nil, matchers: [.equal("job", "nope")])
        #expect(none.isEmpty)
        let noLabel = try q.select(sorted: true, hints: nil, matchers: [.equal("job", "j3"), .equal("zone", "")])
        #expect(noLabel.count == 10)
        // Time range is limited to [mint, maxt].
        let q2 = b.querier(mint: 15_000 * 10, maxt: 15_000 * 20)
        let s2 = try q2.select(sorted: true, hints: nil, matchers: [.equal("instance", "h7")])
        #expect(readAll(s2[0]) == Array(series[7].1[10...20]))
        var it = s2[0].iterator()
        let found = it.seek(15_000 * 15)
        #expect(found)
        #expect(it.at.t == 15_000 * 15)
        let beyond = it.seek(15_000 * 21)
        #expect(!beyond)
        // Label lookups.
        #expect(try q.labelNames(matchers: []) == ["__name__", "instance", "job"])
        #expect(try q.labelValues("job", matchers: []) == ["j0", "j1", "j2", "j3", "j4"])
        #expect(try q.labelValues("job", matchers: [.equal("instance", "h7")]) == ["j2"])
        // Reopen from disk.
        let b2 = try Block(dir: b.dir)
        #expect(b2.meta == b.meta)
        #expect(!FS.exists(b.dir + ".tmp"))
    }

    @Test func seekSkipsWholeChunks() throws {
        let dir = makeTempDir()
        defer { try? FS.removeAll(dir) }
        let samples = (0..<500).map { Sample(t: Int64($0) * 1000, v: Double($0)) }
        let b = try writeBlock(dir, [(["__name__": "s"], samples)], minTime: 0, maxTime: 500_000)
        let s = try b.querier(mint: 0, maxt: .max).selectSeries(matchers: [.equal("__name__", "s")])[0]
        #expect(s.chunks.count == 5)
        var it = s.chunkIterator()
        let a = it.seek(370_500)
        #expect(a && it.at == Sample(t: 371_000, v: 371))
        #expect(it.ci == 3)  // went straight to the 4th chunk
        let n = it.next()
        #expect(n && it.at.t == 372_000)
        let same = it.seek(100)  // seeking backwards stays
        #expect(same && it.at.t == 372_000)
        let end = it.seek(500_000)
        #expect(!end)
    }

    @Test func corruptIndexIsDetected() throws {
        let dir = makeTempDir()
        defer { try? FS.removeAll(dir) }
        let b = try writeBlock(dir, [(["__name__": "a"], [Sample(t: 1, v: 1)])], minTime: 0, maxTime: 10)
        var bytes = try FS.readFile(b.dir + "/index")
        bytes[8] ^= 0xFF
        try FS.removeAll(b.dir + "/index")
        try FS.writeFile(b.dir + "/index", bytes)
        #expect(throws: FormatError.self) { try Block(dir: b.dir) }
    }
}
