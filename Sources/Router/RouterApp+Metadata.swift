import HTTPAPI
import Hummingbird
import MetricModel
import NIOCore
import Remote

extension RouterApp {
    enum MetadataKind: Sendable { case series, labelNames, labelValues(String) }

    /// series / labels / label values. With one query group in failover mode: forwarded. Else
    /// (merge mode, or several groups) each group is asked (one member each, with failover), its
    /// answer gets the group's external labels like merge-mode series (`ExternalLabels`), and the
    /// answers are unioned. `match[]` selectors are rewritten per group as merge mode does; a group
    /// none of whose selectors can match is not asked.
    func metadata(_ req: Request, kind: MetadataKind) async -> Response {
        let (path, headers, body) = await upstreamRequest(req)
        let cfg = upstreams.config
        let groups = cfg.queryGroups
        if groups.count == 1 && cfg.mode == .failover {
            return await upstreams.forward(groups[0], key: path, method: req.method == .post ? .POST : .GET,
                                           pathAndQuery: path, headers: headers, body: body)
        }
        let p = params(req, body)
        let replicaLabel: Set<String> = [cfg.replicaLabel]
        do {
            let matchSets = try SelectorParser.parseAll(p.all("match[]"))
            if case .series = kind, matchSets.isEmpty { throw APIError.badData("no match[] parameter provided") }
            let others = p.pairs.filter { $0.0 != "match[]" }
            // Fan-out: always GET with the form parameters in the URL.
            func getPath(_ sets: [[LabelMatcher]]) -> String {
                let pairs = others + sets.map { ("match[]", ExternalLabels.selectorText($0)) }
                return req.uri.path + (pairs.isEmpty ? "" : "?" + pairs.map { FormEncoding.escape($0.0) + "=" + FormEncoding.escape($0.1) }.joined(separator: "&"))
            }
            var asks: [(GroupConfig, Labels, String)] = []
            for g in groups {
                let ext = g.externalLabels.dropping(replicaLabel)
                let sets = matchSets.compactMap { ExternalLabels.rewrite($0, ext: ext) }
                if !matchSets.isEmpty && sets.isEmpty { continue }
                asks.append((g, ext, getPath(sets)))
            }
            let answers = try await withThrowingTaskGroup(of: (Labels, Answer, Bool).self) { tg in
                for (g, ext, gp) in asks {
                    tg.addTask {
                        let data = Answer(try PromJSON.data(try await self.upstreams.fetch(g, key: gp, pathAndQuery: gp)))
                        // Label values of an external label: the group contributes its value when it
                        // holds any (matching) series, i.e. when its label names are not empty.
                        var holdsSeries = false
                        if case .labelValues(let name) = kind, ext.has(name) {
                            let lp = getPath(matchSets.compactMap { ExternalLabels.rewrite($0, ext: ext) })
                                .replacingPath(with: "/api/v1/labels", from: req.uri.path)
                            holdsSeries = !(((try PromJSON.data(try await self.upstreams.fetch(g, key: lp, pathAndQuery: lp))) as? [String]) ?? []).isEmpty
                        }
                        return (ext, data, holdsSeries)
                    }
                }
                var out: [(Labels, Answer, Bool)] = []
                for try await a in tg { out.append(a) }
                return out
            }
            switch kind {
            case .labelNames, .labelValues:
                var set = Set<String>()
                for (ext, data, holdsSeries) in answers {
                    let list = data.strings
                    for s in list { set.insert(s) }
                    switch kind {
                    case .labelNames where !list.isEmpty: for n in ext.names { set.insert(n) }
                    case .labelValues(let name) where holdsSeries: set.insert(ext.get(name))
                    default: break
                    }
                }
                if case .labelNames = kind { set.remove(cfg.replicaLabel) }
                var w = JSONWriter(capacity: 256)
                w.beginSuccess(); w.stringArray(set.sorted()); w.endSuccess()
                return jsonResponse(w.bytes)
            case .series:
                var set = Set<Labels>()
                for (ext, data, _) in answers {
                    for d in data.labelSets {
                        let l = ExternalLabels.apply(ext, to: Labels(d).dropping(replicaLabel))
                        if matchSets.contains(where: { ms in ms.allSatisfy { $0.matches(l) } }) { set.insert(l) }
                    }
                }
                var w = JSONWriter(capacity: 256)
                w.beginSuccess()
                w.byte(UInt8(ascii: "["))
                for (i, l) in set.sorted().enumerated() {
                    if i > 0 { w.byte(UInt8(ascii: ",")) }
                    w.labels(l)
                }
                w.byte(UInt8(ascii: "]"))
                w.endSuccess()
                return jsonResponse(w.bytes)
            }
        } catch {
            return Self.apiError(for: error)
        }
    }
}

/// A metadata endpoint's `data`: a string list (labels, label values) or label sets (series).
struct Answer: Sendable {
    var strings: [String] = []
    var labelSets: [[String: String]] = []
    init(_ data: Any) {
        if let a = data as? [String] { strings = a }
        if let a = data as? [[String: String]] { labelSets = a }
    }
}

extension String {
    /// This path-and-query with its path `old` replaced by `new`.
    fileprivate func replacingPath(with new: String, from old: String) -> String {
        hasPrefix(old) ? new + dropFirst(old.count) : self
    }
}
