import MetricModel
import Synchronization

/// Writes the text exposition format 0.0.4 for /metrics: `# HELP`, `# TYPE`, then samples.
/// Collectors call `family` once per metric family, then `sample` for each series of it.
public struct MetricsTextWriter: Sendable {
    public var bytes: [UInt8] = []

    public init() { bytes.reserveCapacity(16 * 1024) }

    public mutating func family(_ name: String, help: String, type: String) {
        bytes.append(contentsOf: "# HELP \(name) ".utf8)
        for c in help.utf8 {
            if c == 0x5C { bytes.append(0x5C); bytes.append(0x5C) }
            else if c == 0x0A { bytes.append(0x5C); bytes.append(UInt8(ascii: "n")) }
            else { bytes.append(c) }
        }
        bytes.append(contentsOf: "\n# TYPE \(name) \(type)\n".utf8)
    }

    public mutating func sample(_ name: String, _ value: Double) {
        sample(name, labels: [], value)
    }

    public mutating func sample(_ name: String, labels: [(String, String)], _ value: Double) {
        bytes.append(contentsOf: name.utf8)
        if !labels.isEmpty {
            bytes.append(UInt8(ascii: "{"))
            for (i, (n, v)) in labels.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes.append(contentsOf: n.utf8)
                bytes.append(contentsOf: "=\"".utf8)
                bytes.append(contentsOf: escapeLabelValue(v).utf8)
                bytes.append(UInt8(ascii: "\""))
            }
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(0x20)
        bytes.append(contentsOf: PromFloat.formatG(value).utf8)
        bytes.append(0x0A)
    }
}

/// Contributes metric families to /metrics. Called on every scrape of /metrics: be quick, and
/// write each family name once across all collectors.
public protocol MetricsCollector: Sendable {
    func collect(into w: inout MetricsTextWriter)
}

/// The collectors behind /metrics, rendered in registration order. Thread-safe.
public final class MetricsRegistry: Sendable {
    private let collectors = Mutex<[any MetricsCollector]>([])

    public init() {}

    public func register(_ c: any MetricsCollector) { collectors.withLock { $0.append(c) } }

    public func render() -> [UInt8] {
        let cs = collectors.withLock { $0 }
        var w = MetricsTextWriter()
        for c in cs { c.collect(into: &w) }
        return w.bytes
    }
}

/// A collector from a closure (for gauges computed at collection time).
public struct ClosureCollector: MetricsCollector {
    let body: @Sendable (inout MetricsTextWriter) -> Void
    public init(_ body: @escaping @Sendable (inout MetricsTextWriter) -> Void) { self.body = body }
    public func collect(into w: inout MetricsTextWriter) { body(&w) }
}

/// A monotonically increasing integer count, cheap to bump from any thread.
public final class CounterValue: Sendable {
    private let v = Atomic<Int>(0)
    public init() {}
    public func add(_ n: Int = 1) { _ = v.wrappingAdd(n, ordering: .relaxed) }
    public var value: Int { v.load(ordering: .relaxed) }
}

/// A summary over the most recent observations (a bounded window), reported with the quantiles
/// Prometheus uses for `prometheus_target_interval_length_seconds` (0.01, 0.05, 0.5, 0.9, 0.99).
public final class WindowSummary: Sendable {
    struct State {
        var window: [Double] = []
        var next = 0
        var sum = 0.0
        var count = 0
    }
    private let state = Mutex(State())
    let capacity: Int
    public static let quantiles: [Double] = [0.01, 0.05, 0.5, 0.9, 0.99]

    public init(capacity: Int = 1024) { self.capacity = capacity }

    public func observe(_ v: Double) {
        state.withLock { s in
            if s.window.count < capacity { s.window.append(v) } else { s.window[s.next] = v }
            s.next = (s.next + 1) % capacity
            s.sum += v
            s.count += 1
        }
    }

    /// (quantile values, sum, count); quantiles are NaN with no observations.
    public func snapshot() -> (quantiles: [(Double, Double)], sum: Double, count: Int) {
        let (w, sum, count) = state.withLock { ($0.window, $0.sum, $0.count) }
        let sorted = w.sorted()
        let qs = Self.quantiles.map { q -> (Double, Double) in
            if sorted.isEmpty { return (q, .nan) }
            let idx = min(sorted.count - 1, Int((q * Double(sorted.count)).rounded(.down)))
            return (q, sorted[idx])
        }
        return (qs, sum, count)
    }
}
