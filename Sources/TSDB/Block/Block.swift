import MetricModel

/// A persisted, immutable block opened for reading: meta.json, the memory-mapped index and chunk
/// segments. Thread-safe; series and iterators returned by its querier keep the mappings alive.
public final class Block: Sendable {
    public let dir: String
    public let meta: BlockMeta
    public let index: IndexReader
    public let chunks: ChunkSegmentReader

    public init(dir: String) throws {
        self.dir = dir
        meta = try BlockMeta.read(dir: dir)
        index = try IndexReader(path: dir + "/index")
        chunks = try ChunkSegmentReader(dir: dir + "/chunks")
    }

    public var ulid: ULID { meta.ulid }
    public var minTime: Timestamp { meta.minTime }
    public var maxTime: Timestamp { meta.maxTime }

    /// Bytes on disk: index + chunk segments + meta.json.
    public var size: Int64 { index.size + chunks.size + FS.fileSize(dir + "/meta.json") }

    public func querier(mint: Timestamp, maxt: Timestamp) -> BlockQuerier {
        BlockQuerier(block: self, mint: mint, maxt: maxt)
    }

    /// Every series with its chunk metas, in label order (for compaction and analysis).
    public func forEachSeries(_ body: (Labels, [ChunkMeta]) throws -> Void) throws {
        var metas: [ChunkMeta] = []
        for ref in index.allPostings() {
            let l = try index.series(ref, chunks: &metas)
            try body(l, metas)
        }
    }

    /// The encoded chunk at `meta`, copied out of the mapping.
    public func encodedChunk(_ meta: ChunkMeta) throws -> EncodedChunk {
        let (enc, data) = try chunks.chunk(meta.ref)
        return EncodedChunk(encoding: enc, bytes: Array(data), minTime: meta.minTime, maxTime: meta.maxTime)
    }
}

/// Reads one block over [mint, maxt] (Prometheus `blockQuerier`).
public struct BlockQuerier: Querier {
    public let block: Block
    public let mint: Timestamp
    public let maxt: Timestamp

    public func select(sorted: Bool, hints: SelectHints?, matchers: [LabelMatcher]) throws -> [any Series] {
        try selectSeries(matchers: matchers)
    }

    /// Typed variant of `select` (series come in label order).
    public func selectSeries(matchers: [LabelMatcher]) throws -> [BlockSeries] {
        let refs = Postings.forMatchers(block.index, matchers)
        var out: [BlockSeries] = []
        var metas: [ChunkMeta] = []
        for ref in refs {
            let l = try block.index.series(ref, chunks: &metas)
            let inRange = metas.filter { $0.maxTime >= mint && $0.minTime <= maxt }
            if inRange.isEmpty { continue }
            out.append(BlockSeries(labels: l, chunks: inRange, reader: block.chunks, mint: mint, maxt: maxt))
        }
        return out
    }

    public func labelValues(_ name: String, matchers: [LabelMatcher]) throws -> [String] {
        if matchers.isEmpty { return block.index.labelValues(name) }
        var set = Set<String>()
        for s in try selectSeries(matchers: matchers) {
            let v = s.labels.get(name)
            if !v.isEmpty { set.insert(v) }
        }
        return set.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    public func labelNames(matchers: [LabelMatcher]) throws -> [String] {
        if matchers.isEmpty { return block.index.labelNames() }
        var set = Set<String>()
        for s in try selectSeries(matchers: matchers) { for n in s.labels.names { set.insert(n) } }
        return set.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}

/// A series read from a block: chunks are decoded lazily by its iterator.
public struct BlockSeries: Series {
    public let labels: Labels
    public let chunks: [ChunkMeta]
    let reader: ChunkSegmentReader
    let mint: Timestamp
    let maxt: Timestamp

    public func iterator() -> any SampleIterator { chunkIterator() }

    public func chunkIterator() -> ChunkListIterator {
        ChunkListIterator(reader: reader, chunks: chunks, mint: mint, maxt: maxt)
    }

    public func appendSamples(mint: Timestamp, maxt: Timestamp, to buf: inout [Sample]) {
        let lo = Swift.max(mint, self.mint), hi = Swift.min(maxt, self.maxt)
        if lo > hi { return }
        for c in chunks where c.maxTime >= lo && c.minTime <= hi {
            // An unreadable chunk yields nothing, as in ChunkListIterator.
            guard let (enc, data) = try? reader.chunk(c.ref), enc == XORChunk.encoding else { continue }
            var it = XORIterator(bytes: Array(data))
            it.appendAll(mint: lo, maxt: hi, to: &buf)
        }
    }
}

/// Iterates a series' XOR chunks in order (non-overlapping), limited to [mint, maxt]. `seek`
/// skips whole chunks that end before the target without decoding them.
public struct ChunkListIterator: SampleIterator {
    let reader: ChunkSegmentReader
    let chunks: [ChunkMeta]
    let mint: Timestamp
    let maxt: Timestamp
    var ci = -1
    var cur: XORIterator?
    var done = false

    public init(reader: ChunkSegmentReader, chunks: [ChunkMeta], mint: Timestamp, maxt: Timestamp) {
        self.reader = reader
        self.chunks = chunks
        self.mint = mint
        self.maxt = maxt
    }

    public var at: Sample { cur!.at }

    mutating func load(_ i: Int) {
        ci = i
        if let (enc, data) = try? reader.chunk(chunks[i].ref), enc == XORChunk.encoding {
            cur = XORIterator(bytes: Array(data))
        } else {
            cur = XORIterator(bytes: [])  // unreadable chunk: yields nothing
        }
    }

    public mutating func next() -> Bool {
        if done { return false }
        while true {
            if cur != nil, cur!.next() {
                let t = cur!.at.t
                if t < mint { continue }
                if t > maxt { done = true; cur = nil; return false }
                return true
            }
            if ci + 1 >= chunks.count { done = true; cur = nil; return false }
            load(ci + 1)
        }
    }

    public mutating func seek(_ t: Timestamp) -> Bool {
        if done { return false }
        if let c = cur, c.started, c.at.t >= t, c.at.t >= mint { return true }
        // Skip chunks ending before t.
        var j = max(ci, 0)
        while j < chunks.count && chunks[j].maxTime < t { j += 1 }
        if j >= chunks.count { done = true; cur = nil; return false }
        if j != ci { load(j) }
        while next() {
            if at.t >= t { return true }
        }
        return false
    }
}
