import MetricModel

/// Backfill: turns an OpenMetrics text file with timestamps into blocks, one per aligned window
/// of `blockDuration` (2 h by default), like `promtool tsdb create-blocks-from openmetrics`.
///
/// All-or-nothing: the whole input is parsed (single pass) before anything touches the output
/// directory; blocks are then written as `<ulid>.tmp` and renamed into place only when every
/// block was written. On any error the output directory is left as it was.
public enum BlockImport {
    public static let defaultBlockDuration: Int64 = 2 * 3600 * 1000

    public struct Result: Sendable, Equatable {
        public var blocks: [BlockMeta]
        public var samples: Int
        public var series: Int
    }

    /// Imports `file` into `dir` (created if missing).
    public static func openMetrics(file: String, into dir: String,
                                   blockDuration: Int64 = defaultBlockDuration,
                                   now: Int64 = wallClockMillis()) throws -> Result {
        let input = try MappedFile(path: file)
        let collected = try input.bytes.withMemoryRebound(to: UInt8.self) { buf in
            try collect(buf, blockDuration: blockDuration)
        }
        return try write(collected, into: dir, blockDuration: blockDuration, now: now)
    }

    /// Imports from bytes in memory (tests).
    public static func openMetrics(bytes: [UInt8], into dir: String,
                                   blockDuration: Int64 = defaultBlockDuration,
                                   now: Int64 = wallClockMillis()) throws -> Result {
        let collected = try bytes.withUnsafeBufferPointer { try collect($0, blockDuration: blockDuration) }
        return try write(collected, into: dir, blockDuration: blockDuration, now: now)
    }

    /// Per-window chunk builders indexed by series ID.
    final class Window {
        let start: Timestamp
        var series: [SeriesChunker?] = []
        var minT: Timestamp = .max
        var maxT: Timestamp = .min
        var samples = 0

        init(start: Timestamp) { self.start = start }
    }

    struct Collected {
        var labels: [Labels]
        var windows: [Window]
        var samples: Int
    }

    static func collect(_ buf: UnsafeBufferPointer<UInt8>, blockDuration: Int64) throws -> Collected {
        var parser = BackfillParser(buf)
        var windows: [Int64: Window] = [:]
        var lastKey = Int64.min
        var last: Window?
        var samples = 0
        struct Rejected: Error { let line: Int, id: Int, t: Int64, outOfOrder: Bool }
        do {
        try parser.parse { id, t, v, line in
            let key = t >= 0 ? t / blockDuration : (t - blockDuration + 1) / blockDuration
            let w: Window
            if key == lastKey, let l = last {
                w = l
            } else if let existing = windows[key] {
                w = existing
            } else {
                w = Window(start: key * blockDuration)
                windows[key] = w
            }
            lastKey = key
            last = w
            if id >= w.series.count {
                w.series.append(contentsOf: repeatElement(nil, count: max(id + 1 - w.series.count, w.series.count)))
            }
            if w.series[id] == nil { w.series[id] = SeriesChunker(rangeEnd: w.start + blockDuration) }
            switch w.series[id]!.append(t: t, v: v) {
            case .appended:
                samples += 1
                w.samples += 1
                if t < w.minT { w.minT = t }
                if t > w.maxT { w.maxT = t }
            case .duplicate:
                break
            case .outOfOrder:
                throw Rejected(line: line, id: id, t: t, outOfOrder: true)
            case .duplicateDifferentValue:
                throw Rejected(line: line, id: id, t: t, outOfOrder: false)
            }
        }
        } catch let r as Rejected {
            let l = parser.series.labels[r.id]
            throw ImportError(line: r.line, r.outOfOrder ? "out of order sample at timestamp \(r.t) for series \(l)"
                : "duplicate sample for timestamp \(r.t) with a different value for series \(l)")
        }
        return Collected(labels: parser.series.labels,
                         windows: windows.values.sorted { $0.start < $1.start }, samples: samples)
    }

    static func write(_ c: Collected, into dir: String, blockDuration: Int64, now: Int64) throws -> Result {
        if c.samples == 0 { return Result(blocks: [], samples: 0, series: 0) }
        let created = !FS.exists(dir)
        try FS.mkdirAll(dir)
        // Global label order once; each window walks it and skips series it lacks.
        let order = (0..<c.labels.count).sorted { c.labels[$0].sortsBefore(c.labels[$1]) }
        var writers: [BlockWriter] = []
        var metas: [BlockMeta] = []
        var seriesSeen = Set<Int>()
        do {
            for (i, w) in c.windows.enumerated() where w.samples > 0 {
                let present = order.filter { $0 < w.series.count && w.series[$0] != nil && !w.series[$0]!.isEmpty }
                let symbols = IndexWriter.symbols(of: present.lazy.map { c.labels[$0] })
                // ULIDs ordered like the windows, time taken from the wall clock.
                let writer = try BlockWriter(parent: dir, ulid: ULID(ms: now + Int64(i)), minTime: w.minT,
                                             maxTime: w.maxT + 1, symbols: symbols)
                writers.append(writer)
                for id in present {
                    try writer.addSeries(c.labels[id], chunks: w.series[id]!.finished())
                    seriesSeen.insert(id)
                }
                metas.append(try writer.finish())
            }
            for w in writers { try w.commit() }
        } catch {
            for w in writers { w.abort() }
            if created { try? FS.removeAll(dir) }
            throw error
        }
        return Result(blocks: metas, samples: c.samples, series: seriesSeen.count)
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Milliseconds since the epoch from the system clock.
public func wallClockMillis() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
}
