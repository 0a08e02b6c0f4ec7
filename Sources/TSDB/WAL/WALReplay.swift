#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Logging

/// Reading a WAL directory back: the last checkpoint, then the segments after it.
public enum WALReplay {
    /// What a replay saw.
    public struct Stats: Sendable, Equatable {
        public var records = 0
        public var segments = 0
        /// Frames cut off because they were torn or corrupt (each one truncates its file).
        public var corruptions = 0
        /// Records whose CRC was fine but whose content did not decode.
        public var undecodable = 0
        /// Index of the checkpoint read, if any.
        public var checkpoint: Int?
    }

    /// Replays `dir` in order: `checkpoint.N/` segments, then segments > N. A torn or corrupt
    /// frame (short header, short record, checksum mismatch) ends that file: it is truncated at the
    /// last good record with a logged warning, and replay goes on with the next file. Never throws
    /// for content; a missing directory is an empty WAL.
    @discardableResult
    public static func replay(dir: String, logger: Logger, _ body: (WALRecord) -> Void) -> Stats {
        var stats = Stats()
        var after = -1
        if let cp = Checkpoint.last(in: dir) {
            stats.checkpoint = cp.index
            after = cp.index
            for i in PosixFile.segmentIndices(cp.path) {
                readSegment(cp.path + "/" + PosixFile.segmentName(i), logger: logger, stats: &stats, body)
            }
        }
        for i in PosixFile.segmentIndices(dir) where i > after {
            readSegment(dir + "/" + PosixFile.segmentName(i), logger: logger, stats: &stats, body)
        }
        return stats
    }

    /// Reads the frames of one file, truncating it at the first bad one.
    static func readSegment(_ path: String, logger: Logger, stats: inout Stats, _ body: (WALRecord) -> Void) {
        stats.segments += 1
        let reader: SegmentReader
        do { reader = try SegmentReader(path: path) } catch {
            logger.warning("cannot read WAL segment, skipping it", metadata: ["segment": "\(path)", "error": "\(error)"])
            return
        }
        var r = reader
        defer { r.closeFile() }
        while true {
            switch r.next() {
            case .end:
                return
            case .record(let payload):
                do {
                    body(try WALRecordCodec.decode(payload))
                    stats.records += 1
                } catch {
                    stats.undecodable += 1
                    logger.warning("undecodable WAL record skipped", metadata: ["segment": "\(path)", "error": "\(error)"])
                }
            case let .corrupt(offset, reason):
                stats.corruptions += 1
                let size = PosixFile.size(path)
                logger.warning("WAL segment has a torn or corrupt tail; truncating it at the last good record",
                               metadata: ["segment": "\(path)", "offset": "\(offset)", "size": "\(size)", "reason": "\(reason)"])
                if truncate(path, off_t(offset)) != 0 {
                    logger.error("truncating WAL segment failed", metadata: ["segment": "\(path)", "errno": "\(errno)"])
                }
                return
            }
        }
    }
}

/// Checkpoints (Prometheus `tsdb/wlog/checkpoint.go`): `checkpoint.N/` holds, in segment files of
/// the same format, the series records still live and the samples ≥ a time from the previous
/// checkpoint and segments ≤ N, so those segments can be deleted.
public enum Checkpoint {
    public static let prefix = "checkpoint."

    /// The newest complete checkpoint directory (ignores `.tmp` leftovers).
    public static func last(in dir: String) -> (index: Int, path: String)? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        var best: Int?
        for n in names where n.hasPrefix(prefix) && !n.hasSuffix(".tmp") {
            if let i = Int(n.dropFirst(prefix.count)), i > (best ?? -1) { best = i }
        }
        return best.map { ($0, dir + "/" + name($0)) }
    }

    static func name(_ i: Int) -> String { prefix + PosixFile.segmentName(i) }

    /// Writes `checkpoint.<through>` from the last checkpoint and segments ≤ `through`, keeping
    /// series for which `keepSeries` holds and samples for which `keepSample` holds; then deletes
    /// those segments and older checkpoints. Returns the number of records written.
    @discardableResult
    public static func create(walDir: String, through: Int, logger: Logger,
                              keepSeries: (RefSeries) -> Bool, keepSample: (RefSample) -> Bool) throws -> Int {
        let fm = FileManager.default
        let final = walDir + "/" + name(through)
        let tmp = final + ".tmp"
        try? fm.removeItem(atPath: tmp)
        let out = try WAL(dir: tmp, syncInterval: .zero, logger: logger)
        var buf: [UInt8] = []
        var written = 0
        func flush() throws {
            try out.log(buf)
            buf.removeAll(keepingCapacity: true)
        }
        var stats = WALReplay.Stats()
        var sources: [String] = []
        if let cp = last(in: walDir), cp.index <= through {
            sources += PosixFile.segmentIndices(cp.path).map { cp.path + "/" + PosixFile.segmentName($0) }
        }
        let after = last(in: walDir).map(\.index) ?? -1
        sources += PosixFile.segmentIndices(walDir).filter { $0 > after && $0 <= through }
            .map { walDir + "/" + PosixFile.segmentName($0) }
        var failure: Error?
        for path in sources {
            WALReplay.readSegment(path, logger: logger, stats: &stats) { rec in
                switch rec {
                case .series(let s):
                    let kept = s.filter(keepSeries)
                    if kept.isEmpty { return }
                    let st = WALFrame.begin(&buf)
                    WALRecordCodec.appendSeries(kept, to: &buf)
                    WALFrame.end(&buf, st)
                    written += 1
                case .samples(let s):
                    let kept = s.filter(keepSample)
                    if kept.isEmpty { return }
                    let st = WALFrame.begin(&buf)
                    WALRecordCodec.appendSamples(kept, to: &buf)
                    WALFrame.end(&buf, st)
                    written += 1
                }
                if buf.count > 1 << 20 && failure == nil {
                    do { try flush() } catch { failure = error }
                }
            }
        }
        if let failure { throw failure }
        try flush()
        try out.close()
        try? fm.removeItem(atPath: final)
        try fm.moveItem(atPath: tmp, toPath: final)
        PosixFile.fsyncDir(walDir)
        // The checkpoint is durable: drop what it replaces.
        for i in PosixFile.segmentIndices(walDir) where i <= through {
            unlink(walDir + "/" + PosixFile.segmentName(i))
        }
        for n in (try? fm.contentsOfDirectory(atPath: walDir)) ?? [] where n.hasPrefix(prefix) {
            let idx = Int(n.dropFirst(prefix.count).prefix { $0.isNumber }) ?? Int.max
            if idx < through || (n.hasSuffix(".tmp")) { try? fm.removeItem(atPath: walDir + "/" + n) }
        }
        return written
    }
}
