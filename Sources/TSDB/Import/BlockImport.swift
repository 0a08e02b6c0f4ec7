import MetricModel

/// Backfill: turns an OpenMetrics text file with timestamps into blocks, one per aligned window
/// of `blockDuration` (2 h by default), like `promtool tsdb create-blocks-from openmetrics`.
///
/// Inputs up to `singlePassLimit` bytes are parsed once, keeping every window's chunks in memory
/// (compressed, ~1/20 of the text). Larger inputs are read once to find the time range and then
/// once per group of `windowsPerPass` windows, so memory stays bounded.
///
/// All-or-nothing: blocks are written as `<ulid>.tmp` (nothing is written before the first pass
/// parsed the whole input without error) and renamed into place only when every block was
/// written. On any error the temporary directories are removed and DIR is left as it was.
public enum BlockImport {
    public static let defaultBlockDuration: Int64 = 2 * 3600 * 1000

    public struct Options: Sendable {
        public var blockDuration: Int64 = defaultBlockDuration
        /// Inputs larger than this are imported in several passes.
        public var singlePassLimit = 1 << 30
        /// Windows built per pass in multi-pass mode (12 × 2h = one day).
        public var windowsPerPass: Int64 = 12
        /// ms since the epoch for block ULIDs.
        public var now: Int64 = wallClockMillis()

        public init() {}
    }

    public struct Result: Sendable, Equatable {
        public var blocks: [BlockMeta]
        public var samples: Int
        public var series: Int
        /// Passes over the input (1 for inputs up to `singlePassLimit`).
        public var passes: Int
    }

    /// Imports `file` into `dir` (created if missing).
    public static func openMetrics(file: String, into dir: String, options: Options = Options()) throws -> Result {
        let input = try MappedFile(path: file)
        return try input.bytes.withMemoryRebound(to: UInt8.self) { try run($0, into: dir, options: options) }
    }

    /// Imports from bytes in memory (tests).
    public static func openMetrics(bytes: [UInt8], into dir: String, options: Options = Options()) throws -> Result {
        try bytes.withUnsafeBufferPointer { try run($0, into: dir, options: options) }
    }

    static func run(_ buf: UnsafeBufferPointer<UInt8>, into dir: String, options o: Options) throws -> Result {
        let d = o.blockDuration
        var passes: [Range<Int64>?] = [nil]
        if buf.count > o.singlePassLimit {
            // Pass 0: validate the whole input and find the range of window keys.
            let scan = try collect(buf, blockDuration: d, keep: 0..<0)
            guard let lo = scan.minKey, let hi = scan.maxKey else { return Result(blocks: [], samples: 0, series: 0, passes: 1) }
            passes = stride(from: lo, through: hi, by: Int(o.windowsPerPass)).map { $0..<min(hi + 1, $0 + o.windowsPerPass) }
        }
        let created = !FS.exists(dir)
        var writers: [BlockWriter] = []
        var metas: [BlockMeta] = []
        var samples = 0
        var seriesSeen = Set<Labels>()
        do {
            for keep in passes {
                let c = try collect(buf, blockDuration: d, keep: keep)
                samples += c.samples
                if c.samples == 0 { continue }
                try FS.mkdirAll(dir)
                try write(c, into: dir, now: o.now + Int64(writers.count), writers: &writers, metas: &metas, seen: &seriesSeen)
            }
            for w in writers { try w.commit() }
        } catch {
            for w in writers { w.abort() }
            if created { try? FS.removeAll(dir) }
            throw error
        }
        return Result(blocks: metas, samples: samples, series: seriesSeen.count, passes: passes.count + (passes.count > 1 ? 1 : 0))
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
        var minKey: Int64?
        var maxKey: Int64?
    }

    /// Parses the whole input, building chunks for windows whose key is in `keep` (all when nil).
    static func collect(_ buf: UnsafeBufferPointer<UInt8>, blockDuration: Int64, keep: Range<Int64>?) throws -> Collected {
        var parser = BackfillParser(buf)
        var windows: [Int64: Window] = [:]
        var lastKey = Int64.min
        var last: Window?
        var samples = 0
        var minKey = Int64.max, maxKey = Int64.min
        struct Rejected: Error { let line: Int, id: Int, t: Int64, outOfOrder: Bool }
        do {
            try parser.parse { id, t, v, line in
                let key = t >= 0 ? t / blockDuration : (t - blockDuration + 1) / blockDuration
                if key < minKey { minKey = key }
                if key > maxKey { maxKey = key }
                if let keep, !keep.contains(key) { return }
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
        return Collected(labels: parser.series.labels, windows: windows.values.sorted { $0.start < $1.start },
                         samples: samples, minKey: minKey == .max ? nil : minKey, maxKey: maxKey == .min ? nil : maxKey)
    }

    /// Writes one finished (not yet committed) block per window into `dir`.
    static func write(_ c: Collected, into dir: String, now: Int64, writers: inout [BlockWriter],
                      metas: inout [BlockMeta], seen: inout Set<Labels>) throws {
        // Global label order once; each window walks it and skips series it lacks.
        let order = (0..<c.labels.count).sorted { c.labels[$0].sortsBefore(c.labels[$1]) }
        for (i, w) in c.windows.enumerated() where w.samples > 0 {
            let present = order.filter { $0 < w.series.count && w.series[$0] != nil && !w.series[$0]!.isEmpty }
            let symbols = IndexWriter.symbols(of: present.lazy.map { c.labels[$0] })
            // ULIDs ordered like the windows.
            let writer = try BlockWriter(parent: dir, ulid: ULID(ms: now + Int64(i)), minTime: w.minT,
                                         maxTime: w.maxT + 1, symbols: symbols)
            writers.append(writer)
            for id in present {
                try writer.addSeries(c.labels[id], chunks: w.series[id]!.finished())
                seen.insert(c.labels[id])
            }
            metas.append(try writer.finish())
            c.windows[i].series = []  // free the window's chunks
        }
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
