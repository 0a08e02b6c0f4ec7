import MetricModel

/// A series held as a plain sample array: for tests, the PromQL engine's intermediate results and
/// remote reads. Immutable.
public struct MemorySeries: Series, Sendable {
    public let labels: Labels
    public let samples: [Sample]

    public init(labels: Labels, samples: [Sample]) {
        self.labels = labels
        self.samples = samples
    }

    public func iterator() -> any SampleIterator { ArraySampleIterator(samples) }

    public func appendSamples(mint: Timestamp, maxt: Timestamp, to buf: inout [Sample]) {
        var lo = 0, hi = samples.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if samples[mid].t < mint { lo = mid + 1 } else { hi = mid }
        }
        var end = lo
        while end < samples.count && samples[end].t <= maxt { end += 1 }
        buf.append(contentsOf: samples[lo..<end])
    }
}

/// Iterates a sample array.
public struct ArraySampleIterator: SampleIterator {
    @usableFromInline let samples: [Sample]
    @usableFromInline var i = -1

    public init(_ samples: [Sample]) { self.samples = samples }

    @inlinable
    public mutating func next() -> Bool {
        if i < samples.count { i += 1 }
        return i < samples.count
    }

    @inlinable
    public mutating func seek(_ t: Timestamp) -> Bool {
        if i < 0 { i = 0 }
        if i < samples.count && samples[i].t >= t { return true }
        // binary search in the rest
        var lo = i, hi = samples.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if samples[mid].t < t { lo = mid + 1 } else { hi = mid }
        }
        i = lo
        return i < samples.count
    }

    @inlinable
    public var at: Sample { samples[i] }
}
