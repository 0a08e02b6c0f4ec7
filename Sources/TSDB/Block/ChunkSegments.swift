import MetricModel

/// Where a chunk lives and what it covers, as the index records it (Prometheus `chunks.Meta`).
public struct ChunkMeta: Equatable, Sendable {
    /// Segment sequence (1-based) << 32 | byte offset in the segment.
    public var ref: UInt64
    public var minTime: Timestamp
    public var maxTime: Timestamp

    public init(ref: UInt64, minTime: Timestamp, maxTime: Timestamp) {
        self.ref = ref
        self.minTime = minTime
        self.maxTime = maxTime
    }
}

/// Constants of the chunk segment files (docs/formats/block.md).
public enum ChunkSegment {
    public static let magic: UInt32 = 0x85BD_40DD
    public static let version: UInt8 = 1
    public static let headerSize = 8
    public static let maxSize = 512 << 20

    public static func name(_ seq: Int) -> String {
        let s = String(seq)
        return String(repeating: "0", count: max(0, 6 - s.count)) + s
    }
}

/// Writes chunks into `<block>/chunks/000001, 000002, …`, cutting a new segment before one
/// would exceed 512 MiB. Each record: uvarint(len(data)) | encoding <1b> | data | CRC32C(encoding,data) <4b>.
public final class ChunkSegmentWriter {
    let dir: String
    var seq = 0
    var file: FileWriter?
    var record = ByteWriter(capacity: 4096)
    public private(set) var bytesWritten: Int64 = 0
    let segmentSize: Int

    public init(dir: String, segmentSize: Int = ChunkSegment.maxSize) throws {
        self.dir = dir
        self.segmentSize = segmentSize
        try FS.mkdir(dir)
    }

    private func cut() throws {
        if let f = file {
            try f.sync()
            try f.close()
        }
        seq += 1
        let f = try FileWriter(path: dir + "/" + ChunkSegment.name(seq))
        var h = ByteWriter(capacity: 8)
        h.putBE32(ChunkSegment.magic)
        h.putByte(ChunkSegment.version)
        h.putBytes([0, 0, 0])
        try f.write(h.bytes)
        bytesWritten += Int64(h.count)
        file = f
    }

    /// Appends one chunk and returns its reference.
    public func write(encoding: UInt8, data: UnsafeRawBufferPointer) throws -> UInt64 {
        record.reset()
        record.putUvarint(data.count)
        let crcStart = record.count
        record.putByte(encoding)
        record.putBytes(data)
        let crc = record.bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[crcStart...])) }
        record.putBE32(crc)
        if file == nil || file!.offset + record.count > segmentSize { try cut() }
        let ref = UInt64(seq) << 32 | UInt64(file!.offset)
        try file!.write(record.bytes)
        bytesWritten += Int64(record.count)
        return ref
    }

    public func write(encoding: UInt8, data: [UInt8]) throws -> UInt64 {
        try data.withUnsafeBytes { try write(encoding: encoding, data: $0) }
    }

    /// Syncs and closes the last segment.
    public func close() throws {
        if let f = file {
            try f.sync()
            try f.close()
            file = nil
        }
    }
}

/// Reads chunks from a block's memory-mapped segment files.
public final class ChunkSegmentReader: Sendable {
    let segments: [MappedFile]

    public init(dir: String) throws {
        var segs: [MappedFile] = []
        let names = FS.isDirectory(dir) ? try FS.list(dir) : []
        for (i, name) in names.enumerated() {
            guard name == ChunkSegment.name(i + 1) else {
                throw FormatError.corrupt("unexpected chunk segment \(dir)/\(name)")
            }
            let m = try MappedFile(path: dir + "/" + name)
            var r = ByteReader(m.bytes)
            let magic = r.be32()
            if r.failed || magic != ChunkSegment.magic { throw FormatError.badMagic("\(m.path)") }
            let v = r.byte()
            if v != ChunkSegment.version { throw FormatError.unsupportedVersion("chunk segment \(m.path) version \(v)") }
            segs.append(m)
        }
        segments = segs
    }

    public var size: Int64 { segments.reduce(0) { $0 + Int64($1.bytes.count) } }

    /// The encoding byte and data of the chunk at `ref`, verifying its CRC32C when `verify`.
    /// The view is valid while this reader is retained.
    public func chunk(_ ref: UInt64, verify: Bool = false) throws -> (encoding: UInt8, data: UnsafeRawBufferPointer) {
        let seq = Int(ref >> 32), off = Int(ref & 0xFFFF_FFFF)
        guard seq >= 1 && seq <= segments.count else { throw FormatError.corrupt("chunk ref \(ref): no segment \(seq)") }
        var r = ByteReader(segments[seq - 1].bytes, at: off)
        let n = Int(r.uvarint())
        let start = r.pos
        let enc = r.byte()
        let data = r.bytes(n)
        let crc = r.be32()
        if r.failed { throw FormatError.invalidSize("chunk ref \(ref) beyond segment end") }
        if verify {
            let got = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: r.buf[start..<(start + 1 + n)]))
            if got != crc { throw FormatError.invalidChecksum("chunk ref \(ref)") }
        }
        return (enc, data)
    }
}
