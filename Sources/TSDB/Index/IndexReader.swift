import MetricModel

/// Reads a block index (docs/formats/index.md) from a memory-mapped file. All section checksums
/// are verified on open. Immutable after init: safe for concurrent use.
public final class IndexReader: @unchecked Sendable {
    let file: MappedFile
    /// Byte offsets of each symbol's uvarint length prefix.
    let symbolOffsets: [UInt32]
    let seriesStart: Int, seriesEnd: Int
    /// Postings offset table, sorted by (name, value) symbol: parallel arrays.
    let tableNames: [UInt32]
    let tableValues: [UInt32]
    let tableOffsets: [UInt64]
    let allPostingsOffset: Int
    /// name symbol → range into the table arrays.
    let nameRanges: [UInt32: Range<Int>]

    public var size: Int64 { Int64(file.bytes.count) }
    public var symbolCount: Int { symbolOffsets.count }

    public init(path: String) throws {
        file = try MappedFile(path: path)
        let b = file.bytes
        guard b.count >= IndexFormat.headerSize + IndexFormat.tocSize else { throw FormatError.invalidSize("index \(path) too short") }
        var r = ByteReader(b)
        if r.be32() != IndexFormat.magic { throw FormatError.badMagic("index \(path)") }
        let v = r.byte()
        if v != IndexFormat.version { throw FormatError.unsupportedVersion("index \(path) version \(v)") }
        let tocStart = b.count - IndexFormat.tocSize
        r.pos = tocStart
        let symStart = Int(r.be64()), serStart = Int(r.be64()), postStart = Int(r.be64()), tabStart = Int(r.be64())
        let tocCRC = r.be32()
        if CRC32C.checksum(UnsafeRawBufferPointer(rebasing: b[tocStart..<(b.count - 4)])) != tocCRC {
            throw FormatError.invalidChecksum("index \(path) TOC")
        }
        guard IndexFormat.headerSize == symStart, symStart + 8 <= serStart, serStart + 4 <= postStart,
              postStart + 4 <= tabStart, tabStart + 8 <= tocStart else {
            throw FormatError.invalidSize("index \(path) TOC offsets")
        }
        for (name, s, e) in [("symbols", symStart, serStart), ("series", serStart, postStart),
                             ("postings", postStart, tabStart), ("postings offset table", tabStart, tocStart)] {
            var cr = ByteReader(b, at: e - 4)
            let want = cr.be32()
            if CRC32C.checksum(UnsafeRawBufferPointer(rebasing: b[s..<(e - 4)])) != want {
                throw FormatError.invalidChecksum("index \(path) \(name)")
            }
        }
        // Symbols.
        r.pos = symStart
        let nsym = Int(r.be32())
        var offs: [UInt32] = []
        offs.reserveCapacity(nsym)
        for _ in 0..<nsym {
            offs.append(UInt32(r.pos))
            let n = Int(r.uvarint())
            r.pos += n
        }
        if r.failed || r.pos != serStart - 4 { throw FormatError.corrupt("index \(path) symbol table") }
        symbolOffsets = offs
        seriesStart = serStart
        seriesEnd = postStart - 4
        allPostingsOffset = postStart
        // Postings offset table.
        r.pos = tabStart
        let nent = Int(r.be32())
        var names: [UInt32] = [], values: [UInt32] = [], offsets: [UInt64] = []
        names.reserveCapacity(nent); values.reserveCapacity(nent); offsets.reserveCapacity(nent)
        var ranges: [UInt32: Range<Int>] = [:]
        var off = UInt64(postStart)
        for i in 0..<nent {
            let n = UInt32(truncatingIfNeeded: r.uvarint())
            let v = UInt32(truncatingIfNeeded: r.uvarint())
            off += r.uvarint()
            if n >= nsym || v >= nsym { throw FormatError.corrupt("index \(path) postings table symbol") }
            names.append(n); values.append(v); offsets.append(off)
            if let rg = ranges[n] { ranges[n] = rg.lowerBound..<(i + 1) } else { ranges[n] = i..<(i + 1) }
        }
        if r.failed || r.pos != tocStart - 4 { throw FormatError.corrupt("index \(path) postings offset table") }
        tableNames = names
        tableValues = values
        tableOffsets = offsets
        nameRanges = ranges
    }

    /// The bytes of symbol `i`.
    func symbolBytes(_ i: UInt32) -> UnsafeRawBufferPointer {
        var r = ByteReader(file.bytes, at: Int(symbolOffsets[Int(i)]))
        let n = Int(r.uvarint())
        return r.bytes(n)
    }

    public func symbol(_ i: UInt32) -> String {
        String(decoding: symbolBytes(i), as: UTF8.self)
    }

    /// The index of `s` in the sorted symbol table, if present (binary search).
    public func symbolIndex(_ s: String) -> UInt32? {
        var s = s
        return s.withUTF8 { key -> UInt32? in
            var lo = 0, hi = symbolOffsets.count
            while lo < hi {
                let mid = (lo + hi) / 2
                let sb = symbolBytes(UInt32(mid))
                let c = compareBytes(sb.bindMemory(to: UInt8.self), 0, sb.count, key, 0, key.count)
                if c == 0 { return UInt32(mid) }
                if c < 0 { lo = mid + 1 } else { hi = mid }
            }
            return nil
        }
    }

    /// Decodes a postings list at a byte offset.
    func postingsList(at offset: UInt64) -> [UInt64] {
        var r = ByteReader(file.bytes, at: Int(offset))
        let n = Int(r.uvarint())
        var out = [UInt64]()
        out.reserveCapacity(n)
        var prev: UInt64 = 0
        for _ in 0..<n {
            prev &+= r.uvarint()
            out.append(prev)
        }
        return r.failed ? [] : out
    }

    /// All series references, in label order.
    public func allPostings() -> [UInt64] { postingsList(at: UInt64(allPostingsOffset)) }

    /// Series with label `name`=`value`.
    public func postings(_ name: String, _ value: String) -> [UInt64] {
        guard let n = symbolIndex(name), let v = symbolIndex(value), let rg = nameRanges[n] else { return [] }
        var lo = rg.lowerBound, hi = rg.upperBound
        while lo < hi {
            let mid = (lo + hi) / 2
            if tableValues[mid] == v { return postingsList(at: tableOffsets[mid]) }
            if tableValues[mid] < v { lo = mid + 1 } else { hi = mid }
        }
        return []
    }

    /// Sorted values of label `name` (all series).
    public func labelValues(_ name: String) -> [String] {
        guard let n = symbolIndex(name), let rg = nameRanges[n] else { return [] }
        return rg.map { symbol(tableValues[$0]) }
    }

    /// For each value of `name`, the value and its postings offset (for matcher evaluation).
    func valuesWithOffsets(_ name: String) -> [(String, UInt64)] {
        guard let n = symbolIndex(name), let rg = nameRanges[n] else { return [] }
        return rg.map { (symbol(tableValues[$0]), tableOffsets[$0]) }
    }

    /// Sorted label names present in the block.
    public func labelNames() -> [String] {
        nameRanges.keys.sorted().map { symbol($0) }
    }

    /// Number of series with each label name, and each (name, value): (name, value, count).
    public func postingsCounts() -> [(name: String, value: String, count: Int)] {
        (0..<tableNames.count).map { i in
            var r = ByteReader(file.bytes, at: Int(tableOffsets[i]))
            return (symbol(tableNames[i]), symbol(tableValues[i]), Int(r.uvarint()))
        }
    }

    /// Decodes the series at `ref`: its labels and chunk metas.
    public func series(_ ref: UInt64, chunks: inout [ChunkMeta]) throws -> Labels {
        guard ref >= UInt64(seriesStart) && ref < UInt64(seriesEnd) else {
            throw FormatError.corrupt("series ref \(ref) outside the series section")
        }
        var r = ByteReader(file.bytes, at: Int(ref))
        let nl = Int(r.uvarint())
        var packed: [UInt8] = []
        packed.reserveCapacity(nl * 16)
        for _ in 0..<(2 * nl) {
            let s = UInt32(truncatingIfNeeded: r.uvarint())
            guard s < symbolOffsets.count else { throw FormatError.corrupt("series \(ref): symbol \(s)") }
            let sb = symbolBytes(s)
            Varint.append(sb.count, to: &packed)
            packed.append(contentsOf: sb)
        }
        let nc = Int(r.uvarint())
        chunks.removeAll(keepingCapacity: true)
        var prevMax: Int64 = 0, prevRef: UInt64 = 0
        for i in 0..<nc {
            let mint = i == 0 ? r.varint() : prevMax &+ r.varint()
            let maxt = mint &+ Int64(bitPattern: r.uvarint())
            let cref = prevRef &+ UInt64(bitPattern: r.varint())
            chunks.append(ChunkMeta(ref: cref, minTime: mint, maxTime: maxt))
            prevMax = maxt
            prevRef = cref
        }
        if r.failed { throw FormatError.corrupt("series \(ref) truncated") }
        return Labels(packed: packed)
    }
}
