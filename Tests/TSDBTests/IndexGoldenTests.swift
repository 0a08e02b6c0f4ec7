import Foundation
import MetricModel
import Testing
@testable import TSDB

func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }

@Suite struct IndexGoldenTests {
    @Test func indexGoldenBytes() throws {
        let dir = makeTempDir()
        defer { try? FS.removeAll(dir) }
        let path = dir + "/index"
        let w = try IndexWriter(path: path, symbols: ["__name__", "a", "b", "job", "up"].map { Array($0.utf8) })
        let r1 = try w.addSeries(["__name__": "up", "job": "a"], chunks: [
            ChunkMeta(ref: 1 << 32 | 8, minTime: 1000, maxTime: 2000),
            ChunkMeta(ref: 1 << 32 | 40, minTime: 3000, maxTime: 4000),
        ])
        let r2 = try w.addSeries(["__name__": "up", "job": "b"], chunks: [ChunkMeta(ref: 1 << 32 | 72, minTime: 1000, maxTime: 1000)])
        try w.close()
        let bytes = try FS.readFile(path)
        // Layout walked through byte by byte in docs/formats/index.md ("Worked example").
        let golden = [
            "5046495801",  // magic "PFIX", version 1
            "00000005", "085f5f6e616d655f5f", "0161", "0162", "036a6f62", "027570", "f0b315e7",  // symbols, CRC
            "02" + "0004" + "0301" + "02" + "d00f" + "e807" + "9080808020" + "d00f" + "e807" + "40",  // series @33
            "02" + "0004" + "0302" + "01" + "d00f" + "00" + "9081808020", "2310f7fc",  // series @53, CRC
            "022114", "022114", "0121", "0135", "918af690",  // postings: all, __name__=up, job=a, job=b; CRC
            "00000003", "000403", "030103", "030202", "3f8a05ea",  // postings offset table, CRC
            "0000000000000005", "0000000000000021", "0000000000000047", "0000000000000055", "ec28913f",  // TOC
        ].joined()
        #expect(hex(bytes) == golden)
        #expect(r1 == 33 && r2 == 53)
        // And it reads back.
        let ix = try IndexReader(path: path)
        var metas: [ChunkMeta] = []
        #expect(try ix.series(r1, chunks: &metas) == ["__name__": "up", "job": "a"])
        #expect(metas == [ChunkMeta(ref: 1 << 32 | 8, minTime: 1000, maxTime: 2000), ChunkMeta(ref: 1 << 32 | 40, minTime: 3000, maxTime: 4000)])
        #expect(ix.postings("job", "b") == [r2])
        #expect(ix.postings("__name__", "up") == [r1, r2])
        #expect(ix.postings("job", "c").isEmpty)
        #expect(ix.labelValues("job") == ["a", "b"])
    }
}

@Suite struct ChunkSegmentGoldenTests {
    @Test func segmentGoldenBytes() throws {
        let dir = makeTempDir()
        defer { try? FS.removeAll(dir) }
        var c = XORChunk()
        c.append(t: 1000, v: 1)
        c.append(t: 2000, v: 1)
        let w = try ChunkSegmentWriter(dir: dir + "/chunks")
        let ref = try w.write(encoding: XORChunk.encoding, data: c.bytes)
        try w.close()
        #expect(ref == 1 << 32 | 8)
        let bytes = try FS.readFile(dir + "/chunks/000001")
        let data = hex(c.bytes)
        let crc = String(format: "%08x", CRC32C.checksum([XORChunk.encoding] + c.bytes))
        // header: magic, version 1, 3 padding bytes; record: uvarint len, encoding, data, CRC32C(encoding+data)
        #expect(hex(bytes) == "85bd40dd" + "01" + "000000" + String(format: "%02x", c.bytes.count) + "01" + data + crc)
        #expect(data == "0002" + "d00f" + "3ff0000000000000" + "e807" + "00")
        let r = try ChunkSegmentReader(dir: dir + "/chunks")
        let (enc, got) = try r.chunk(ref, verify: true)
        #expect(enc == 1 && Array(got) == c.bytes)
    }
}
