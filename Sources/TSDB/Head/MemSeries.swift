import MetricModel
import Synchronization

/// A closed head chunk: its bytes live in the `HeadChunkStore` (mapped file or anonymous region).
/// 24 bytes; the sample count is in the chunk's own header.
struct ClosedChunk {
    var minTime: Timestamp
    var ref: UInt64
    /// maxTime − minTime, or UInt32.max when that does not fit (then maxTime reads as Int64.max,
    /// which only makes range checks conservative).
    var span: UInt32
    var length: UInt32

    init(minTime: Timestamp, maxTime: Timestamp, ref: UInt64, length: Int) {
        self.minTime = minTime
        self.ref = ref
        let d = maxTime &- minTime
        span = d >= 0 && d < Int64(UInt32.max) ? UInt32(d) : UInt32.max
        self.length = UInt32(length)
    }

    var maxTime: Timestamp { span == UInt32.max ? .max : minTime + Int64(span) }

    func load(_ store: HeadChunkStore) -> XORChunk {
        XORChunk(sealed: store.read(ref, count: Int(length)), minTime: minTime, maxTime: maxTime)
    }
}

/// One series in the head: its labels, closed chunks (32-byte references into the chunk store)
/// and the open chunk being appended. A plain struct stored inline in its stripe's slot array: no
/// per-series object. Invariant: the open chunk is empty only while `closed` is empty too.
struct MemSeries {
    var labels: Labels
    var closed: [ClosedChunk] = []
    var open: XORChunk
    /// Truncation epoch at creation; an empty series survives one truncation (an appender may
    /// still be about to commit to it).
    var epoch: UInt32
    /// Whether a WAL write holding this series' record has succeeded. Until then every appender
    /// touching the series logs the record too, so its samples never precede the record in the WAL
    /// (another appender may commit before the creator, or the creator's write may fail).
    var logged: Bool

    init(labels: Labels, epoch: UInt32, logged: Bool = false) {
        self.labels = labels
        self.open = XORChunk(capacity: 64)
        self.epoch = epoch
        self.logged = logged
    }

    var isEmpty: Bool { open.numSamples == 0 && closed.isEmpty }
    var minTime: Timestamp { closed.first?.minTime ?? open.minTime }
    var maxTime: Timestamp { open.numSamples > 0 ? open.maxTime : (closed.last?.maxTime ?? .min) }
    var chunkCount: Int { closed.count + (open.numSamples > 0 ? 1 : 0) }

    /// Chunks with samples in [mint, maxt], oldest first: closed ones copied out of the store
    /// (call under the stripe lock), the open one sharing its buffer.
    func chunks(mint: Timestamp, maxt: Timestamp, store: HeadChunkStore) -> [XORChunk] {
        var out: [XORChunk] = []
        for c in closed where c.maxTime >= mint && c.minTime <= maxt { out.append(c.load(store)) }
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
    mutating func append(t: Timestamp, v: Double, chunkRange: Int64, targetSamples: Int, store: HeadChunkStore) -> MemAppendResult {
        var newChunk = false
        if open.numSamples > 0 {
            let lastT = open.maxTime
            if t < lastT { return .outOfOrder }
            if t == lastT { return open.vBits == v.bitPattern ? .noop : .duplicate }
            if open.numSamples >= targetSamples || Self.window(t, chunkRange) != Self.window(open.minTime, chunkRange) {
                let (ref, length) = open.withEncodedBytes { (store.write($0, maxTime: lastT), $0.count) }
                if closed.count == closed.capacity { closed.reserveCapacity(closed.count + 2) }  // little slack
                closed.append(ClosedChunk(minTime: open.minTime, maxTime: lastT, ref: ref, length: length))
                // Reuse the open chunk's buffer for the next chunk (no allocation per cut).
                open.reset()
                newChunk = true
            }
        } else {
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
    /// Empties the chunk for reuse, keeping the byte buffer's capacity.
    mutating func reset() {
        w.reset(headerBytes: 2)
        num = 0
        t = 0
        vBits = 0
        tDelta = 0
        leading = 0xff
        trailing = 0
        _minTime = .max
        sealed = false
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
        return XORChunk(sealed: out.bytes, minTime: out.minTime, maxTime: out.maxTime)
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
