import Exposition
import Foundation
import MetricModel
import Scrape
import Synchronization

/// Per-shard pull state: the selector, counters per replica, the last source's URL.
final class ShardState: Sendable {
    let shard: ShardSource
    let federateURLs: [String]
    let selector: Mutex<SourceSelector>
    /// pulls per replica: (success, failure).
    let pulls: Mutex<[(Int, Int)]>

    init(shard: ShardSource, query: String, returnAfter: Int) {
        self.shard = shard
        federateURLs = shard.replicas.map { $0.url + "/federate?" + query }
        selector = Mutex(SourceSelector(count: shard.replicas.count, returnAfter: returnAfter))
        pulls = Mutex(Array(repeating: (0, 0), count: shard.replicas.count))
    }

    /// The replica the next pull tries first, and the one the last good pull came from.
    var snapshot: SourceSelector { selector.withLock { $0 } }
}

/// A `ScrapeFetcher` for shard targets: each fetch is one pull of the shard, from one replica,
/// failing over to the next replica of the shard on connection error, non-2xx, timeout or a
/// body that does not parse, within the scrape timeout. Targets are keyed by job name.
public final class FailoverFetcher: ScrapeFetcher {
    let http: HTTPFetcher
    let shards: [String: ShardState]
    let order: [String]
    let bodySizeLimit: Int

    public init(config: FederatorConfig, http: HTTPFetcher) {
        self.http = http
        let query = config.match.map { "match%5B%5D=" + Self.escape($0) }.joined(separator: "&")
        var d: [String: ShardState] = [:]
        for s in config.sources { d[s.jobName] = ShardState(shard: s, query: query, returnAfter: config.returnAfter) }
        shards = d
        order = config.sources.map(\.jobName)
        bodySizeLimit = config.bodySizeLimit
    }

    static func escape(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    public func fetch(_ target: ScrapeTarget) async throws -> ScrapeResponse {
        guard let st = shards[target.settings.jobName] else { throw ScrapeError("unknown shard \(target.settings.jobName)") }
        let deadline = SystemScrapeClock().now() + target.settings.timeoutMs
        var errors: [String] = []
        let candidates = st.selector.withLock { $0.order() }
        for (k, i) in candidates.enumerated() {
            let remaining = deadline - SystemScrapeClock().now()
            // AsyncHTTPClient retries a refused connection until the deadline, so an attempt that
            // is not the last gets an equal share of what is left, keeping time for the others.
            let share = remaining / Int64(candidates.count - k)
            if remaining <= 0 { errors.append("\(st.shard.replicas[i].name): context deadline exceeded"); break }
            var attempt = target
            attempt.url = st.federateURLs[i]
            attempt.settings.timeoutMs = share
            attempt.settings.bodySizeLimit = bodySizeLimit
            do {
                let resp: ScrapeResponse
                do { resp = try await http.fetch(attempt) } catch let e as ScrapeError where e.message == "body size limit exceeded" {
                    throw ScrapeError("body size limit exceeded (\(bodySizeLimit) bytes)")
                }
                try Self.validate(resp)
                st.selector.withLock { $0.succeeded(i) }
                st.pulls.withLock { $0[i].0 += 1 }
                return resp
            } catch {
                st.selector.withLock { $0.failed(i) }
                st.pulls.withLock { $0[i].1 += 1 }
                errors.append("\(st.shard.replicas[i].name): \(error)")
            }
        }
        throw ScrapeError("every replica of shard \(st.shard.shard) failed: " + errors.joined(separator: "; "))
    }

    /// Parses the whole body once, so that a truncated or garbled body fails over like any error.
    static func validate(_ resp: ScrapeResponse) throws {
        let format = ContentNegotiation.formatPrometheus2(contentType: resp.contentType)
        try resp.body.withUnsafeBytes { raw in
            if format == .openMetrics {
                var p = OpenMetricsParser(raw)
                while try p.next() != .eof {}
            } else {
                var p = PromParser(raw)
                while try p.next() != .eof {}
            }
        }
    }

    /// The federate URL the shard's last successful pull came from (its preferred one before any).
    func sourceURL(job: String) -> String? {
        guard let st = shards[job] else { return nil }
        let s = st.snapshot
        return st.federateURLs[s.lastSource ?? s.current]
    }
}
