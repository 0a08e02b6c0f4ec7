/// A metric family's metadata as a target last exposed it (Prometheus `scrape.MetricMetadata`):
/// what /api/v1/metadata and /api/v1/targets/metadata serve.
public struct MetricMetadata: Sendable, Hashable {
    /// The family name from the TYPE/HELP/UNIT line.
    public var metric: String
    /// "counter", "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset" or
    /// "unknown" (the text format's untyped, and families with HELP but no TYPE).
    public var type: String
    public var help: String
    public var unit: String

    public init(metric: String, type: String = "unknown", help: String = "", unit: String = "") {
        self.metric = metric
        self.type = type
        self.help = help
        self.unit = unit
    }
}
