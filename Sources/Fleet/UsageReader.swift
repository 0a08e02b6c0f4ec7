import Config
import Catalog
import Foundation
import MetricModel

/// Turns what a member says about itself (its `/metrics` and `/api/v1/targets`) into a usage
/// observation for the catalog. Pure: the controller fetches, this reads.
public enum UsageReader {
    /// Metric names read from a member's /metrics.
    public static let headSeries = "prometheus_tsdb_head_series"
    public static let samplesAppended = "prometheus_tsdb_head_samples_appended_total"

    /// The sum over every series of each metric in `names` (text exposition format; a metric
    /// absent from the text is absent from the result).
    public static func sums(_ text: String, names: Set<String>) -> [String: Double] {
        var out: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            guard let first = line.first, first != "#" else { continue }
            let nameEnd = line.firstIndex { $0 == "{" || $0 == " " } ?? line.endIndex
            let name = String(line[..<nameEnd])
            guard names.contains(name) else { continue }
            // The value follows the label set (which may contain spaces inside quotes).
            var rest = line[nameEnd...]
            if rest.first == "{", let close = closingBrace(rest) { rest = rest[rest.index(after: close)...] }
            let fields = rest.split(separator: " ")
            guard let valueText = fields.first, let v = Double(valueText) ?? Self.special(valueText) else { continue }
            out[name, default: 0] += v
        }
        return out
    }

    static func special(_ s: Substring) -> Double? {
        switch s {
        case "NaN": .nan
        case "+Inf", "Inf": .infinity
        case "-Inf": -.infinity
        default: nil
        }
    }

    static func closingBrace(_ s: Substring) -> Substring.Index? {
        var inQuotes = false, escaped = false
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" {
                inQuotes.toggle()
            } else if c == "}" && !inQuotes { return i }
            i = s.index(after: i)
        }
        return nil
    }

    /// Active targets of a member, how many are up, and the largest scrape duration ÷ scrape
    /// interval among the up ones,
    /// from its `/api/v1/targets?state=active` response. Nil when the body is not that API's JSON.
    public static func targets(_ json: [UInt8]) -> (count: Int, up: Int, durationRatio: Double?)? {
        guard let root = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any],
              let data = root["data"] as? [String: Any],
              let active = data["activeTargets"] as? [[String: Any]] else { return nil }
        var up = 0
        var ratio: Double?
        for t in active {
            // Only successful scrapes: a failed one's duration is its failure (refused, timed out).
            guard (t["health"] as? String) == "up" else { continue }
            up += 1
            let duration = (t["lastScrapeDuration"] as? Double) ?? (t["lastScrapeDuration"] as? NSNumber)?.doubleValue
            if let duration, let interval = (t["scrapeInterval"] as? String).flatMap { PromDuration($0) },
               interval.milliseconds > 0 {
                let r = duration * 1000 / Double(interval.milliseconds)
                ratio = max(ratio ?? 0, r)
            }
        }
        return (active.count, up, ratio)
    }
}

/// Remembers each member's previous samples-appended counter to turn it into samples/s.
public struct UsageTracker: Sendable {
    private var previous: [String: (ts: Timestamp, appended: Double)] = [:]

    public init() {}

    /// An observation of `member` at `ts`. `metrics` is its /metrics text (nil if unreachable),
    /// `targetsJSON` its /api/v1/targets body, `diskBytes` the size of its data dir.
    public mutating func observe(member: String, ts: Timestamp, metrics: String?, targetsJSON: [UInt8]?,
                                 diskBytes: Int64?) -> UsageObservation {
        var o = UsageObservation(member: member, ts: ts, diskBytes: diskBytes)
        if let metrics {
            let sums = UsageReader.sums(metrics, names: [UsageReader.headSeries, UsageReader.samplesAppended])
            o.headSeries = sums[UsageReader.headSeries].flatMap { $0.isFinite ? Int64($0) : nil }
            if let appended = sums[UsageReader.samplesAppended] {
                if let p = previous[member], ts > p.ts, appended >= p.appended {
                    o.samplesPerSecond = (appended - p.appended) * 1000 / Double(ts - p.ts)
                }
                previous[member] = (ts, appended)
            }
        }
        if let targetsJSON, let t = UsageReader.targets(targetsJSON) {
            o.targets = Int64(t.count)
            o.scrapeDurationRatio = t.durationRatio
        }
        return o
    }

    /// Forget a member (restarted: its counters start again).
    public mutating func forget(_ member: String) { previous[member] = nil }
}

/// Bytes of the regular files under `path` (0 when it does not exist).
public func directorySize(_ path: String) -> Int64 {
    let fm = FileManager.default
    guard let e = fm.enumerator(atPath: path) else { return 0 }
    var total: Int64 = 0
    while let rel = e.nextObject() as? String {
        if let attrs = try? fm.attributesOfItem(atPath: path + "/" + rel),
           (attrs[.type] as? FileAttributeType) == .typeRegular,
           let size = attrs[.size] as? NSNumber {
            total += size.int64Value
        }
    }
    return total
}
