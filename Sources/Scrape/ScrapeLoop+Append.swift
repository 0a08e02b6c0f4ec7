import Exposition
import MetricModel
import TSDB

/// Counts of one scrape's append (the synthetic series' values).
struct AppendCounts {
    var total = 0
    var added = 0
    var seriesAdded = 0
}

/// Why appending a scrape failed as a whole (Prometheus's wording).
enum AppendFailure: Error, CustomStringConvertible {
    case parse(ExpositionError)
    case sampleLimit
    case labelLimit(String)
    case noMetricName

    var description: String {
        switch self {
        case .parse(let e): return e.description
        case .sampleLimit: return "sample limit exceeded"
        case .labelLimit(let m): return m
        case .noMetricName: return "__name__ label is missing"
        }
    }
}

extension ScrapeLoop {
    /// Parses `body` (OpenMetrics or text format by `contentType`, Prometheus 2's rule) and
    /// appends its samples at `t` through `app`, using and filling `cache`; adds staleness markers
    /// for series the previous scrape had and this one lacks. Throws `AppendFailure` when the
    /// scrape must fail whole (the caller rolls back).
    static func appendBody(_ body: [UInt8], contentType: String = "", at t: Timestamp, app: any Appender, cache: ScrapeCache,
                           target: ScrapeTarget, appended: inout [Int], stats: ScrapeStats) throws(AppendFailure) -> AppendCounts {
        let format = ContentNegotiation.formatPrometheus2(contentType: contentType)
        return try body.withUnsafeBufferPointer { (buf: UnsafeBufferPointer<UInt8>) throws(AppendFailure) -> AppendCounts in
            let raw = UnsafeRawBufferPointer(buf)
            if format == .openMetrics {
                var p = OpenMetricsParser(raw)
                return try appendParsed(&p, at: t, app: app, cache: cache, target: target, appended: &appended, stats: stats)
            }
            var p = PromParser(raw)
            return try appendParsed(&p, at: t, app: app, cache: cache, target: target, appended: &appended, stats: stats)
        }
    }

    static func appendParsed<P: ExpositionParser>(_ p: inout P, at t: Timestamp, app: any Appender, cache: ScrapeCache,
                                                  target: ScrapeTarget, appended: inout [Int], stats: ScrapeStats) throws(AppendFailure) -> AppendCounts {
        let s = target.settings
        let iter = cache.beginIteration()
        let firstNew = cache.count
        var c = AppendCounts()
        appended.removeAll(keepingCapacity: true)
        do throws(AppendFailure) {
            while true {
                let entry: ExpositionEntry
                do throws(ExpositionError) { entry = try p.next() } catch { throw AppendFailure.parse(error) }
                if entry == .eof { break }
                guard entry == .series else {
                    if entry == .help || entry == .type || entry == .unit { cache.metadata.note(entry, &p, iter: iter) }
                    continue
                }
                c.total += 1
                let raw = p.series
                let h = XXH64.hash(p.series)
                var idx = cache.lookup(raw, hash: h)
                if idx == nil {
                    let exposed: Labels
                    do throws(ExpositionError) { exposed = try p.labels() } catch { throw AppendFailure.parse(error) }
                    let merged = mergeTargetLabels(exposed: exposed, target: target.labels, honor: s.honorLabels)
                    let final = s.metricRelabel.map { $0(merged) } ?? merged
                    if let l = final {
                        if !l.has(LabelName.metricName) { throw AppendFailure.noMetricName }
                        try checkLimits(l, s)
                    }
                    idx = cache.insert(raw, hash: h, labels: final ?? .empty, dropped: final == nil)
                    if final != nil { c.seriesAdded += 1 }
                }
                let i = idx!
                if cache[i].dropped { cache[i].lastIter = iter; continue }
                if cache[i].lastIter == iter { stats.duplicates.add(); continue }
                let ts = (s.honorTimestamps ? p.timestamp : nil) ?? t
                do {
                    cache[i].ref = try app.append(ref: cache[i].ref, labels: cache[i].labels, t: ts, v: p.value)
                } catch let e as AppendError {
                    stats.count(e)
                    continue
                } catch { continue }
                cache[i].lastIter = iter
                c.added += 1
                if s.sampleLimit > 0 && c.added > s.sampleLimit { throw AppendFailure.sampleLimit }
                if p.timestamp == nil || !s.honorTimestamps { appended.append(i) }
            }
        } catch {
            cache.forgetRefs(since: firstNew)
            throw error
        }
        for i in cache.prevAppended where cache[i].lastIter != iter {
            _ = try? app.append(ref: cache[i].ref, labels: cache[i].labels, t: t, v: StaleNaN.value)
        }
        return c
    }

    /// Stale markers for every series the last successful scrape appended (failed scrape, target
    /// gone); then forgets them.
    static func appendStaleMarkers(at t: Timestamp, app: any Appender, cache: ScrapeCache) {
        for i in cache.prevAppended {
            _ = try? app.append(ref: cache[i].ref, labels: cache[i].labels, t: t, v: StaleNaN.value)
        }
        cache.prevAppended.removeAll()
    }

    /// Prometheus's `mutateSampleLabels` without relabeling: target labels win unless
    /// honor_labels; conflicting exposed labels move to `exported_<name>`.
    static func mergeTargetLabels(exposed: Labels, target: Labels, honor: Bool) -> Labels {
        if target.isEmpty { return exposed }
        var b = LabelsBuilder(exposed)
        if honor {
            for l in target.list where !exposed.has(l.name) { b.set(l.name, l.value) }
        } else {
            var conflicts: [(String, String)] = []
            for l in target.list {
                let v = exposed.get(l.name)
                if !v.isEmpty { conflicts.append((l.name, v)) }
                b.set(l.name, l.value)
            }
            conflicts.sort { $0.0.count < $1.0.count }
            for (n, v) in conflicts {
                var newName = n
                while true {
                    newName = "exported_" + newName
                    if b.get(newName).isEmpty { b.set(newName, v); break }
                }
            }
        }
        return b.labels()
    }

    static func checkLimits(_ l: Labels, _ s: ScrapeSettings) throws(AppendFailure) {
        if s.labelLimit == 0 && s.labelNameLengthLimit == 0 && s.labelValueLengthLimit == 0 { return }
        let list = l.list
        let metric = String(l.description.prefix(50))
        if s.labelLimit > 0 && list.count > s.labelLimit {
            throw .labelLimit("label_limit exceeded (metric: \(metric), number of labels: \(list.count), limit: \(s.labelLimit))")
        }
        for lb in list {
            if s.labelNameLengthLimit > 0 && lb.name.utf8.count > s.labelNameLengthLimit {
                throw .labelLimit("label_name_length_limit exceeded (metric: \(metric), label name: \(lb.name.prefix(50)), length: \(lb.name.utf8.count), limit: \(s.labelNameLengthLimit))")
            }
            if s.labelValueLengthLimit > 0 && lb.value.utf8.count > s.labelValueLengthLimit {
                throw .labelLimit("label_value_length_limit exceeded (metric: \(metric), label name: \(lb.name.prefix(50)), value: \"\(lb.value.prefix(50))\", length: \(lb.value.utf8.count), limit: \(s.labelValueLengthLimit))")
            }
        }
    }
}
