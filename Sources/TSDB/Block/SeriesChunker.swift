import MetricModel

/// Accumulates one series' samples into XOR chunks, cutting them the way Prometheus's head does
/// (`memSeries.appendPreprocessor`): at the end of the chunk range, at a predicted end time once
/// a chunk holds 30 samples (so the range's samples spread evenly, ~120 per chunk), or at 240.
public struct SeriesChunker: Sendable {
    public static let samplesPerChunk = 120

    public enum Result: Equatable, Sendable { case appended, duplicate, outOfOrder, duplicateDifferentValue }

    public private(set) var chunks: [EncodedChunk] = []
    var open = XORChunk()
    var nextAt: Timestamp = .min
    /// End (exclusive) of the chunk range the series is in; chunks never cross it.
    let rangeEnd: Timestamp

    public init(rangeEnd: Timestamp) { self.rangeEnd = rangeEnd }

    public var isEmpty: Bool { chunks.isEmpty && open.numSamples == 0 }
    public var lastTime: Timestamp { open.numSamples > 0 ? open.maxTime : (chunks.last?.maxTime ?? .min) }

    @inlinable
    static func computeChunkEndTime(start: Timestamp, cur: Timestamp, max: Timestamp) -> Timestamp {
        let n = (max - start) / ((cur - start + 1) * 4)
        if n <= 1 { return max }
        return start + (max - start) / n
    }

    public mutating func append(t: Timestamp, v: Double) -> Result {
        let n = open.numSamples
        if n > 0 || !chunks.isEmpty {
            let last = lastTime
            if t < last { return .outOfOrder }
            if t == last {
                let lv = open.last?.v ?? v
                return lv.bitPattern == v.bitPattern ? .duplicate : .duplicateDifferentValue
            }
        }
        if n == 0 {
            nextAt = rangeEnd
        } else {
            if n == Self.samplesPerChunk / 4 {
                nextAt = Self.computeChunkEndTime(start: open.minTime, cur: open.maxTime, max: nextAt)
            }
            if t >= nextAt || n >= Self.samplesPerChunk * 2 {
                chunks.append(EncodedChunk(open))
                open = XORChunk(capacity: 256)
                nextAt = rangeEnd
            }
        }
        open.append(t: t, v: v)
        return .appended
    }

    /// The chunks, including the open one.
    public func finished() -> [EncodedChunk] {
        open.numSamples > 0 ? chunks + [EncodedChunk(open)] : chunks
    }

    /// Encodes sorted, deduplicated samples into chunks of at most 120 samples (compaction).
    public static func encode(_ samples: [Sample]) -> [EncodedChunk] {
        var out: [EncodedChunk] = []
        var c = XORChunk()
        for s in samples {
            if c.numSamples == samplesPerChunk {
                out.append(EncodedChunk(c))
                c = XORChunk()
            }
            c.append(t: s.t, v: s.v)
        }
        if c.numSamples > 0 { out.append(EncodedChunk(c)) }
        return out
    }
}
