import MetricModel
import Relabeling

/// A target to scrape, after target relabeling (Prometheus `scrape.Target`).
public struct ScrapeTarget: Hashable, Sendable {
    /// The labels attached to every sample scraped from it: the relabeled set without labels
    /// starting with `__` (so `job`, `instance` and user labels).
    public let labels: Labels
    /// The relabeled set including the internal `__address__`, `__scheme__`, `__metrics_path__`,
    /// `__scrape_interval__`, `__scrape_timeout__` and `__param_*` labels (no `__meta_*`).
    public let allLabels: Labels
    /// The set before relabeling (with `__meta_*`), shown as `discoveredLabels` by /api/v1/targets.
    public let discoveredLabels: Labels
    /// `scheme://address/metrics_path?params` — params from the config overridden by `__param_*`.
    public let url: String
    public let scrapeInterval: PromDuration
    public let scrapeTimeout: PromDuration
    /// The scrape pool (job_name of the scrape config, not the possibly relabeled `job`).
    public let scrapePool: String
    public let source: String
}

/// A target that could not be built (relabeling left it without an address, a bad interval
/// label…); Prometheus logs these and scrapes nothing for them.
public struct TargetError: Error, Hashable, Sendable, CustomStringConvertible {
    public let source: String
    public let index: Int
    public let message: String
    public var description: String { "instance \(index) in group \(source): \(message)" }
}

/// The outcome of target relabeling for one scrape config.
public struct TargetSet: Sendable {
    public var active: [ScrapeTarget] = []
    /// Discovered label sets that relabeling dropped (capped by `keep_dropped_targets` when set).
    public var dropped: [Labels] = []
    public var failures: [TargetError] = []
}

/// Prometheus's `PopulateLabels` over all groups: builds each target's labels from target, group
/// and config, applies `relabel_configs`, and yields active targets (deduplicated by labels and
/// URL), dropped discovered label sets and failures.
public func targets(for cfg: ScrapeConfig, groups: [TargetGroup]) -> TargetSet {
    var set = TargetSet()
    var seen = Set<String>()
    for g in groups {
        for (i, address) in g.targets.enumerated() {
            switch populateLabels(cfg, address: address, groupLabels: g.labels) {
            case .active(let t0):
                let t = ScrapeTarget(labels: t0.labels, allLabels: t0.allLabels, discoveredLabels: t0.discoveredLabels,
                                     url: t0.url, scrapeInterval: t0.scrapeInterval, scrapeTimeout: t0.scrapeTimeout,
                                     scrapePool: cfg.jobName, source: g.source)
                if seen.insert(t.url + "\u{0}" + t.labels.description).inserted { set.active.append(t) }
            case .dropped(let discovered):
                if cfg.limits.keepDroppedTargets == 0 || UInt64(set.dropped.count) < cfg.limits.keepDroppedTargets {
                    set.dropped.append(discovered)
                }
            case .failed(let message):
                set.failures.append(TargetError(source: g.source, index: i, message: message))
            }
        }
    }
    return set
}

enum PopulateResult {
    case active(ScrapeTarget)
    case dropped(Labels)
    case failed(String)
}

/// The labels before relabeling (Prometheus's `PopulateDiscoveredLabels`).
public func discoveredLabels(_ cfg: ScrapeConfig, address: String, groupLabels: [String: String]) -> LabelsBuilder {
    var lb = LabelsBuilder()
    for (k, v) in groupLabels where k != LabelName.address { lb.set(k, v) }
    lb.set(LabelName.address, address)
    let defaults: [(String, String)] = [
        (LabelName.job, cfg.jobName),
        (LabelName.scrapeInterval, cfg.scrapeInterval.description),
        (LabelName.scrapeTimeout, cfg.scrapeTimeout.description),
        (LabelName.metricsPath, cfg.metricsPath),
        (LabelName.scheme, cfg.scheme),
    ]
    for (k, v) in defaults where lb.get(k).isEmpty { lb.set(k, v) }
    for (k, values) in cfg.params {
        let name = LabelName.paramPrefix + k
        if let first = values.first, lb.get(name).isEmpty { lb.set(name, first) }
    }
    return lb
}

func populateLabels(_ cfg: ScrapeConfig, address: String, groupLabels: [String: String]) -> PopulateResult {
    var lb = discoveredLabels(cfg, address: address, groupLabels: groupLabels)
    let discovered = lb.labels()
    guard relabel(builder: &lb, configs: cfg.relabelConfigs) else { return .dropped(discovered) }
    let addr = lb.get(LabelName.address)
    if addr.isEmpty { return .failed("no address") }
    if addr.contains("/") { return .failed("\(goQuote(addr)) is not a valid hostname") }
    let intervalText = lb.get(LabelName.scrapeInterval)
    let timeoutText = lb.get(LabelName.scrapeTimeout)
    let interval: PromDuration, timeout: PromDuration
    do { interval = try PromDuration(parsing: intervalText) } catch { return .failed("error parsing scrape interval: \(error.message)") }
    if interval == .zero { return .failed("scrape interval cannot be 0") }
    do { timeout = try PromDuration(parsing: timeoutText) } catch { return .failed("error parsing scrape timeout: \(error.message)") }
    if timeout == .zero { return .failed("scrape timeout cannot be 0") }
    if timeout > interval {
        return .failed("scrape timeout cannot be greater than scrape interval (\(goQuote(timeoutText)) > \(goQuote(intervalText)))")
    }
    // Meta labels are deleted after relabeling; other internal labels stay on the target.
    for l in lb.labels().list where l.name.hasPrefix("__meta_") { lb.delete(l.name) }
    if lb.get(LabelName.instance).isEmpty { lb.set(LabelName.instance, addr) }
    let all = lb.labels()
    let visible = Labels(all.list.filter { !$0.name.hasPrefix(LabelName.reservedPrefix) })
    return .active(ScrapeTarget(labels: visible, allLabels: all, discoveredLabels: discovered, url: scrapeURL(all, params: cfg.params),
                                scrapeInterval: interval, scrapeTimeout: timeout, scrapePool: cfg.jobName, source: ""))
}

/// `Target.URL()`: scheme, host and path from the labels; query from the config's params with
/// each `__param_<name>` label replacing that param's first value (or adding it).
public func scrapeURL(_ labels: Labels, params: [(String, [String])]) -> String {
    var query: [String: [String]] = [:]
    for (k, v) in params { query[k, default: []].append(contentsOf: v) }
    for l in labels.list where l.name.hasPrefix(LabelName.paramPrefix) {
        let k = String(l.name.dropFirst(LabelName.paramPrefix.count))
        if query[k, default: []].isEmpty { query[k] = [l.value] } else { query[k]![0] = l.value }
    }
    var path = labels.get(LabelName.metricsPath)
    let host = labels.get(LabelName.address)
    if !path.isEmpty && !path.hasPrefix("/") && !host.isEmpty { path = "/" + path }
    var url = labels.get(LabelName.scheme) + "://" + host + percentEscape(path, keep: pathSafe)
    if !query.isEmpty {
        // Go's url.Values.Encode: keys sorted, each value `key=value`, query-escaped.
        let pairs = query.keys.sorted().flatMap { k in
            query[k]!.map { percentEscape(k, keep: querySafe, spaceAsPlus: true) + "=" + percentEscape($0, keep: querySafe, spaceAsPlus: true) }
        }
        url += "?" + pairs.joined(separator: "&")
    }
    return url
}

private let unreservedBytes = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~".utf8)
private let pathSafe = unreservedBytes.union("$&+,/:;=@".utf8)
private let querySafe = unreservedBytes

func percentEscape(_ s: String, keep: Set<UInt8>, spaceAsPlus: Bool = false) -> String {
    if s.utf8.allSatisfy({ keep.contains($0) }) { return s }
    let hex = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    for b in s.utf8 {
        if keep.contains(b) {
            out.append(b)
        } else if b == 0x20 && spaceAsPlus {
            out.append(UInt8(ascii: "+"))
        } else {
            out.append(contentsOf: [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 0xF)]])
        }
    }
    return String(decoding: out, as: UTF8.self)
}
