/// Byte encoding helpers for the block formats (docs/formats/block.md, index.md): big-endian
/// fixed-width integers, unsigned LEB128 varints and zig-zag signed varints, as Go's
/// `encoding/binary` writes them.
public struct ByteWriter: Sendable {
    public var bytes: [UInt8] = []

    public init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    public var count: Int { bytes.count }

    @inlinable public mutating func putByte(_ b: UInt8) { bytes.append(b) }

    @inlinable public mutating func putBE32(_ v: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: v >> 24)); bytes.append(UInt8(truncatingIfNeeded: v >> 16))
        bytes.append(UInt8(truncatingIfNeeded: v >> 8)); bytes.append(UInt8(truncatingIfNeeded: v))
    }

    @inlinable public mutating func putBE64(_ v: UInt64) {
        putBE32(UInt32(truncatingIfNeeded: v >> 32)); putBE32(UInt32(truncatingIfNeeded: v))
    }

    @inlinable public mutating func putUvarint(_ v: UInt64) {
        var v = v
        while v >= 0x80 { bytes.append(UInt8(truncatingIfNeeded: v) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }

    @inlinable public mutating func putUvarint(_ v: Int) { putUvarint(UInt64(v)) }

    @inlinable public mutating func putVarint(_ v: Int64) {
        putUvarint(UInt64(bitPattern: (v << 1) ^ (v >> 63)))
    }

    public mutating func putBytes(_ b: some Sequence<UInt8>) { bytes.append(contentsOf: b) }

    /// uvarint length then the bytes.
    public mutating func putUvarintBytes(_ b: some Collection<UInt8>) {
        putUvarint(b.count)
        bytes.append(contentsOf: b)
    }

    /// Overwrites 4 bytes at `at` with a big-endian value.
    public mutating func patchBE32(_ v: UInt32, at: Int) {
        bytes[at] = UInt8(truncatingIfNeeded: v >> 24); bytes[at + 1] = UInt8(truncatingIfNeeded: v >> 16)
        bytes[at + 2] = UInt8(truncatingIfNeeded: v >> 8); bytes[at + 3] = UInt8(truncatingIfNeeded: v)
    }

    public mutating func reset() { bytes.removeAll(keepingCapacity: true) }
}

/// Corrupt or truncated on-disk data (Prometheus `ErrInvalidSize`, `ErrInvalidChecksum`, …).
public enum FormatError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidSize(String)
    case invalidChecksum(String)
    case badMagic(String)
    case unsupportedVersion(String)
    case corrupt(String)

    public var description: String {
        switch self {
        case .invalidSize(let w): return "invalid size: \(w)"
        case .invalidChecksum(let w): return "invalid checksum: \(w)"
        case .badMagic(let w): return "invalid magic number: \(w)"
        case .unsupportedVersion(let w): return "unsupported version: \(w)"
        case .corrupt(let w): return "corrupt data: \(w)"
        }
    }
}

/// A bounds-checked cursor over read-only bytes (a memory-mapped file). Reads past the end set
/// `failed` and return 0 instead of trapping; callers check `failed` once per record.
public struct ByteReader {
    public let buf: UnsafeRawBufferPointer
    public var pos: Int
    public var failed = false

    public init(_ buf: UnsafeRawBufferPointer, at pos: Int = 0) {
        self.buf = buf
        self.pos = pos
    }

    public var remaining: Int { buf.count - pos }

    @inlinable public mutating func byte() -> UInt8 {
        guard pos < buf.count else { failed = true; return 0 }
        defer { pos += 1 }
        return buf[pos]
    }

    @inlinable public mutating func be32() -> UInt32 {
        guard pos + 4 <= buf.count else { failed = true; pos = buf.count; return 0 }
        defer { pos += 4 }
        return buf.loadUnaligned(fromByteOffset: pos, as: UInt32.self).bigEndian
    }

    @inlinable public mutating func be64() -> UInt64 {
        let hi = UInt64(be32())
        return hi << 32 | UInt64(be32())
    }

    @inlinable public mutating func uvarint() -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard pos < buf.count, shift < 64 else { failed = true; return 0 }
            let b = buf[pos]
            pos += 1
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
        }
    }

    @inlinable public mutating func varint() -> Int64 {
        let u = uvarint()
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }

    /// A sub-range of `n` bytes, advancing past it.
    @inlinable public mutating func bytes(_ n: Int) -> UnsafeRawBufferPointer {
        guard n >= 0, pos + n <= buf.count else { failed = true; pos = buf.count; return UnsafeRawBufferPointer(start: nil, count: 0) }
        defer { pos += n }
        return UnsafeRawBufferPointer(rebasing: buf[pos..<(pos + n)])
    }
}
