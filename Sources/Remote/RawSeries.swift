import MetricModel

/// One series with its raw samples as a peer returned them (matrix result of a range selector).
public struct RawSeries: Sendable, Equatable {
    public var labels: Labels
    public var samples: [Sample]
    public init(labels: Labels, samples: [Sample]) {
        self.labels = labels
        self.samples = samples
    }
}
