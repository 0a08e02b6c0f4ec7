import MetricModel
import Synchronization

/// A sample on its way out: final labels (external labels added, write-relabeled).
struct QueuedSample {
    var labels: Labels
    var t: Timestamp
    var v: Double
}

/// One shard's bounded FIFO. Appends come from committing appenders (any thread); the shard's
/// send loop takes batches. When full, the oldest samples are dropped and reported to the caller.
final class ShardBuffer: Sendable {
    private struct State {
        var items: [QueuedSample] = []
        var head = 0
        var count: Int { items.count - head }
    }
    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    var pending: Int { state.withLock { $0.count } }

    /// Adds samples in order; returns how many old samples were dropped to make room.
    func push(_ samples: [QueuedSample]) -> Int {
        state.withLock { s in
            s.items.append(contentsOf: samples)
            let over = s.count - capacity
            if over > 0 { s.head += over }
            if s.head > 4096 && s.head * 2 > s.items.count {
                s.items.removeFirst(s.head)
                s.head = 0
            }
            return max(0, over)
        }
    }

    /// Up to `max` samples from the front, when at least `max` wait or `force` is set.
    func take(max: Int, force: Bool) -> [QueuedSample] {
        state.withLock { s in
            let n = s.count
            guard n > 0, n >= max || force else { return [] }
            let k = Swift.min(n, max)
            let out = Array(s.items[s.head..<(s.head + k)])
            s.head += k
            if s.head == s.items.count {
                s.items.removeAll(keepingCapacity: s.items.count <= 65_536)
                s.head = 0
            }
            return out
        }
    }
}

/// Counters of one queue, named after Prometheus's `prometheus_remote_storage_*` families.
public final class QueueCounters: Sendable {
    /// Samples handed to the queue (after relabeling dropped none of them).
    let samplesIn = Atomic<Int>(0)
    /// Sent and acknowledged with 2xx.
    let samplesSent = Atomic<Int>(0)
    /// Dropped by the endpoint's non-recoverable answer, or abandoned at shutdown.
    let samplesFailed = Atomic<Int>(0)
    /// Sends retried after a recoverable error (counted per sample).
    let samplesRetried = Atomic<Int>(0)
    /// Dropped before sending: write_relabel_configs dropped the series.
    let droppedRelabel = Atomic<Int>(0)
    /// Dropped before sending: the shard was full (oldest first).
    let droppedQueueFull = Atomic<Int>(0)
    /// Dropped before sending: older than sample_age_limit.
    let droppedTooOld = Atomic<Int>(0)
    let bytesSent = Atomic<Int>(0)
    /// Highest timestamp (ms) sent successfully.
    let highestSent = Atomic<Int64>(0)
    let failedBatches = Atomic<Int>(0)

    init() {}

    func add(_ a: borrowing Atomic<Int>, _ n: Int) { _ = a.wrappingAdd(n, ordering: .relaxed) }
}

/// A snapshot of one queue's counters, for /metrics.
public struct RemoteWriteQueueStats: Sendable, Equatable {
    public var name: String
    public var url: String
    public var samplesIn = 0
    public var samplesSent = 0
    public var samplesFailed = 0
    public var samplesRetried = 0
    public var droppedRelabel = 0
    public var droppedQueueFull = 0
    public var droppedTooOld = 0
    public var samplesPending = 0
    public var bytesSent = 0
    public var shards = 0
    public var shardCapacity = 0
    public var maxSamplesPerSend = 0
    /// Seconds since the epoch of the newest sample sent (0 before the first send).
    public var highestSentTimestampSeconds: Double = 0
}
