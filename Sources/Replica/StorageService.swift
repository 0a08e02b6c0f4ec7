import Foundation
import HTTPAPI
import Logging
import MetricModel
import ServiceLifecycle
import Remote
import Synchronization
import TSDB

/// The replica's storage, opened by `StorageService` (WAL replay can take a while) and handed to
/// everything else up front. Before it is open, appenders reject every sample and queriers
/// throw `unavailable` (the HTTP API answers 503 until ready anyway; scraping starts after).
final class StorageBox: Appendable, Queryable, Sendable {
    private let db = Mutex<(any Appendable & Queryable)?>(nil)
    private let remote = Mutex<RemoteWriteStorage?>(nil)

    func set(_ s: any Appendable & Queryable) { db.withLock { $0 = s } }
    var current: (any Appendable & Queryable)? { db.withLock { $0 } }
    /// Committed appends are also handed to these remote_write queues.
    func setRemoteWrite(_ r: RemoteWriteStorage) { remote.withLock { $0 = r } }

    func appender() -> any Appender {
        let a = current?.appender() ?? RejectingAppender()
        guard let r = remote.withLock({ $0 }) else { return a }
        return r.wrap(a)
    }

    func querier(mint: Timestamp, maxt: Timestamp) throws -> any Querier {
        guard let s = current else { throw APIError(.unavailable, "Service Unavailable") }
        return try s.querier(mint: mint, maxt: maxt)
    }
}

final class RejectingAppender: Appender {
    func append(ref: SeriesRef?, labels: Labels, t: Timestamp, v: Double) throws -> SeriesRef {
        throw AppendError.outOfBounds
    }
    func commit() throws {}
    func rollback() {}
}

/// Opens the TSDB (replaying the WAL), marks the server ready, runs compaction and retention,
/// and on shutdown — last, since it started first — closes the WAL cleanly.
struct StorageService: Service {
    let box: StorageBox
    let dir: String
    let options: DBOptions
    let readiness: Readiness
    let logger: Logger
    /// Called once storage is open (starts discovery, so scraping begins after replay).
    let onReady: @Sendable () -> Void
    let onStop: @Sendable () async -> Void

    func run() async throws {
        logger.info("Starting TSDB ...", metadata: ["path": "\(dir)"])
        let start = Date()
        let db = try DB(dir: dir, options: options, logger: logger)
        box.set(db)
        logger.info("TSDB started", metadata: ["duration": "\(Date().timeIntervalSince(start))s",
                                                "head_series": "\(db.head.numSeries)"])
        readiness.markReady()
        onReady()
        await withDiscardingTaskGroup { group in
            group.addTask { await cancelWhenGracefulShutdown { await db.run() } }
        }
        await onStop()
        do {
            try db.close()
            logger.info("TSDB closed")
        } catch {
            logger.error("closing TSDB failed", metadata: ["err": "\(error)"])
        }
    }
}
