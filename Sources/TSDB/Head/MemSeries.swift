import MetricModel
import Synchronization

/// One series in the head: its labels, closed chunks (compacted byte arrays) and the open chunk
/// being appended. A plain struct stored inline in its stripe's slot array: no per-series object.
struct MemSeries {
    var labels: Labels
    var closed: [XORChunk] = []
    var open: XORChunk
    /// Truncation epoch at creation; an empty series survives one truncation (an appender may
    /// still be about to commit to it).
    var epoch: UInt32

    init(labels: Labels, epoch: UInt32) {
        self.labels = labels
        self.open = XORChunk(capacity: 64)
        self.epoch = epoch
    }

    var isEmpty: Bool { open.numSamples == 0 && closed.isEmpty }
    var minTime: Timestamp { closed.first?.minTime ?? open.minTime }
    var maxTime: Timestamp { open.numSamples > 0 ? open.maxTime : (closed.last?.maxTime ?? .min) }
    var chunkCount: Int { closed.count + (open.numSamples > 0 ? 1 : 0) }

    /// Chunks with samples in [mint, maxt], oldest first (the open one shares its buffer).
    func chunks(mint: Timestamp, maxt: Timestamp) -> [XORChunk] {
        var out: [XORChunk] = []
        for c in closed where c.maxTime >= mint && c.minTime <= maxt { out.append(c) }
        if open.numSamples > 0 && open.maxTime >= mint && open.minTime <= maxt { out.append(open) }
        return out
    }
}

/// Result of appending one sample to a series in memory.
enum MemAppendResult {
    case appended(newChunk: Bool)
    case outOfOrder
    case duplicate
    /// Same timestamp and value bits as the last sample: accepted, nothing stored.
    case noop
}

extension MemSeries {
    /// Prometheus's `memSeries.appendable` + `append`: rejects t older than the last sample,
    /// cuts the open chunk at `targetSamples` or a chunk-range boundary.
    @inline(__always)
    mutating func append(t: Timestamp, v: Double, chunkRange: Int64, targetSamples: Int) -> MemAppendResult {
        var newChunk = false
        if open.numSamples > 0 {
            let lastT = open.maxTime
            if t < lastT { return .outOfOrder }
            if t == lastT { return open.vBits == v.bitPattern ? .noop : .duplicate }
            if open.numSamples >= targetSamples || Self.window(t, chunkRange) != Self.window(open.minTime, chunkRange) {
                open.shrinkToFit()
                closed.append(open)
                open = XORChunk(capacity: 64)
                newChunk = true
            }
        } else {
            if let last = closed.last?.last {
                if t < last.t { return .outOfOrder }
                if t == last.t { return last.v.bitPattern == v.bitPattern ? .noop : .duplicate }
            }
            newChunk = true
        }
        open.append(t: t, v: v)
        return .appended(newChunk: newChunk)
    }

    @inline(__always)
    static func window(_ t: Timestamp, _ range: Int64) -> Int64 {
        range <= 0 ? 0 : (t >= 0 ? t / range : (t + 1) / range - 1)
    }
}

extension XORChunk {
    /// Reallocates the bytes to their exact size (done once, when a chunk is closed).
    mutating func shrinkToFit() {
        let b = w.bytes
        if b.capacity <= b.count + 8 { return }
        w.bytes = [UInt8](unsafeUninitializedCapacity: b.count) { buf, n in
            _ = buf.initialize(from: b)
            n = b.count
        }
    }

    /// A chunk with only the samples in [mint, maxt].
    func subset(mint: Timestamp, maxt: Timestamp) -> XORChunk {
        var out = XORChunk()
        var it = iterator()
        while it.next() {
            let s = it.at
            if s.t > maxt { break }
            if s.t >= mint { out.append(t: s.t, v: s.v) }
        }
        out.shrinkToFit()
        return out
    }
}

/// One stripe of the head's series: slots indexed by the ref's slot bits, a free list, and the
/// label-hash index (collisions kept apart). Guarded by its `StripeBox` mutex.
struct Stripe {
    var slots: [MemSeries?] = []
    var free: [UInt32] = []
    var byHash: [UInt64: UInt32] = [:]
    /// Further slots whose labels hash like a `byHash` entry (rare).
    var collisions: [UInt64: [UInt32]] = [:]

    func find(_ labels: Labels, hash: UInt64) -> UInt32? {
        guard let s = byHash[hash] else { return nil }
        if slots[Int(s)]?.labels == labels { return s }
        return collisions[hash]?.first { slots[Int($0)]?.labels == labels }
    }

    /// Puts a series at `slot` (growing the array) or at a free slot / the end.
    mutating func insert(_ series: MemSeries, hash: UInt64, at slot: UInt32? = nil) -> UInt32 {
        let s: UInt32
        if let slot {
            s = slot
            while slots.count <= Int(s) { slots.append(nil) }
        } else if let f = free.popLast() {
            s = f
        } else {
            s = UInt32(slots.count)
            slots.append(nil)
        }
        slots[Int(s)] = series
        if byHash[hash] == nil {
            byHash[hash] = s
        } else {
            collisions[hash, default: []].append(s)
        }
        return s
    }

    /// Empties a slot; returns the series that was there.
    @discardableResult
    mutating func remove(slot: UInt32, reuse: Bool = true) -> MemSeries? {
        guard Int(slot) < slots.count, let series = slots[Int(slot)] else { return nil }
        let hash = series.labels.stableHash
        if byHash[hash] == slot {
            if var rest = collisions[hash], !rest.isEmpty {
                byHash[hash] = rest.removeFirst()
                collisions[hash] = rest.isEmpty ? nil : rest
            } else {
                byHash[hash] = nil
            }
        } else if var rest = collisions[hash] {
            rest.removeAll { $0 == slot }
            collisions[hash] = rest.isEmpty ? nil : rest
        }
        slots[Int(slot)] = nil
        if reuse { free.append(slot) }
        return series
    }
}

final class StripeBox: Sendable {
    let m = Mutex(Stripe())
}
