import Logging
import MetricModel
import ServiceLifecycle
import Synchronization
import TSDB

/// The set of remote-write queues of one server (Prometheus `remote.WriteStorage`), and the
/// hook that feeds them: `wrap(_:)` turns a storage appender into one that, after a successful
/// `commit()`, hands the batch's accepted samples to every queue. With no queue configured the
/// storage's own appender is returned unchanged (no cost on the append path).
///
/// As a `Service`, `run()` runs each queue until graceful shutdown, then stops them all and
/// waits while they flush (each for at most its `flushDeadline`). `apply(_:)` (config reload)
/// keeps queues whose `identity` is unchanged, stops removed ones, and starts new ones.
public final class RemoteWriteStorage: Service, Sendable {
    private let queues = Mutex<[RemoteWriteQueue]>([])
    private let started: AsyncStream<RemoteWriteQueue>
    private let startQueue: AsyncStream<RemoteWriteQueue>.Continuation
    private let highestIn = Atomic<Int64>(0)
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
        (started, startQueue) = AsyncStream.makeStream(of: RemoteWriteQueue.self)
    }

    /// Replaces the configured queues. Throws (and changes nothing) when a new queue cannot be
    /// built (e.g. unreadable TLS files).
    public func apply(_ settings: [RemoteWriteSettings]) throws {
        let current = queues.withLock { $0 }
        var next: [RemoteWriteQueue] = []
        var fresh: [RemoteWriteQueue] = []
        for s in settings {
            if !s.identity.isEmpty, let q = current.first(where: { $0.settings.identity == s.identity }),
               !next.contains(where: { $0 === q }) {
                next.append(q)
            } else {
                let q = try RemoteWriteQueue(s, logger: logger)
                next.append(q)
                fresh.append(q)
            }
        }
        queues.withLock { $0 = next }
        for q in current where !next.contains(where: { $0 === q }) { q.stop() }
        for q in fresh { startQueue.yield(q) }
    }

    public var isEmpty: Bool { queues.withLock { $0.isEmpty } }

    /// The storage's appender, wrapped when any queue is configured.
    public func wrap(_ inner: any Appender) -> any Appender {
        if isEmpty { return inner }
        return RemoteWriteAppender(inner: inner, storage: self)
    }

    /// Feeds a committed batch to every queue.
    func committed(_ batch: [PendingSample]) {
        guard !batch.isEmpty else { return }
        let highest = batch.reduce(Int64.min) { max($0, $1.t) }
        var cur = highestIn.load(ordering: .relaxed)
        while cur < highest {
            let (done, now) = highestIn.compareExchange(expected: cur, desired: highest, ordering: .relaxed)
            if done { break }
            cur = now
        }
        for q in queues.withLock({ $0 }) { q.enqueue(batch) }
    }

    /// Seconds since the epoch of the newest sample appended (`prometheus_remote_storage_highest_timestamp_in_seconds`).
    public var highestTimestampInSeconds: Double { Double(highestIn.load(ordering: .relaxed)) / 1000 }

    public func stats() -> [RemoteWriteQueueStats] { queues.withLock { $0 }.map(\.stats) }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await q in started {
                    group.addTask { await q.run() }
                }
            }
        } onGracefulShutdown: { [self] in
            let all = queues.withLock { q in
                defer { q = [] }
                return q
            }
            for q in all { q.stop() }
            startQueue.finish()
        }
    }
}

/// The storage appender plus a record of what it accepted, handed to the queues on commit.
final class RemoteWriteAppender: Appender {
    let inner: any Appender
    let storage: RemoteWriteStorage
    var pending: [PendingSample] = []

    init(inner: any Appender, storage: RemoteWriteStorage) {
        self.inner = inner
        self.storage = storage
    }

    func append(ref: SeriesRef?, labels: Labels, t: Timestamp, v: Double) throws -> SeriesRef {
        let r = try inner.append(ref: ref, labels: labels, t: t, v: v)
        pending.append(PendingSample(ref: r, labels: labels, t: t, v: v))
        return r
    }

    func commit() throws {
        try inner.commit()
        storage.committed(pending)
        pending = []
    }

    func rollback() {
        inner.rollback()
        pending = []
    }
}
