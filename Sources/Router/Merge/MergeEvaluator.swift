import HTTPAPI
import Logging
import MetricModel
import PromQL
import Remote
import TSDB

/// Merge mode: fetch each selector's raw samples from every routable member of every needed
/// group, drop the replica label, merge replicas gap-aware, evaluate the PromQL locally.
public struct MergeEvaluator: Sendable {
    let upstreams: Upstreams
    let engine: Engine

    public init(upstreams: Upstreams, engine: Engine) {
        self.upstreams = upstreams
        self.engine = engine
    }

    /// Parses a query as the replica's API does (`bad_data`, `invalid parameter "query": …`).
    public func parse(_ query: String) throws(APIError) -> Expr {
        do { return try engine.parse(query) } catch {
            throw APIError.badData("invalid parameter \"query\": \(error)")
        }
    }

    /// Evaluates an instant (`step == 0`, start == end) or range query.
    public func evaluate(query: String, start: Timestamp, end: Timestamp, step: Int64) async throws -> QueryResult {
        try await evaluate(try engine.parse(query), start: start, end: end, step: step)
    }

    /// Evaluates a parsed query; `timeout` (ms) shortens the engine's for this query.
    public func evaluate(_ expr: Expr, start: Timestamp, end: Timestamp, step: Int64, timeout: Int64? = nil) async throws -> QueryResult {
        if step > 0 {
            if end < start { throw PromQLError.badData("end timestamp must not be before start time") }
            if expr.type != .vector && expr.type != .scalar {
                throw PromQLError.badData("invalid expression type \"\(expr.type.documentedName)\" for range query, must be Scalar or instant Vector")
            }
        }
        let cfg = upstreams.config
        let plan = SelectorPlan.plan(expr, start: start, end: end, step: step, lookbackMs: cfg.lookbackDeltaMs)
        let data = try await fetch(plan, config: cfg)
        return step > 0 ? try await engine.rangeQuery(data, expr: expr, start: start, end: end, step: step, timeout: timeout)
                        : try await engine.instantQuery(data, expr: expr, time: start, timeout: timeout)
    }

    /// Fetches and merges every planned selector.
    public func fetch(_ plan: SelectorPlan, config cfg: RouterConfig) async throws -> MergedQueryable {
        let groups = cfg.shardGroups.isEmpty ? cfg.groups : cfg.shardGroups
        let needed = groups.filter { ShardPruning.needed($0, fetches: plan.fetches.map(\.matchers)) }
        var byFetch: [Set<LabelMatcher>: [MemorySeries]] = [:]
        for f in plan.fetches {
            byFetch[Set(f.matchers)] = try await mergeFetch(f, groups: needed, cfg: cfg)
        }
        return MergedQueryable(byFetch: byFetch)
    }

    /// Fetches `f` from every routable member of each group and merges per series. Each group's
    /// series get its external labels (`ExternalLabels`); a group whose external labels the
    /// selector rejects is not asked.
    func mergeFetch(_ f: SelectorPlan.Fetch, groups: [GroupConfig], cfg: RouterConfig) async throws -> [MemorySeries] {
        let replicaLabel: Set<String> = [cfg.replicaLabel]
        let asked: [(GroupConfig, SelectorPlan.Fetch, Labels)] = groups.compactMap { g in
            let ext = g.externalLabels.dropping(replicaLabel)
            guard let ms = ExternalLabels.rewrite(f.matchers, ext: ext) else { return nil }
            var gf = f
            gf.matchers = ms
            return (g, gf, ext)
        }
        let results = try await withThrowingTaskGroup(of: [(Labels, SeriesMerge.Input)].self) { tg in
            for (g, gf, ext) in asked {
                tg.addTask { try await self.fetchFromGroup(g, gf, cfg, dropping: replicaLabel, external: ext) }
            }
            var all: [(Labels, SeriesMerge.Input)] = []
            for try await r in tg { all.append(contentsOf: r) }
            return all
        }
        var bySeries: [Labels: [SeriesMerge.Input]] = [:]
        // With external labels added (or a series' own label kept), the original matchers decide.
        for (l, input) in results where f.matchers.allSatisfy({ $0.matches(l) }) { bySeries[l, default: []].append(input) }
        return bySeries.map { l, inputs in
            MemorySeries(labels: l, samples: SeriesMerge.merge(inputs, gapFactor: cfg.gapFactor))
        }.sorted { $0.labels < $1.labels }
    }

    /// Every routable member of the group, in parallel; failing members are noted and skipped;
    /// the group fails when none answered.
    func fetchFromGroup(_ g: GroupConfig, _ f: SelectorPlan.Fetch, _ cfg: RouterConfig,
                        dropping replicaLabel: Set<String>, external ext: Labels) async throws -> [(Labels, SeriesMerge.Input)] {
        let members = upstreams.registry.routable(g.members)
        if members.isEmpty { throw MergeError.unavailable("no healthy member in group \(g.name)") }
        let selector = f.selectorText
        let range = f.maxt - f.mint + 1
        let timeout = Duration.milliseconds(cfg.queryTimeoutMs)
        let answers = await withTaskGroup(of: (MemberConfig, Result<[RawSeries], RemoteError>).self) { tg in
            for m in members {
                tg.addTask {
                    let start = ContinuousClock.now
                    do {
                        let r = try await upstreams.client.rawSeries(m.url, selector: selector, rangeMs: range, time: f.maxt, timeout: timeout)
                        upstreams.registry.observe(m.name, seconds: elapsed(start), outcome: .success)
                        return (m, .success(r))
                    } catch {
                        let e = error as? RemoteError ?? .connection("\(error)")
                        upstreams.registry.observe(m.name, seconds: elapsed(start), outcome: outcome(e))
                        return (m, .failure(e))
                    }
                }
            }
            var out: [(MemberConfig, Result<[RawSeries], RemoteError>)] = []
            for await a in tg { out.append(a) }
            return out
        }
        var out: [(Labels, SeriesMerge.Input)] = []
        var ok = 0
        var failures: [String] = []
        // Stable order (config order) so the merge's tie-break is deterministic.
        for m in g.members {
            guard let (_, r) = answers.first(where: { $0.0.name == m.name }) else { continue }
            switch r {
            case .success(let series):
                ok += 1
                upstreams.note(m, ok: true)
                for s in series {
                    out.append((ExternalLabels.apply(ext, to: s.labels.dropping(replicaLabel)), SeriesMerge.Input(samples: s.samples, intervalMs: g.scrapeIntervalMs)))
                }
            case .failure(let e):
                if case let .clientError(_, type, msg) = e { throw MergeError.upstream(type, msg) }
                upstreams.note(m, ok: false, reason: e.description)
                failures.append("\(m.name): \(e)")
            }
        }
        if ok == 0 { throw MergeError.unavailable("every member of group \(g.name) failed: " + failures.joined(separator: "; ")) }
        return out
    }
}

/// Merge-mode failures that are not PromQL errors.
public enum MergeError: Error, Equatable, CustomStringConvertible {
    /// No member of some group answered.
    case unavailable(String)
    /// A member refused the selector query (errorType, message).
    case upstream(String, String)

    public var description: String {
        switch self {
        case .unavailable(let s): return s
        case .upstream(_, let s): return s
        }
    }
}
