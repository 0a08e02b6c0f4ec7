import MetricModel

/// Maps the raw text of a series (`name{labels}` as written) to a dense series ID without
/// allocating on a hit: open addressing over xxHash64, keys kept in one byte arena. Different
/// spellings of the same label set (label order, escapes) map to the same ID.
struct SeriesTable {
    var slots: [Int32] = [Int32](repeating: -1, count: 1024)
    var hashes: [UInt64] = []
    var keyStart: [Int] = []
    var keyLen: [Int32] = []
    var keyID: [Int32] = []
    var arena: [UInt8] = []
    /// Canonical label sets by ID.
    var labels: [Labels] = []
    var byLabels: [Labels: Int] = [:]

    var count: Int { labels.count }

    /// The series ID for the raw key, or -1.
    func lookup(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        let h = XXH64.hash(UnsafeRawBufferPointer(key))
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let k = Int(slots[s])
            if k < 0 { return -1 }
            if hashes[k] == h && Int(keyLen[k]) == key.count {
                let eq = arena.withUnsafeBufferPointer { a in
                    memcmpEqual(a.baseAddress! + keyStart[k], key.baseAddress!, key.count)
                }
                if eq { return Int(keyID[k]) }
            }
            s = (s + 1) & mask
        }
    }

    /// Adds a raw key for `labels`, returning the (possibly existing) series ID.
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>, labels l: Labels) -> Int {
        let id: Int
        if let existing = byLabels[l] {
            id = existing
        } else {
            id = labels.count
            labels.append(l)
            byLabels[l] = id
        }
        if (hashes.count + 1) * 2 > slots.count { grow() }
        let h = XXH64.hash(UnsafeRawBufferPointer(key))
        let k = hashes.count
        hashes.append(h)
        keyStart.append(arena.count)
        keyLen.append(Int32(key.count))
        keyID.append(Int32(id))
        arena.append(contentsOf: key)
        place(k, h)
        return id
    }

    private mutating func place(_ k: Int, _ h: UInt64) {
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: h) & mask
        while slots[s] >= 0 { s = (s + 1) & mask }
        slots[s] = Int32(k)
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        for k in 0..<hashes.count { place(k, hashes[k]) }
    }
}

@inline(__always)
func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    var i = 0
    while i + 8 <= n {
        if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self) { return false }
        i += 8
    }
    while i < n {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}
