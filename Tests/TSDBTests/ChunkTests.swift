import MetricModel
import Testing
@testable import TSDB

/// Decodes every sample of a chunk.
func decodeAll(_ bytes: [UInt8]) -> [Sample] {
    var it = XORIterator(bytes: bytes)
    var out: [Sample] = []
    while it.next() { out.append(it.at) }
    return out
}

func encode(_ samples: [Sample]) -> XORChunk {
    var c = XORChunk()
    for s in samples { c.append(t: s.t, v: s.v) }
    return c
}

/// Bit-exact comparison (NaN payloads included).
func sameBits(_ a: [Sample], _ b: [Sample]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.t == $1.t && $0.v.bitPattern == $1.v.bitPattern }
}

struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct ChunkTests {
    /// Golden bytes, derived by hand in docs/formats/chunks.md ("Worked example").
    @Test func goldenBytes() {
        let c = encode([Sample(t: 1000, v: 1), Sample(t: 2000, v: 1), Sample(t: 3000, v: 2), Sample(t: 4005, v: 2)])
        let want: [UInt8] = [0x00, 0x04, 0xD0, 0x0F, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0, 0xE8, 0x07,
                             0x30, 0x97, 0xFF, 0xE0, 0x01, 0x40]
        #expect(c.bytes == want)
        #expect(c.numSamples == 4)
        #expect(c.minTime == 1000)
        #expect(c.maxTime == 4005)
        #expect(sameBits(decodeAll(want), [Sample(t: 1000, v: 1), Sample(t: 2000, v: 1), Sample(t: 3000, v: 2), Sample(t: 4005, v: 2)]))
    }

    @Test func emptyChunk() throws {
        let c = XORChunk()
        #expect(c.bytes == [0, 0])
        #expect(c.numSamples == 0)
        #expect(c.last == nil)
        #expect(decodeAll(c.bytes).isEmpty)
        var it = c.iterator()
        do { let ok = it.seek(0); #expect(!ok) }
        let back = try XORChunk(bytes: c.bytes)
        #expect(back.numSamples == 0)
    }

    @Test func oneSample() {
        let c = encode([Sample(t: -5, v: 3.25)])
        #expect(c.numSamples == 1)
        #expect(c.minTime == -5 && c.maxTime == -5)
        #expect(sameBits(decodeAll(c.bytes), [Sample(t: -5, v: 3.25)]))
    }

    static let edgeValueSets: [[Double]] = [
        [Double.nan, .infinity, -.infinity, 0, -0.0, StaleNaN.value, NormalNaN.value, 1, 1, 1],
        [StaleNaN.value, StaleNaN.value, 42, StaleNaN.value, Double.greatestFiniteMagnitude, Double.leastNonzeroMagnitude],
        Array(repeating: 7.5, count: 130),
        [Double(bitPattern: 0xFFFF_FFFF_FFFF_FFFF), Double(bitPattern: 1), Double(bitPattern: 0x8000_0000_0000_0000), 0],
    ]

    @Test(arguments: edgeValueSets)
    func edgeValues(_ values: [Double]) {
        let samples = values.enumerated().map { Sample(t: Int64($0.offset) * 15_000, v: $0.element) }
        let c = encode(samples)
        #expect(sameBits(decodeAll(c.bytes), samples))
    }

    static let timestampSets: [[Int64]] = [
        [Int64.min, 0, Int64.max],
        [0, 1, 2, 3, 8193, 8194, 8195 + 65_537, 1 << 40, (1 << 40) + 1, -(1 << 50), 0],
        [1_700_000_000_000, 1_700_000_015_000, 1_700_000_030_000, 1_700_000_030_000, 1_700_000_029_999],
        [5, 5 + 8192, 5 + 2 * 8192, 5 + 3 * 8192 - 8191, 100_000, 100_000 + 65_536 + 1, 1 << 20],
    ]

    @Test(arguments: timestampSets)
    func timestampDeltas(_ ts: [Int64]) {
        let samples = ts.enumerated().map { Sample(t: $0.element, v: Double($0.offset)) }
        let c = encode(samples)
        #expect(sameBits(decodeAll(c.bytes), samples))
    }

    /// Every dod bucket boundary, both signs.
    @Test func dodBuckets() {
        var samples: [Sample] = [Sample(t: 0, v: 0), Sample(t: 1_000_000_000, v: 0)]
        var t: Int64 = 1_000_000_000
        var delta: Int64 = 1_000_000_000
        for n in [14, 17, 20] {
            let lim = Int64(1) << Int64(n - 1)
            for dod in [lim, lim + 1, -(lim - 1), -lim, 1, -1, 0] {
                delta += dod
                t += delta
                samples.append(Sample(t: t, v: 1))
            }
        }
        let c = encode(samples)
        #expect(sameBits(decodeAll(c.bytes), samples))
    }

    @Test(arguments: [1, 2, 3, 4])
    func randomRoundTrip(seed: UInt64) {
        var rng = SplitMix(state: seed)
        var samples: [Sample] = []
        var t: Int64 = Int64(rng.next() % 1_000_000_000_000)
        for i in 0..<300 {
            t += Int64(rng.next() % 30_000)
            let v: Double
            switch rng.next() % 4 {
            case 0: v = Double(bitPattern: rng.next())
            case 1: v = Double(rng.next() % 1000)
            case 2: v = samples.last?.v ?? 0
            default: v = Double(i) * 0.1
            }
            samples.append(Sample(t: t, v: v))
        }
        let c = encode(samples)
        #expect(c.numSamples == 300)
        #expect(sameBits(decodeAll(c.bytes), samples))
    }

    @Test func decodeRestoresAppender() throws {
        var rng = SplitMix(state: 9)
        var samples: [Sample] = []
        for i in 0..<50 { samples.append(Sample(t: Int64(i) * 1000 + Int64(rng.next() % 7), v: Double(rng.next() % 50) / 3)) }
        let full = encode(samples)
        // Re-open after each prefix and continue appending: bytes must equal the uninterrupted run.
        for cut in [0, 1, 2, 3, 17, 49] {
            var c = try XORChunk(bytes: encode(Array(samples[..<cut])).bytes)
            #expect(c.numSamples == cut)
            for s in samples[cut...] { c.append(t: s.t, v: s.v) }
            #expect(c.bytes == full.bytes)
        }
        let back = try XORChunk(bytes: full.bytes)
        #expect(back.minTime == samples.first!.t)
        #expect(back.maxTime == samples.last!.t)
    }

    @Test func corruptStreamEndsWithoutTrap() {
        let c = encode((0..<120).map { Sample(t: Int64($0) * 1000, v: Double($0) * 1.5) })
        var short = c.bytes
        short.removeLast(short.count / 2)
        var it = XORIterator(bytes: short)
        var n = 0
        while it.next() { n += 1 }
        #expect(n > 0 && n < 120)
        #expect(it.isCorrupt)
        #expect(throws: ChunkError.self) { try XORChunk(bytes: short) }
        #expect(throws: ChunkError.self) { try XORChunk(bytes: [1]) }
        #expect(decodeAll([]).isEmpty)
    }

    @Test func seek() {
        let samples = (0..<200).map { Sample(t: Int64($0) * 10, v: Double($0)) }
        let c = encode(samples)
        var it = c.iterator()
        do { let ok = it.seek(55); #expect(ok) }
        #expect(it.at == Sample(t: 60, v: 6))
        do { let ok = it.seek(60); #expect(ok) }
        #expect(it.at.t == 60)
        do { let ok = it.seek(1990); #expect(ok) }
        #expect(it.at.t == 1990)
        do { let ok = it.seek(1991); #expect(!ok) }
        do { let ok = it.seek(0); #expect(!ok) }
    }

    @Test func compressionSize() {
        // A regular 15 s scrape of a slowly growing counter compresses well under 2 bytes/sample.
        var c = XORChunk()
        for i in 0..<120 { c.append(t: 1_700_000_000_000 + Int64(i) * 15_000, v: Double(i / 4)) }
        #expect(c.bytes.count < 120 * 2)
        #expect(c.bytes.count > 20)
    }
}

@Suite struct ChunkBufferTests {
    /// Pre-sized, reset and growing buffers all yield the same exact bytes.
    @Test(arguments: [0, 2, 3, 64, 1000])
    func capacityDoesNotChangeBytes(capacity: Int) {
        var rng = SplitMix(state: UInt64(capacity) + 1)
        let samples = (0..<130).map { Sample(t: Int64($0) * 997 + Int64(rng.next() % 50), v: Double(rng.next() % 100) / 8) }
        var a = XORChunk(capacity: capacity)
        #expect(a.bytes == [0, 0])
        for s in samples { a.append(t: s.t, v: s.v) }
        #expect(a.bytes == encode(samples).bytes)
        a.reset()
        #expect(a.bytes == [0, 0])
        #expect(a.numSamples == 0)
        for s in samples.reversed().prefix(3) { a.append(t: s.t, v: s.v) }
        #expect(a.bytes == encode(Array(samples.reversed().prefix(3))).bytes)
    }
}
