#if canImport(Glibc)
import Glibc
#endif
import MetricModel
import TSDB

/// Per-shard cache from the raw series text of a /federate body (`name{labels}` as exposed) to
/// the series ref and final labels (Prometheus `scrapeCache`): a known series costs one hash and
/// one byte compare, no allocation. Memory is proportional to the shard's series, not to the body.
/// Owned by one shard's pulls, which never overlap: not thread-safe.
final class PullCache {
    struct Entry {
        var raw: [UInt8]
        var ref: SeriesRef?
        var labels: Labels
        /// Pull iteration that last appended this series.
        var lastIter: Int
        /// Next entry with the same hash, or -1.
        var next: Int
    }

    private(set) var entries: [Entry] = []
    private var index: [UInt64: Int] = [:]
    private(set) var iter = 0
    /// Entries the last successful pull appended without a body timestamp (staleness candidates).
    var prevAppended: [Int] = []

    func beginIteration() -> Int {
        iter += 1
        return iter
    }

    @inline(__always)
    func lookup(_ raw: UnsafeRawBufferPointer, hash: UInt64) -> Int? {
        var i = index[hash] ?? -1
        while i >= 0 {
            let same = entries[i].raw.withUnsafeBytes { e in
                e.count == raw.count && (raw.count == 0 || memcmp(e.baseAddress!, raw.baseAddress!, raw.count) == 0)
            }
            if same { return i }
            i = entries[i].next
        }
        return nil
    }

    func insert(_ raw: UnsafeRawBufferPointer, hash: UInt64, labels: Labels) -> Int {
        let i = entries.count
        entries.append(Entry(raw: Array(raw), ref: nil, labels: labels, lastIter: 0, next: index[hash] ?? -1))
        index[hash] = i
        return i
    }

    @inline(__always) subscript(i: Int) -> Entry {
        get { entries[i] }
        _modify { yield &entries[i] }
    }

    var count: Int { entries.count }

    /// Forgets refs handed out by a rolled-back attempt (they may not exist in storage). Each
    /// attempt has its own iteration number, so the next attempt is not taken for a duplicate.
    func forget(since firstNew: Int) {
        for i in firstNew..<entries.count { entries[i].ref = nil }
    }

    /// Drops entries unseen for `maxAge` pulls (series gone from the shard). Rebuilds the index.
    func prune(maxAge: Int = 10) {
        guard entries.count > 64, entries.contains(where: { iter - $0.lastIter > maxAge }) else { return }
        var remap = [Int](repeating: -1, count: entries.count)
        var kept: [Entry] = []
        kept.reserveCapacity(entries.count)
        for (i, e) in entries.enumerated() where iter - e.lastIter <= maxAge {
            remap[i] = kept.count
            kept.append(e)
        }
        index.removeAll(keepingCapacity: true)
        for i in kept.indices {
            let h = kept[i].raw.withUnsafeBytes { XXH64.hash($0) }
            kept[i].next = index[h] ?? -1
            index[h] = i
        }
        entries = kept
        prevAppended = prevAppended.compactMap { remap[$0] >= 0 ? remap[$0] : nil }
    }
}
