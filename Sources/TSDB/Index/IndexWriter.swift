import MetricModel

/// Constants of the index file (docs/formats/index.md).
public enum IndexFormat {
    /// "PFIX" — a promfleet index, not Prometheus's 0xBAAAD700.
    public static let magic: UInt32 = 0x5046_4958
    public static let version: UInt8 = 1
    public static let headerSize = 5
    public static let tocSize = 4 * 8 + 4
}

/// Writes a block index in one pass: symbols (all, sorted, given up front), then series in label
/// order (`addSeries`), then `close()` writes postings, the postings offset table and the TOC.
///
/// Series references are byte offsets of the series entry in the file, so they increase with
/// label order and postings lists are delta-encoded varints.
public final class IndexWriter {
    let file: FileWriter
    var symbolIndex: [[UInt8]: UInt32] = [:]
    var buf = ByteWriter(capacity: 1 << 16)
    var sectionCRC: UInt32 = 0
    var toc = (symbols: UInt64(0), series: UInt64(0), postings: UInt64(0), table: UInt64(0))
    /// (nameSym << 32 | valueSym) → series refs, in insertion (= ascending) order.
    var postings: [UInt64: [UInt64]] = [:]
    var all: [UInt64] = []
    var lastLabels: Labels?
    var nameBuf: [UInt8] = []
    var pairs: [(UInt32, UInt32)] = []
    public private(set) var seriesCount = 0

    /// `symbols` must be every label name and value used by the series, sorted (byte order), unique.
    public init(path: String, symbols: [[UInt8]]) throws {
        file = try FileWriter(path: path)
        var h = ByteWriter(capacity: 8)
        h.putBE32(IndexFormat.magic)
        h.putByte(IndexFormat.version)
        try file.write(h.bytes)
        toc.symbols = UInt64(file.offset)
        buf.putBE32(UInt32(symbols.count))
        var prev: [UInt8]?
        for (i, s) in symbols.enumerated() {
            if let p = prev, !p.lexicographicallyPrecedes(s) {
                throw FormatError.corrupt("symbols not sorted/unique at \(i)")
            }
            prev = s
            symbolIndex[s] = UInt32(i)
            buf.putUvarintBytes(s)
            if buf.count > 1 << 16 { try flushSection() }
        }
        try endSection()
        toc.series = UInt64(file.offset)
    }

    private func flushSection() throws {
        sectionCRC = buf.bytes.withUnsafeBytes { CRC32C.update(sectionCRC, $0) }
        try file.write(buf.bytes)
        buf.reset()
    }

    private func endSection() throws {
        try flushSection()
        buf.putBE32(sectionCRC)
        try file.write(buf.bytes)
        buf.reset()
        sectionCRC = 0
    }

    private func sym(_ s: UnsafeBufferPointer<UInt8>) throws -> UInt32 {
        nameBuf.removeAll(keepingCapacity: true)
        nameBuf.append(contentsOf: s)
        guard let i = symbolIndex[nameBuf] else {
            throw FormatError.corrupt("symbol \"\(String(decoding: s, as: UTF8.self))\" missing from symbol table")
        }
        return i
    }

    /// Adds a series; calls must come in strictly increasing label order. Returns its reference.
    @discardableResult
    public func addSeries(_ labels: Labels, chunks: [ChunkMeta]) throws -> UInt64 {
        if let last = lastLabels, Labels.compare(last, labels) >= 0 {
            throw FormatError.corrupt("series out of order: \(labels) after \(last)")
        }
        lastLabels = labels
        let ref = UInt64(file.offset + buf.count)
        pairs.removeAll(keepingCapacity: true)
        try labels.forEachRaw { n, v in pairs.append((try sym(n), try sym(v))) }
        buf.putUvarint(pairs.count)
        for (n, v) in pairs {
            buf.putUvarint(UInt64(n))
            buf.putUvarint(UInt64(v))
            postings[UInt64(n) << 32 | UInt64(v), default: []].append(ref)
        }
        all.append(ref)
        buf.putUvarint(chunks.count)
        var prevMax: Int64 = 0, prevRef: UInt64 = 0
        for (i, c) in chunks.enumerated() {
            if i == 0 {
                buf.putVarint(c.minTime)
            } else {
                buf.putVarint(c.minTime &- prevMax)
            }
            buf.putUvarint(UInt64(bitPattern: c.maxTime &- c.minTime))
            buf.putVarint(Int64(bitPattern: c.ref &- prevRef))
            prevMax = c.maxTime
            prevRef = c.ref
        }
        seriesCount += 1
        if buf.count > 1 << 16 { try flushSection() }
        return ref
    }

    private func putPostings(_ refs: [UInt64]) {
        buf.putUvarint(refs.count)
        var prev: UInt64 = 0
        for r in refs {
            buf.putUvarint(r - prev)
            prev = r
        }
    }

    /// Writes postings, the postings offset table and the TOC; syncs and closes the file.
    public func close() throws {
        try endSection()
        toc.postings = UInt64(file.offset)
        putPostings(all)
        let keys = postings.keys.sorted()
        var offsets: [UInt64] = []
        offsets.reserveCapacity(keys.count)
        for k in keys {
            offsets.append(UInt64(file.offset + buf.count))
            putPostings(postings[k]!)
            if buf.count > 1 << 16 { try flushSection() }
        }
        try endSection()
        toc.table = UInt64(file.offset)
        buf.putBE32(UInt32(keys.count))
        var prevOff = toc.postings
        for (k, off) in zip(keys, offsets) {
            buf.putUvarint(k >> 32)
            buf.putUvarint(k & 0xFFFF_FFFF)
            buf.putUvarint(off - prevOff)
            prevOff = off
        }
        try endSection()
        buf.putBE64(toc.symbols)
        buf.putBE64(toc.series)
        buf.putBE64(toc.postings)
        buf.putBE64(toc.table)
        let crc = buf.bytes.withUnsafeBytes { CRC32C.checksum($0) }
        buf.putBE32(crc)
        try file.write(buf.bytes)
        buf.reset()
        try file.sync()
        try file.close()
    }
}

extension IndexWriter {
    /// The sorted unique symbols (names and values) of a set of label sets.
    public static func symbols(of series: some Sequence<Labels>) -> [[UInt8]] {
        var set = Set<[UInt8]>()
        for l in series {
            l.forEachRaw { n, v in
                set.insert(Array(n))
                set.insert(Array(v))
            }
        }
        return set.sorted { $0.lexicographicallyPrecedes($1) }
    }
}
