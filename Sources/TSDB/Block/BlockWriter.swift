import MetricModel

/// One encoded chunk to persist: XOR bytes (2-byte sample count header + bit stream).
public struct EncodedChunk: Sendable {
    public var encoding: UInt8
    public var bytes: [UInt8]
    public var minTime: Timestamp
    public var maxTime: Timestamp

    public init(encoding: UInt8 = XORChunk.encoding, bytes: [UInt8], minTime: Timestamp, maxTime: Timestamp) {
        self.encoding = encoding
        self.bytes = bytes
        self.minTime = minTime
        self.maxTime = maxTime
    }

    public init(_ c: XORChunk) {
        self.init(bytes: c.bytes, minTime: c.minTime, maxTime: c.maxTime)
    }

    /// Samples in the chunk (the XOR header's count).
    public var numSamples: Int { bytes.count >= 2 ? Int(bytes[0]) << 8 | Int(bytes[1]) : 0 }
}

/// Writes one block directory atomically: everything goes into `<parent>/<ulid>.tmp`, and
/// `commit()` renames it to `<parent>/<ulid>` after fsync. Series must be added in label order.
///
///     w = try BlockWriter(parent:, ulid:, minTime:, maxTime:, symbols:)
///     try w.addSeries(labels, chunks: …)   // sorted by labels
///     let meta = try w.finish()             // index, meta.json, fsync — still <ulid>.tmp
///     try w.commit()                        // rename into place
public final class BlockWriter {
    public let parent: String
    public let tmpDir: String
    public let finalDir: String
    var meta: BlockMeta
    let chunkWriter: ChunkSegmentWriter
    let index: IndexWriter
    var metas: [ChunkMeta] = []
    var finished = false
    var committed = false

    public init(parent: String, ulid: ULID, minTime: Timestamp, maxTime: Timestamp, symbols: [[UInt8]],
                compaction: BlockMeta.Compaction? = nil) throws {
        self.parent = parent
        finalDir = parent + "/" + ulid.description
        tmpDir = finalDir + ".tmp"
        if FS.exists(tmpDir) { try FS.removeAll(tmpDir) }
        try FS.mkdirAll(tmpDir)
        meta = BlockMeta(ulid: ulid, minTime: minTime, maxTime: maxTime, compaction: compaction)
        chunkWriter = try ChunkSegmentWriter(dir: tmpDir + "/chunks")
        index = try IndexWriter(path: tmpDir + "/index", symbols: symbols)
    }

    /// Adds a series with its chunks (in time order). Series without chunks are skipped.
    public func addSeries(_ labels: Labels, chunks: [EncodedChunk]) throws {
        if chunks.isEmpty { return }
        metas.removeAll(keepingCapacity: true)
        for c in chunks {
            let ref = try chunkWriter.write(encoding: c.encoding, data: c.bytes)
            metas.append(ChunkMeta(ref: ref, minTime: c.minTime, maxTime: c.maxTime))
            meta.stats.numSamples += UInt64(c.numSamples)
        }
        meta.stats.numChunks += UInt64(chunks.count)
        meta.stats.numSeries += 1
        try index.addSeries(labels, chunks: metas)
    }

    /// Adds a series whose chunks are already written elsewhere is not supported: chunks are
    /// always copied so a block is self-contained.
    public func finish() throws -> BlockMeta {
        try chunkWriter.close()
        try index.close()
        try meta.write(dir: tmpDir)
        try FS.syncDir(tmpDir + "/chunks")
        try FS.syncDir(tmpDir)
        finished = true
        return meta
    }

    /// Renames the finished block into place.
    public func commit() throws {
        precondition(finished, "commit before finish")
        try FS.rename(tmpDir, finalDir)
        try FS.syncDir(parent)
        committed = true
    }

    /// Removes the temporary directory (after an error).
    public func abort() {
        if !committed { try? FS.removeAll(tmpDir) }
    }
}
