/// The byte buffer of a chunk being appended to (Prometheus `tsdb/chunkenc/bstream.go`).
/// `bytes` is padded with zeros beyond the logical length `len`, so a sample is encoded through
/// one raw pointer (`withCursor`) with no per-bit bounds or uniqueness checks; `free` counts the
/// unused low bits of the last used byte (0 = it is full).
@usableFromInline
struct BitWriter: Sendable {
    @usableFromInline var bytes: [UInt8]
    @usableFromInline var len: Int
    @usableFromInline var free: UInt8

    /// `bytes` must be exactly the encoded stream (no padding), with `free` unused low bits.
    @inlinable
    init(bytes: [UInt8], free: UInt8) {
        self.bytes = bytes
        self.len = bytes.count
        self.free = free
    }

    /// Runs `body` with a cursor over the buffer after making room for `reserve` more bytes.
    @inlinable
    mutating func withCursor<R>(reserve: Int, _ body: (inout BitCursor) -> R) -> R {
        if bytes.count - len < reserve {
            bytes.append(contentsOf: repeatElement(0, count: max(reserve, min(bytes.count, 256))))
        }
        var c = BitCursor(len: len, free: free)
        let r = bytes.withUnsafeMutableBufferPointer { buf in
            c.p = buf.baseAddress!
            return body(&c)
        }
        len = c.len
        free = c.free
        return r
    }

    /// The encoded bytes without padding.
    @inlinable
    var exact: [UInt8] { bytes.count == len ? bytes : Array(bytes[0..<len]) }

    /// Empties the buffer, keeping (and zeroing) its storage.
    @inlinable
    mutating func reset(headerBytes: Int) {
        let used = len
        bytes.withUnsafeMutableBufferPointer { b in
            for i in 0..<min(used, b.count) { b[i] = 0 }
        }
        if bytes.count < headerBytes { bytes.append(contentsOf: repeatElement(0, count: headerBytes - bytes.count)) }
        len = headerBytes
        free = 0
    }
}

/// Writes bits through a raw pointer into zero-padded space (see `BitWriter.withCursor`).
@usableFromInline
struct BitCursor {
    @usableFromInline var p: UnsafeMutablePointer<UInt8>? = nil
    @usableFromInline var len: Int
    @usableFromInline var free: UInt8

    @inlinable
    init(len: Int, free: UInt8) {
        self.len = len
        self.free = free
    }

    @inlinable
    mutating func writeByte(_ b: UInt8) {
        p![len] = b
        len += 1
    }

    @inlinable
    mutating func writeBit(_ bit: Bool) {
        if free == 0 {
            len += 1  // padding is already zero
            free = 8
        }
        free -= 1
        if bit { p![len - 1] |= 1 << free }
    }

    /// Writes the low `n` bits of `value` (n in 1...64), most significant first.
    @inlinable
    mutating func writeBits(_ value: UInt64, _ n: Int) {
        let p = self.p!
        var n = n
        // Fill the partial last byte first.
        if free > 0 {
            let k = min(n, Int(free))
            let part = UInt8(truncatingIfNeeded: (value >> UInt64(n - k)) & ((1 << UInt64(k)) - 1))
            free -= UInt8(k)
            p[len - 1] |= part << free
            n -= k
        }
        // Whole bytes.
        while n >= 8 {
            n -= 8
            p[len] = UInt8(truncatingIfNeeded: value >> UInt64(n))
            len += 1
        }
        // Remaining high bits of a new byte.
        if n > 0 {
            let part = UInt8(truncatingIfNeeded: value & ((1 << UInt64(n)) - 1))
            free = UInt8(8 - n)
            p[len] = part << free
            len += 1
        }
    }

    /// Go `binary.PutUvarint`, byte by byte through the bit stream.
    @inlinable
    mutating func writeUvarint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            writeBits(UInt64(UInt8(truncatingIfNeeded: v) | 0x80), 8)
            v >>= 7
        }
        writeBits(v, 8)
    }
}

/// Reads bits, most significant first, from a byte array starting at a byte offset. Never traps on
/// short input: reading past the end sets `overrun` and yields zeros, so a corrupt chunk ends the
/// iteration instead of crashing. Holds one reference to the array; no allocation per read.
@usableFromInline
struct BitReader: Sendable {
    @usableFromInline let bytes: [UInt8]
    /// Next byte to load into `buffer`.
    @usableFromInline var pos: Int
    /// Valid bits, left-aligned (MSB first).
    @usableFromInline var buffer: UInt64 = 0
    @usableFromInline var valid: Int = 0
    @usableFromInline var overrun = false

    @inlinable
    init(bytes: [UInt8], offset: Int) {
        self.bytes = bytes
        self.pos = offset
    }

    @inlinable
    mutating func refill() {
        let n = bytes.count
        while valid <= 56 && pos < n {
            buffer |= UInt64(bytes[pos]) << UInt64(56 - valid)
            valid += 8
            pos += 1
        }
    }

    @inlinable
    mutating func readBit() -> Bool {
        if valid == 0 {
            refill()
            if valid == 0 { overrun = true; return false }
        }
        let bit = buffer & (1 << 63) != 0
        buffer <<= 1
        valid -= 1
        return bit
    }

    /// Reads `n` bits (1...64) as the low bits of the result.
    @inlinable
    mutating func readBits(_ n: Int) -> UInt64 {
        if n > valid { refill() }
        if n <= valid {
            let r = buffer >> UInt64(64 - n)
            buffer = n == 64 ? 0 : buffer << UInt64(n)
            valid -= n
            return r
        }
        if pos < bytes.count && n > 32 {
            // More than the buffer holds at once (n close to 64): two halves.
            let hi = readBits(32)
            let lo = readBits(n - 32)
            return hi << UInt64(n - 32) | lo
        }
        overrun = true
        return 0
    }

    @inlinable
    mutating func readByte() -> UInt8 { UInt8(truncatingIfNeeded: readBits(8)) }

    /// Go `binary.ReadUvarint` over the bit stream.
    @inlinable
    mutating func readUvarint() -> UInt64 {
        var x: UInt64 = 0
        var s: UInt64 = 0
        for i in 0..<10 {
            let b = readByte()
            if overrun { return 0 }
            if b < 0x80 {
                if i == 9 && b > 1 { overrun = true; return 0 }
                return x | UInt64(b) << s
            }
            x |= UInt64(b & 0x7f) << s
            s += 7
        }
        overrun = true
        return 0
    }

    /// Go `binary.ReadVarint` (zig-zag).
    @inlinable
    mutating func readVarint() -> Int64 {
        let ux = readUvarint()
        var x = Int64(bitPattern: ux >> 1)
        if ux & 1 != 0 { x = ~x }
        return x
    }
}

/// Go-compatible varint helpers over byte arrays.
@usableFromInline
enum GoVarint {
    @inlinable
    static func putUvarint(_ v: UInt64, _ out: inout [UInt8]) {
        var v = v
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    @inlinable
    static func putVarint(_ v: Int64, _ out: inout [UInt8]) {
        var ux = UInt64(bitPattern: v) << 1
        if v < 0 { ux = ~ux }
        putUvarint(ux, &out)
    }
}
