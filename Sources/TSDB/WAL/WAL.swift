#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Logging
import Synchronization

/// A write-ahead log of framed records in numbered segment files `<dir>/00000000`, `00000001`, …
/// (Prometheus `tsdb/wlog`). Format: docs/formats/wal.md.
///
/// Contract:
/// - `log(_:)` writes the whole buffer with write(2) before returning, so a record that was
///   logged survives SIGKILL of the process (the kernel has the pages).
/// - fsync happens when a segment is completed, on `sync()`/`close()`, and from a background
///   flusher at most every `syncInterval` while there are unsynced writes: that interval bounds
///   what a power loss or kernel crash can lose. A `syncInterval` of zero fsyncs on every `log`.
/// - Thread-safe. Opening never appends to an existing segment: it starts a new one after the
///   last, so a torn tail left by a crash stays behind the records written from now on.
public final class WAL: Sendable {
    public let dir: String
    public let segmentSize: Int
    let logger: Logger
    let syncInterval: Duration

    struct State {
        var fd: Int32 = -1
        var segment = 0
        var size = 0
        var dirty = false
        var closed = false
    }
    let state = Mutex(State())
    let stopFlusher = Atomic<Bool>(false)

    /// Opens (creating `dir` if needed) and starts a new segment after the last existing one.
    public init(dir: String, segmentSize: Int = 128 << 20, syncInterval: Duration = .seconds(1),
                logger: Logger) throws {
        self.dir = dir
        self.segmentSize = segmentSize
        self.syncInterval = syncInterval
        self.logger = logger
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw WALError(message: "create WAL directory \(dir): \(error)")
        }
        let next = (PosixFile.segmentIndices(dir).last ?? -1) + 1
        let path = dir + "/" + PosixFile.segmentName(next)
        let fd = try PosixFile.openForAppend(path)
        PosixFile.fsyncDir(dir)
        state.withLock {
            $0.fd = fd
            $0.segment = next
        }
        if syncInterval > .zero { startFlusher() }
    }

    deinit {
        stopFlusher.store(true, ordering: .relaxed)
        state.withLock { st in
            if !st.closed {
                st.closed = true
                PosixFile.closeFD(st.fd)
            }
        }
    }

    /// Index of the segment being written.
    public var currentSegment: Int { state.withLock { $0.segment } }

    /// Writes already-framed records (see `WALFrame`) in one write(2). A buffer larger than the
    /// space left in the segment goes to a new segment; frames are never split across segments.
    public func log(_ frames: [UInt8]) throws {
        if frames.isEmpty { return }
        let syncNow = syncInterval == .zero
        try state.withLock { (st: inout State) throws in
            if st.closed { throw WALError(message: "WAL \(dir) is closed") }
            if st.size > 0 && st.size + frames.count > segmentSize {
                try cutLocked(&st)
            }
            let path = dir
            try frames.withUnsafeBytes { (b: UnsafeRawBufferPointer) throws in
                try PosixFile.writeAll(st.fd, b, path: path)
            }
            st.size += frames.count
            st.dirty = true
            if syncNow {
                if fsync(st.fd) != 0 { throw WALError("fsync", dir) }
                st.dirty = false
            }
        }
    }

    /// Completes the current segment (fsync) and starts the next; returns the new index.
    @discardableResult
    public func nextSegment() throws -> Int {
        try state.withLock { (st: inout State) throws -> Int in
            try cutLocked(&st)
            return st.segment
        }
    }

    private func cutLocked(_ st: inout State) throws {
        if fsync(st.fd) != 0 { throw WALError("fsync", dir) }
        PosixFile.closeFD(st.fd)
        st.segment += 1
        st.fd = try PosixFile.openForAppend(dir + "/" + PosixFile.segmentName(st.segment))
        st.size = 0
        st.dirty = false
        PosixFile.fsyncDir(dir)
    }

    /// fsyncs the current segment if anything was written since the last sync.
    public func sync() throws {
        // dup the descriptor so writers are not blocked while the disk flushes.
        let fd: Int32 = state.withLock { st in
            guard st.dirty, !st.closed else { return -1 }
            st.dirty = false
            return dup(st.fd)
        }
        if fd < 0 { return }
        defer { PosixFile.closeFD(fd) }
        if fsync(fd) != 0 { throw WALError("fsync", dir) }
    }

    /// Syncs and closes; further `log` calls throw.
    public func close() throws {
        stopFlusher.store(true, ordering: .relaxed)
        try state.withLock { (st: inout State) throws in
            if st.closed { return }
            st.closed = true
            let ok = fsync(st.fd) == 0
            PosixFile.closeFD(st.fd)
            if !ok { throw WALError("fsync", dir) }
        }
    }

    /// Removes segment files with index ≤ `index`.
    public func deleteSegments(through index: Int) {
        for i in PosixFile.segmentIndices(dir) where i <= index {
            unlink(dir + "/" + PosixFile.segmentName(i))
        }
    }

    /// The background flusher: a plain thread that wakes every `syncInterval` (checking for close
    /// every 50 ms) and fsyncs when there were writes. Ends when the WAL is closed.
    private func startFlusher() {
        let interval = syncInterval
        let thread = Thread { [weak self] in
            var waited = Duration.zero
            let tick = min(interval, .milliseconds(50))
            while true {
                guard let wal = self, !wal.stopFlusher.load(ordering: .relaxed) else { return }
                Thread.sleep(forTimeInterval: Double(tick.components.attoseconds) / 1e18 + Double(tick.components.seconds))
                waited += tick
                if waited >= interval {
                    waited = .zero
                    do { try wal.sync() } catch { wal.logger.error("WAL fsync failed", metadata: ["error": "\(error)"]) }
                }
            }
        }
        thread.name = "wal-sync"
        thread.start()
    }
}
