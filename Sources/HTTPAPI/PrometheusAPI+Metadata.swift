import Foundation
import Exposition
import Hummingbird
import MetricModel
import PromQL

// Metric metadata from scrapes, and the rules/alerting/exemplar endpoints of a server that has no
// rule manager, notifier or exemplar storage: Grafana and other clients call these and must get
// Prometheus's JSON shapes, not 404s.
extension PrometheusAPI {
    func registerMetadata(on v1: RouterGroup<APIRequestContext>) {
        v1.get("metadata") { req, _ in
            await Reply.api { Reply.json(try self.metricMetadata(FormParams(query: req.uri.query)), request: req) }
        }
        v1.get("targets/metadata") { req, _ in
            await Reply.api { Reply.json(try self.targetMetadata(FormParams(query: req.uri.query)), request: req) }
        }
        v1.get("scrape_pools") { req, _ in
            await Reply.api {
                var w = JSONWriter()
                w.raw("{\"status\":\"success\",\"data\":{\"scrapePools\":")
                w.stringArray(self.services.targets?.scrapePools() ?? [])
                w.raw("}}")
                return Reply.json(w.bytes, request: req)
            }
        }
        for method in [HTTPRequest.Method.get, .post] {
            v1.on("query_exemplars", method: method) { req, _ in
                var req = req
                return await Reply.api {
                    let p = try await req.formParams()
                    try self.checkExemplarParams(p)
                    return Reply.json(Array(#"{"status":"success","data":[]}"#.utf8), request: req)
                }
            }
        }
        v1.get("rules") { req, _ in
            await Reply.api {
                let typ = (FormParams(query: req.uri.query).first("type") ?? "").lowercased()
                if !["", "alert", "record"].contains(typ) {
                    throw APIError.badData("invalid parameter \"type\": not supported value \(goQuoted(typ))")
                }
                return Reply.json(self.rulesJSON(type: typ), request: req)
            }
        }
        v1.get("alerts") { req, _ in
            await Reply.api { Reply.json(self.alertsJSON(), request: req) }
        }
        v1.get("alertmanagers") { req, _ in
            await Reply.api {
                var w = JSONWriter()
                w.raw("{\"status\":\"success\",\"data\":{\"activeAlertmanagers\":[")
                for (i, url) in (self.services.rules?.alertmanagers() ?? []).enumerated() {
                    if i > 0 { w.byte(UInt8(ascii: ",")) }
                    w.raw("{\"url\":")
                    w.string(url)
                    w.byte(UInt8(ascii: "}"))
                }
                w.raw("],\"droppedAlertmanagers\":[]}}")
                return Reply.json(w.bytes, request: req)
            }
        }
    }

    /// `limit` as Prometheus reads it: -1 when absent.
    func limitParam(_ p: FormParams, _ name: String) throws(APIError) -> Int {
        guard let s = p.first(name), !s.isEmpty else { return -1 }
        guard let n = Int(s) else { throw APIError.badData("\(name) must be a number") }
        return n
    }

    /// /api/v1/metadata: metric name → the distinct metadata the targets expose for it.
    func metricMetadata(_ p: FormParams) throws(APIError) -> [UInt8] {
        let limit = try limitParam(p, "limit")
        let perMetric = try limitParam(p, "limit_per_metric")
        let metric = p.first("metric") ?? ""
        var byName: [String: Set<MetricMetadata>] = [:]
        for (_, list) in services.targets?.targetMetadata() ?? [] {
            for m in list where metric.isEmpty || m.metric == metric {
                byName[m.metric, default: []].insert(MetricMetadata(metric: m.metric, type: m.type, help: m.help, unit: m.unit))
            }
        }
        var names = byName.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        if limit >= 0 && names.count > limit { names = Array(names.prefix(limit)) }
        var w = JSONWriter(capacity: 256 + names.count * 96)
        w.raw("{\"status\":\"success\",\"data\":{")
        for (i, name) in names.enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.string(name)
            w.raw(":[")
            var list = byName[name]!.sorted { ($0.type, $0.help, $0.unit) < ($1.type, $1.help, $1.unit) }
            if perMetric > 0 && list.count > perMetric { list = Array(list.prefix(perMetric)) }
            for (j, m) in list.enumerated() {
                if j > 0 { w.byte(UInt8(ascii: ",")) }
                w.raw("{\"type\":"); w.string(m.type)
                w.raw(",\"help\":"); w.string(m.help)
                w.raw(",\"unit\":"); w.string(m.unit)
                w.byte(UInt8(ascii: "}"))
            }
            w.byte(UInt8(ascii: "]"))
        }
        w.raw("}}")
        return w.bytes
    }

    /// /api/v1/targets/metadata: per target (filtered by `match_target`), its metadata, or only
    /// the `metric` one (then without the "metric" field, as Prometheus).
    func targetMetadata(_ p: FormParams) throws(APIError) -> [UInt8] {
        let limit = try limitParam(p, "limit")
        var matchers: [LabelMatcher] = []
        if let mt = p.first("match_target"), !mt.isEmpty {
            do { matchers = try PromQL.Parser.parseMetricSelector(mt) } catch {
                throw APIError.badData("invalid parameter \"match_target\": \(error)")
            }
        }
        let metric = p.first("metric") ?? ""
        var w = JSONWriter(capacity: 1024)
        w.raw("{\"status\":\"success\",\"data\":[")
        var n = 0
        for (labels, list) in services.targets?.targetMetadata() ?? [] {
            if limit >= 0 && n >= limit { break }
            if !matchers.allSatisfy({ $0.matches(labels) }) { continue }
            for m in list where metric.isEmpty || m.metric == metric {
                if n > 0 { w.byte(UInt8(ascii: ",")) }
                n += 1
                w.raw("{\"target\":"); w.labels(labels)
                if metric.isEmpty { w.raw(",\"metric\":"); w.string(m.metric) }
                w.raw(",\"type\":"); w.string(m.type)
                w.raw(",\"help\":"); w.string(m.help)
                w.raw(",\"unit\":"); w.string(m.unit)
                w.byte(UInt8(ascii: "}"))
            }
        }
        w.raw("]}")
        return w.bytes
    }

    /// query_exemplars validates its parameters as Prometheus does; there is no exemplar storage,
    /// so a valid request answers an empty list (as Prometheus without exemplar storage).
    func checkExemplarParams(_ p: FormParams) throws {
        _ = try timeRange(p)
        guard let engine = services.engine else { return }
        _ = try parseQuery(p.first("query") ?? "", engine: engine)
    }
}

extension PrometheusAPI {
    /// /api/v1/rules as Prometheus's API writes it (field order of its Go structs).
    func rulesJSON(type typ: String) -> [UInt8] {
        var w = JSONWriter(capacity: 2048)
        w.raw("{\"status\":\"success\",\"data\":{\"groups\":[")
        var firstGroup = true
        for g in services.rules?.ruleGroups() ?? [] {
            let rules = g.rules.filter { typ.isEmpty || ($0.isAlerting == (typ == "alert")) }
            if !typ.isEmpty && rules.isEmpty { continue }
            if !firstGroup { w.byte(UInt8(ascii: ",")) }
            firstGroup = false
            w.raw("{\"name\":"); w.string(g.name)
            w.raw(",\"file\":"); w.string(g.file)
            w.raw(",\"rules\":[")
            for (i, r) in rules.enumerated() {
                if i > 0 { w.byte(UInt8(ascii: ",")) }
                ruleJSON(r, &w)
            }
            w.raw("],\"interval\":"); w.number(g.interval)
            w.raw(",\"limit\":"); w.int(Int64(g.limit))
            w.raw(",\"evaluationTime\":"); w.number(g.evaluationTime)
            w.raw(",\"lastEvaluation\":"); w.string(evalTime(g.lastEvaluation))
            w.byte(UInt8(ascii: "}"))
        }
        w.raw("]}}")
        return w.bytes
    }

    func ruleJSON(_ r: RuleInfo, _ w: inout JSONWriter) {
        if r.isAlerting {
            w.raw("{\"state\":"); w.string(r.state)
            w.raw(",\"name\":"); w.string(r.name)
            w.raw(",\"query\":"); w.string(r.query)
            w.raw(",\"duration\":"); w.number(r.duration)
            w.raw(",\"keepFiringFor\":"); w.number(r.keepFiringFor)
            w.raw(",\"labels\":"); w.labels(r.labels)
            w.raw(",\"annotations\":"); pairsJSON(r.annotations, &w)
            w.raw(",\"alerts\":[")
            for (i, a) in r.alerts.enumerated() {
                if i > 0 { w.byte(UInt8(ascii: ",")) }
                alertJSON(a, &w)
            }
            w.byte(UInt8(ascii: "]"))
        } else {
            w.raw("{\"name\":"); w.string(r.name)
            w.raw(",\"query\":"); w.string(r.query)
            if !r.labels.isEmpty { w.raw(",\"labels\":"); w.labels(r.labels) }
        }
        w.raw(",\"health\":"); w.string(r.health)
        if !r.lastError.isEmpty { w.raw(",\"lastError\":"); w.string(r.lastError) }
        w.raw(",\"evaluationTime\":"); w.number(r.evaluationTime)
        w.raw(",\"lastEvaluation\":"); w.string(evalTime(r.lastEvaluation))
        w.raw(",\"type\":"); w.string(r.isAlerting ? "alerting" : "recording")
        w.byte(UInt8(ascii: "}"))
    }

    func alertJSON(_ a: AlertInfo, _ w: inout JSONWriter) {
        w.raw("{\"labels\":"); w.labels(a.labels)
        w.raw(",\"annotations\":"); pairsJSON(a.annotations, &w)
        w.raw(",\"state\":"); w.string(a.state)
        if let t = a.activeAt { w.raw(",\"activeAt\":"); w.string(APITime.rfc3339(t)) }
        if let t = a.keepFiringSince { w.raw(",\"keepFiringSince\":"); w.string(APITime.rfc3339(t)) }
        // strconv.FormatFloat(v, 'e', -1, 64): the shortest digits that round-trip
        var v = a.value.isNaN ? "NaN" : a.value.isInfinite ? (a.value > 0 ? "+Inf" : "-Inf") : ""
        if v.isEmpty {
            for p in 0...17 {
                v = String(format: "%.\(p)e", a.value)
                if Double(v) == a.value { break }
            }
        }
        w.raw(",\"value\":"); w.string(v)
        w.byte(UInt8(ascii: "}"))
    }

    /// /api/v1/alerts: the pending and firing alerts of every alerting rule.
    func alertsJSON() -> [UInt8] {
        var w = JSONWriter(capacity: 1024)
        w.raw("{\"status\":\"success\",\"data\":{\"alerts\":[")
        var first = true
        for g in services.rules?.ruleGroups() ?? [] {
            for r in g.rules where r.isAlerting {
                for a in r.alerts where a.state != "inactive" {
                    if !first { w.byte(UInt8(ascii: ",")) }
                    first = false
                    alertJSON(a, &w)
                }
            }
        }
        w.raw("]}}")
        return w.bytes
    }

    /// `{"name":"value",…}` of annotations (empty values kept).
    func pairsJSON(_ l: [Label], _ w: inout JSONWriter) {
        w.byte(UInt8(ascii: "{"))
        for (i, p) in l.enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.string(p.name)
            w.byte(UInt8(ascii: ":"))
            w.string(p.value)
        }
        w.byte(UInt8(ascii: "}"))
    }

    /// Go's zero time before the first evaluation.
    func evalTime(_ t: Timestamp?) -> String { t.map { APITime.rfc3339($0) } ?? "0001-01-01T00:00:00Z" }
}

/// Go's %q for the short values these endpoints echo.
func goQuoted(_ s: String) -> String {
    var w = JSONWriter()
    w.string(s)
    return String(decoding: w.bytes, as: UTF8.self)
}
