import Foundation
import Logging
import MetricModel
import ServiceLifecycle
import Synchronization
import TSDB

/// A server's TSDB, opened by `StorageService` (WAL replay can take a while) and handed to
/// everything else up front. Before it is open, appenders reject every sample and queriers throw
/// `unavailable` (the HTTP API answers 503 until ready anyway). An optional wrapper sees every
/// appender (the replica's remote-write hook).
public final class ServerStorage: Appendable, Queryable, Sendable {
    private let db = Mutex<DB?>(nil)
    private let wrapper = Mutex<(@Sendable (any Appender) -> any Appender)?>(nil)

    public init() {}

    public func set(_ d: DB) { db.withLock { $0 = d } }
    /// The open TSDB, nil before `StorageService` opened it.
    public var current: DB? { db.withLock { $0 } }
    /// Wraps every appender handed out from now on.
    public func wrapAppenders(_ w: @escaping @Sendable (any Appender) -> any Appender) { wrapper.withLock { $0 = w } }

    public func appender() -> any Appender {
        let a: any Appender = current?.appender() ?? RejectingAppender()
        guard let w = wrapper.withLock({ $0 }) else { return a }
        return w(a)
    }

    public func querier(mint: Timestamp, maxt: Timestamp) throws -> any Querier {
        guard let s = current else { throw APIError(.unavailable, "Service Unavailable") }
        return try s.querier(mint: mint, maxt: maxt)
    }
}

/// The appender of storage that is not open yet: every sample is refused.
final class RejectingAppender: Appender {
    func append(ref: SeriesRef?, labels: Labels, t: Timestamp, v: Double) throws -> SeriesRef {
        throw AppendError.outOfBounds
    }
    func commit() throws {}
    func rollback() {}
}

/// Opens the TSDB (replaying the WAL), marks the server ready, runs compaction and retention,
/// and on shutdown — last, since it started first — closes the WAL cleanly.
public struct StorageService: Service {
    let storage: ServerStorage
    let dir: String
    let options: DBOptions
    let readiness: Readiness
    let logger: Logger
    /// Called once storage is open (starts what appends: discovery, pulls).
    let onReady: @Sendable () -> Void
    /// Called after compaction stopped, before the WAL is closed.
    let onStop: @Sendable () async -> Void

    public init(storage: ServerStorage, dir: String, options: DBOptions, readiness: Readiness, logger: Logger,
                onReady: @escaping @Sendable () -> Void, onStop: @escaping @Sendable () async -> Void) {
        self.storage = storage
        self.dir = dir
        self.options = options
        self.readiness = readiness
        self.logger = logger
        self.onReady = onReady
        self.onStop = onStop
    }

    public func run() async throws {
        logger.info("Starting TSDB ...", metadata: ["path": "\(dir)"])
        let start = Date()
        let db = try DB(dir: dir, options: options, logger: logger)
        storage.set(db)
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
