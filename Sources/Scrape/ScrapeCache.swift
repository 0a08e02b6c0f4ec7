import MetricModel
import TSDB

/// Per-target cache from the raw series text of a scrape body (`name{labels}` bytes as exposed)
/// to the series ref and final labels (Prometheus `scrapeCache`): a known series costs one hash
/// and one byte compare. Also remembers series that metric relabeling dropped, and which series
/// the previous scrape appended (for staleness markers). Owned by one loop (or one federator
/// shard's pulls): not thread-safe.
public final class ScrapeCache {
    public struct Entry {
        public var raw: [UInt8]
        public var ref: SeriesRef?
        public var labels: Labels
        public var dropped: Bool
        /// Iteration that last appended (or dropped) this series.
        public var lastIter: Int
        /// Next entry with the same hash, or -1.
        var next: Int
    }

    private(set) var entries: [Entry] = []
    private var index: [UInt64: Int] = [:]
    public private(set) var iter = 0
    /// Entries appended by the last successful scrape without explicit timestamps.
    public var prevAppended: [Int] = []
    /// The target's TYPE/HELP/UNIT metadata.
    var metadata = MetadataTracker()

    public init() {}

    public func beginIteration() -> Int {
        iter += 1
        return iter
    }

    /// The entry for these raw series bytes, if cached.
    @inline(__always)
    public func lookup(_ raw: UnsafeRawBufferPointer, hash: UInt64) -> Int? {
        var i = index[hash] ?? -1
        while i >= 0 {
            if entries[i].raw.withUnsafeBytes({ $0.count == raw.count && (raw.count == 0 || memcmp($0.baseAddress!, raw.baseAddress!, raw.count) == 0) }) {
                return i
            }
            i = entries[i].next
        }
        return nil
    }

    public func insert(_ raw: UnsafeRawBufferPointer, hash: UInt64, labels: Labels, dropped: Bool = false) -> Int {
        let i = entries.count
        entries.append(Entry(raw: Array(raw), ref: nil, labels: labels, dropped: dropped, lastIter: 0, next: index[hash] ?? -1))
        index[hash] = i
        return i
    }

    @inline(__always) public subscript(i: Int) -> Entry {
        get { entries[i] }
        _modify { yield &entries[i] }
    }

    /// Forgets refs handed out by a rolled-back batch (they may not exist in storage).
    public func forgetRefs(since firstNew: Int) {
        for i in firstNew..<entries.count { entries[i].ref = nil }
    }

    /// Drops entries unseen for `maxAge` iterations (series gone from the target), keeping the
    /// cache proportional to the live series. Rebuilds the index; `prevAppended` is remapped.
    public func prune(maxAge: Int = 10) {
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

    public var count: Int { entries.count }
}

#if canImport(Glibc)
import Glibc
#endif
