import Foundation
import MetricModel
import TSDB

extension PrometheusAPI {
    /// /api/v1/targets with `state` = active | dropped | any.
    func targets(state: String) -> [UInt8] {
        let wantActive = state != "dropped", wantDropped = state != "active"
        var w = JSONWriter(capacity: 4096)
        w.beginSuccess()
        w.raw("{\"activeTargets\":[")
        if wantActive, let src = services.targets {
            for (i, t) in src.activeTargets().enumerated() {
                if i > 0 { w.byte(UInt8(ascii: ",")) }
                w.raw("{\"discoveredLabels\":"); w.labels(t.discoveredLabels)
                w.raw(",\"labels\":"); w.labels(t.labels)
                w.raw(",\"scrapePool\":"); w.string(t.scrapePool)
                w.raw(",\"scrapeUrl\":"); w.string(t.scrapeURL)
                w.raw(",\"globalUrl\":"); w.string(t.globalURL)
                w.raw(",\"lastError\":"); w.string(t.lastError)
                w.raw(",\"lastScrape\":"); w.string(t.lastScrape.map(APITime.rfc3339) ?? "0001-01-01T00:00:00Z")
                w.raw(",\"lastScrapeDuration\":"); w.number(t.lastScrapeDuration)
                w.raw(",\"health\":"); w.string(t.health)
                w.raw(",\"scrapeInterval\":"); w.string(t.scrapeInterval)
                w.raw(",\"scrapeTimeout\":"); w.string(t.scrapeTimeout)
                w.byte(UInt8(ascii: "}"))
            }
        }
        w.raw("],\"droppedTargets\":[")
        if wantDropped, let src = services.targets {
            for (i, l) in src.droppedTargets().enumerated() {
                if i > 0 { w.byte(UInt8(ascii: ",")) }
                w.raw("{\"discoveredLabels\":"); w.labels(l); w.byte(UInt8(ascii: "}"))
            }
        }
        w.raw("]}")
        w.endSuccess()
        return w.bytes
    }

    func statusConfig() -> [UInt8] {
        var w = JSONWriter()
        w.beginSuccess()
        w.raw("{\"yaml\":"); w.string(services.status.configStatus().yaml); w.raw("}")
        w.endSuccess()
        return w.bytes
    }

    func statusFlags() -> [UInt8] {
        var w = JSONWriter()
        w.beginSuccess()
        w.byte(UInt8(ascii: "{"))
        for (i, (k, v)) in services.status.flags().enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.string(k); w.byte(UInt8(ascii: ":")); w.string(v)
        }
        w.byte(UInt8(ascii: "}"))
        w.endSuccess()
        return w.bytes
    }

    func runtimeInfo() -> [UInt8] {
        let cs = services.status.configStatus()
        let start = ProcessMetrics.stat()?.startTime ?? 0
        var w = JSONWriter()
        w.beginSuccess()
        w.raw("{\"startTime\":"); w.string(APITime.rfc3339(Int64(start * 1000)))
        w.raw(",\"CWD\":"); w.string(FileManager.default.currentDirectoryPath)
        w.raw(",\"reloadConfigSuccess\":"); w.bool(cs.lastReloadSuccessful)
        w.raw(",\"lastConfigTime\":"); w.string(APITime.rfc3339(Int64(cs.lastReloadSuccessTime * 1000)))
        w.raw(",\"corruptionCount\":0,\"goroutineCount\":0")
        w.raw(",\"GOMAXPROCS\":"); w.int(Int64(ProcessInfo.processInfo.activeProcessorCount))
        w.raw(",\"GOMEMLIMIT\":0,\"GOGC\":\"\",\"GODEBUG\":\"\"")
        w.raw(",\"storageRetention\":"); w.string(services.status.storageRetention)
        w.raw("}")
        w.endSuccess()
        return w.bytes
    }

    func buildInfo() -> [UInt8] {
        let b = services.status.buildInfo
        var w = JSONWriter()
        w.beginSuccess()
        w.raw("{\"version\":"); w.string(b.version)
        w.raw(",\"revision\":"); w.string(b.revision)
        w.raw(",\"branch\":"); w.string(b.branch)
        w.raw(",\"buildUser\":"); w.string(b.buildUser)
        w.raw(",\"buildDate\":"); w.string(b.buildDate)
        w.raw(",\"goVersion\":"); w.string(b.goVersion)
        w.raw("}")
        w.endSuccess()
        return w.bytes
    }

    /// /api/v1/status/tsdb computed from the head's series (top 10 of each list, as Prometheus).
    func tsdbStatus() throws -> [UInt8] {
        let now = services.now()
        let q = try services.storage.querier(mint: APITime.minTime, maxt: APITime.maxTime)
        let all = try q.select(sorted: false, hints: nil, matchers: [try LabelMatcher(.regexMatch, LabelName.metricName, ".+")])
        var byName: [String: Int] = [:], valuesByLabel: [String: Set<String>] = [:]
        var memByLabel: [String: Int] = [:], byPair: [String: Int] = [:]
        var pairs = Set<String>()
        var minT = Int64.max, maxT = Int64.min
        for s in all {
            for l in s.labels.list {
                if l.name == LabelName.metricName { byName[l.value, default: 0] += 1 }
                valuesByLabel[l.name, default: []].insert(l.value)
                byPair["\(l.name)=\(l.value)", default: 0] += 1
                pairs.insert("\(l.name)=\(l.value)")
            }
            var it = s.iterator()
            if it.next() { minT = min(minT, it.at.t) }
            while it.next() {}
            if let last = (s as? MemorySeries)?.samples.last { maxT = max(maxT, last.t) } else { maxT = max(maxT, now) }
        }
        for (n, vs) in valuesByLabel { memByLabel[n] = vs.reduce(0) { $0 + $1.utf8.count } }
        func top(_ d: [String: Int]) -> [(String, Int)] {
            Array(d.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(10))
        }
        var w = JSONWriter()
        w.beginSuccess()
        w.raw("{\"headStats\":{\"numSeries\":"); w.int(Int64(all.count))
        w.raw(",\"numLabelPairs\":"); w.int(Int64(pairs.count))
        w.raw(",\"chunkCount\":0,\"minTime\":"); w.int(all.isEmpty ? 0 : minT)
        w.raw(",\"maxTime\":"); w.int(all.isEmpty ? 0 : maxT)
        w.raw("}")
        func list(_ key: StaticString, _ items: [(String, Int)]) {
            w.key(key)
            w.byte(UInt8(ascii: "["))
            for (i, (k, v)) in items.enumerated() {
                if i > 0 { w.byte(UInt8(ascii: ",")) }
                w.raw("{\"name\":"); w.string(k); w.raw(",\"value\":"); w.int(Int64(v)); w.byte(UInt8(ascii: "}"))
            }
            w.byte(UInt8(ascii: "]"))
        }
        list("seriesCountByMetricName", top(byName))
        list("labelValueCountByLabelName", top(valuesByLabel.mapValues(\.count)))
        list("memoryInBytesByLabelName", top(memByLabel))
        list("seriesCountByLabelValuePair", top(byPair))
        w.raw("}")
        w.endSuccess()
        return w.bytes
    }
}
