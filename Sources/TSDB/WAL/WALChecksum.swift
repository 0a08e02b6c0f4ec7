/// The WAL's frame checksum: CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as Go's
/// `crc32.MakeTable(crc32.Castagnoli)` used by Prometheus's WAL. Slicing-by-8 tables, computed
/// once. Internal to the WAL (the block layer has its own public `CRC32C`; same output).
enum WALChecksum {
    static let tables: [[UInt32]] = {
        var t = Array(repeating: Array(repeating: UInt32(0), count: 256), count: 8)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
            t[0][i] = c
        }
        for i in 0..<256 {
            var c = t[0][i]
            for k in 1..<8 {
                c = t[0][Int(c & 0xff)] ^ (c >> 8)
                t[k][i] = c
            }
        }
        return t
    }()

    /// CRC of `bytes`, continuing from `crc` (0 to start).
    static func checksum(_ bytes: UnsafeRawBufferPointer, crc: UInt32 = 0) -> UInt32 {
        var c = ~crc
        let t = tables
        let t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3], t4 = t[4], t5 = t[5], t6 = t[6], t7 = t[7]
        var i = 0
        let n = bytes.count
        while n - i >= 8 {
            let lo = c ^ (UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
            let hi = UInt32(bytes[i + 4]) | UInt32(bytes[i + 5]) << 8 | UInt32(bytes[i + 6]) << 16 | UInt32(bytes[i + 7]) << 24
            c = t7[Int(lo & 0xff)] ^ t6[Int((lo >> 8) & 0xff)] ^ t5[Int((lo >> 16) & 0xff)] ^ t4[Int(lo >> 24)]
                ^ t3[Int(hi & 0xff)] ^ t2[Int((hi >> 8) & 0xff)] ^ t1[Int((hi >> 16) & 0xff)] ^ t0[Int(hi >> 24)]
            i += 8
        }
        while i < n {
            c = t0[Int((c ^ UInt32(bytes[i])) & 0xff)] ^ (c >> 8)
            i += 1
        }
        return ~c
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }
}
