/// A group of targets sharing labels, as service discovery yields them (Prometheus
/// `targetgroup.Group`). `source` identifies the group within its discovery (`"0"` for the first
/// static config, `file.yml:2` for the third group of a file).
public struct TargetGroup: Hashable, Sendable {
    /// Target addresses (`__address__`), e.g. `host:9100`.
    public var targets: [String]
    /// Labels common to all targets of the group.
    public var labels: [String: String]
    public var source: String

    public init(targets: [String], labels: [String: String] = [:], source: String = "") {
        self.targets = targets
        self.labels = labels
        self.source = source
    }
}
