import MetricModel

/// A scrape_config as the scrape layer needs it (built from the Config module's ScrapeConfig).
public struct PoolConfig: Sendable {
    public var settings: ScrapeSettings
    public var scheme = "http"
    public var metricsPath = "/metrics"
    public var params: [(String, [String])] = []
    /// relabel_configs: nil result drops the target.
    public var relabel: MetricRelabeler?

    public init(settings: ScrapeSettings) { self.settings = settings }
}

/// Prometheus's `PopulateLabels`: discovery labels + defaults → relabel → final target labels and
/// URL. Returns nil target (with the discovered labels) when relabeling drops it, and throws a
/// message for invalid targets (no address, bad interval), which Prometheus logs and skips.
public enum TargetPopulation {
    public enum Outcome: Sendable {
        case target(ScrapeTarget)
        case dropped(Labels)
        case invalid(String)
    }

    public static func populate(_ group: TargetGroup, pool: PoolConfig) -> [Outcome] {
        group.targets.map { populate(target: $0, groupLabels: group.labels, pool: pool) }
    }

    public static func populate(target: [String: String], groupLabels: [String: String], pool: PoolConfig) -> Outcome {
        let s = pool.settings
        var b = LabelsBuilder()
        for (k, v) in groupLabels { b.set(k, v) }
        for (k, v) in target { b.set(k, v) }
        func setDefault(_ n: String, _ v: String) { if b.get(n).isEmpty { b.set(n, v) } }
        setDefault(LabelName.job, s.jobName)
        setDefault(LabelName.scrapeInterval, formatDuration(s.intervalMs))
        setDefault(LabelName.scrapeTimeout, formatDuration(s.timeoutMs))
        setDefault(LabelName.metricsPath, pool.metricsPath)
        setDefault(LabelName.scheme, pool.scheme)
        for (k, vs) in pool.params where !vs.isEmpty { setDefault(LabelName.paramPrefix + k, vs[0]) }
        let discovered = b.labels()
        var lset = discovered
        if let r = pool.relabel {
            guard let out = r(discovered) else { return .dropped(discovered) }
            lset = out
        }
        let addr = lset.get(LabelName.address)
        if addr.isEmpty { return .invalid("no address") }
        var settings = s
        if let iv = parseDurationMs(lset.get(LabelName.scrapeInterval)) { settings.intervalMs = iv } else {
            return .invalid("error parsing scrape interval: \(lset.get(LabelName.scrapeInterval))")
        }
        if let to = parseDurationMs(lset.get(LabelName.scrapeTimeout)) { settings.timeoutMs = to } else {
            return .invalid("error parsing scrape timeout: \(lset.get(LabelName.scrapeTimeout))")
        }
        if settings.intervalMs == 0 { return .invalid("scrape interval cannot be 0") }
        if settings.timeoutMs > settings.intervalMs {
            return .invalid("scrape timeout cannot be greater than scrape interval (\"\(formatDuration(settings.timeoutMs))\" > \"\(formatDuration(settings.intervalMs))\")")
        }
        var final = LabelsBuilder()
        var query: [(String, String)] = []
        var seenParams = Set<String>()
        for l in lset.list {
            if l.name.hasPrefix(LabelName.paramPrefix) {
                let p = String(l.name.dropFirst(LabelName.paramPrefix.count))
                query.append((p, l.value))
                seenParams.insert(p)
            }
            if !l.name.hasPrefix(LabelName.reservedPrefix) { final.set(l.name, l.value) }
        }
        for (k, vs) in pool.params where !seenParams.contains(k) { for v in vs { query.append((k, v)) } }
        if final.get(LabelName.instance).isEmpty { final.set(LabelName.instance, addr) }
        var url = "\(lset.get(LabelName.scheme))://\(addr)\(lset.get(LabelName.metricsPath))"
        if !query.isEmpty {
            url += "?" + query.map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }.joined(separator: "&")
        }
        return .target(ScrapeTarget(labels: final.labels(), discoveredLabels: discovered, url: url, settings: settings))
    }

    static func percentEncode(_ s: String) -> String {
        var out = ""
        for c in s.utf8 {
            if (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x2E || c == 0x5F || c == 0x7E {
                out.unicodeScalars.append(Unicode.Scalar(c))
            } else {
                out += "%" + String(c, radix: 16, uppercase: true).leftPad(2)
            }
        }
        return out
    }
}

extension String {
    func leftPad(_ n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}

/// Parses a Prometheus duration ("15s", "1m30s", "500ms", "2h", "1d", "1w", "1y") to ms.
public func parseDurationMs(_ s: String) -> Int64? {
    if s == "0" { return 0 }
    let b = Array(s.utf8)
    var i = 0
    var total: Int64 = 0
    if b.isEmpty { return nil }
    while i < b.count {
        var n: Int64 = 0
        let ds = i
        while i < b.count && b[i] >= 0x30 && b[i] <= 0x39 { n = n * 10 + Int64(b[i] - 0x30); i += 1 }
        if i == ds { return nil }
        let us = i
        while i < b.count && !(b[i] >= 0x30 && b[i] <= 0x39) { i += 1 }
        let unit = String(decoding: b[us..<i], as: UTF8.self)
        let mult: Int64
        switch unit {
        case "ms": mult = 1
        case "s": mult = 1000
        case "m": mult = 60_000
        case "h": mult = 3_600_000
        case "d": mult = 86_400_000
        case "w": mult = 7 * 86_400_000
        case "y": mult = 365 * 86_400_000
        default: return nil
        }
        total += n * mult
    }
    return total
}
