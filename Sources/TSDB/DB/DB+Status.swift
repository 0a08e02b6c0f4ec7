import MetricModel

/// The data of Prometheus's `/api/v1/status/tsdb` (`tsdb.Stats` over the head's postings):
/// head statistics and top-N cardinality lists, highest first (ties by name).
public struct TSDBStatus: Sendable, Equatable {
    public struct Stat: Sendable, Equatable {
        public var name: String
        public var value: UInt64

        public init(_ name: String, _ value: UInt64) {
            self.name = name
            self.value = value
        }
    }

    public var numSeries: Int = 0
    /// Distinct label pairs in the head.
    public var numLabelPairs: Int = 0
    public var chunkCount: Int = 0
    /// Head time range (ms); `Int64.max`/`Int64.min` when the head is empty (Prometheus reports
    /// those as-is too).
    public var minTime: Timestamp = .max
    public var maxTime: Timestamp = .min
    /// Series per metric name.
    public var seriesCountByMetricName: [Stat] = []
    /// Distinct values per label name.
    public var labelValueCountByLabelName: [Stat] = []
    /// Summed length of the distinct values per label name.
    public var memoryInBytesByLabelName: [Stat] = []
    /// Series per `name=value` pair.
    public var seriesCountByLabelValuePair: [Stat] = []
}

extension DB {
    /// Head cardinality for `/api/v1/status/tsdb` (each list cut to `limit`, Prometheus uses 10).
    public func status(limit: Int = 10) -> TSDBStatus {
        var st = TSDBStatus()
        let hs = head.stats
        st.numSeries = hs.series
        st.chunkCount = hs.chunks
        st.minTime = hs.minTime
        st.maxTime = hs.maxTime
        var metrics: [TSDBStatus.Stat] = [], values: [TSDBStatus.Stat] = []
        var bytes: [TSDBStatus.Stat] = [], pairs: [TSDBStatus.Stat] = []
        var numPairs = 0
        head.postings.m.withLock { idx in
            for (name, byValue) in idx.byName where !name.isEmpty {
                var size: UInt64 = 0
                for (value, list) in byValue {
                    let n = UInt64(list.refs.count)
                    if name == LabelName.metricName { metrics.append(.init(value, n)) }
                    pairs.append(.init(name + "=" + value, n))
                    size += UInt64(value.utf8.count)
                }
                values.append(.init(name, UInt64(byValue.count)))
                bytes.append(.init(name, size))
                numPairs += byValue.count
            }
        }
        func top(_ s: [TSDBStatus.Stat]) -> [TSDBStatus.Stat] {
            Array(s.sorted { $0.value != $1.value ? $0.value > $1.value : $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }.prefix(limit))
        }
        st.numLabelPairs = numPairs
        st.seriesCountByMetricName = top(metrics)
        st.labelValueCountByLabelName = top(values)
        st.memoryInBytesByLabelName = top(bytes)
        st.seriesCountByLabelValuePair = top(pairs)
        return st
    }
}
