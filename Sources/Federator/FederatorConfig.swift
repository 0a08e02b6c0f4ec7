import Config
import Foundation
import Yams

/// One replica of a shard (federator.yml `sources[].replicas[]`).
public struct ReplicaSource: Sendable, Equatable {
    public var name: String
    public var replica: String
    /// Base URL, e.g. `http://127.0.0.1:29093` (the federator appends `/federate?match[]=…`).
    public var url: String
}

/// One shard: pulled from one healthy replica at a time.
public struct ShardSource: Sendable, Equatable {
    public var shard: String
    public var jobName: String
    public var replicas: [ReplicaSource]
}

/// federator.yml, as `promfleet up` renders it (format in docs/federator.md).
public struct FederatorConfig: Sendable, Equatable {
    public var fleet = ""
    public var replica = ""
    public var scrapeIntervalMs: Int64 = 60_000
    /// Budget of one pull, all failover attempts included (default: the interval).
    public var scrapeTimeoutMs: Int64 = 60_000
    public var replicaLabel = "replica"
    public var match: [String] = []
    /// Largest /federate body accepted (bytes, decompressed); 0: no limit.
    public var bodySizeLimit = 512 * 1024 * 1024
    /// Successful pulls from a fallback replica before trying the preferred one again.
    public var returnAfter = 10
    public var sources: [ShardSource] = []
    public var yaml = ""

    public init() {}

    public static func load(file: String) throws -> FederatorConfig {
        let text: String
        do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
            throw FederatorError("open \(file): no such file or readable")
        }
        return try parse(text)
    }

    public static func parse(_ text: String) throws -> FederatorConfig {
        guard let root = try Yams.load(yaml: text) as? [String: Any] else { throw FederatorError("federator.yml: not a mapping") }
        var c = FederatorConfig()
        c.yaml = text
        c.fleet = string(root["fleet"]) ?? ""
        c.replica = string(root["replica"]) ?? ""
        if let s = string(root["scrape_interval"]) { c.scrapeIntervalMs = try duration(s, "scrape_interval") }
        c.scrapeTimeoutMs = c.scrapeIntervalMs
        if let s = string(root["scrape_timeout"]) { c.scrapeTimeoutMs = try duration(s, "scrape_timeout") }
        if c.scrapeTimeoutMs > c.scrapeIntervalMs {
            throw FederatorError("scrape timeout greater than scrape interval")
        }
        if let s = string(root["replica_label"]), !s.isEmpty { c.replicaLabel = s }
        if let s = string(root["body_size_limit"]) {
            do { c.bodySizeLimit = Int(try ByteSize(parsing: s).bytes) } catch { throw FederatorError("body_size_limit: \(error)") }
        }
        if let n = root["return_to_preferred_after"] as? Int { c.returnAfter = n }
        guard let match = root["match"] as? [Any], !match.isEmpty else { throw FederatorError("match: at least one selector required") }
        c.match = match.compactMap(string)
        guard let sources = root["sources"] as? [[String: Any]], !sources.isEmpty else { throw FederatorError("sources: at least one shard required") }
        for (i, s) in sources.enumerated() {
            let shard = string(s["shard"]) ?? String(i)
            let job = string(s["job_name"]) ?? "federate-shard-\(shard)"
            guard let reps = s["replicas"] as? [[String: Any]], !reps.isEmpty else {
                throw FederatorError("sources[\(i)]: at least one replica required")
            }
            let replicas = try reps.enumerated().map { j, r in
                guard let url = string(r["url"]), url.hasPrefix("http://") || url.hasPrefix("https://") else {
                    throw FederatorError("sources[\(i)].replicas[\(j)]: url must be http(s)://host:port")
                }
                let base = url.hasSuffix("/") ? String(url.dropLast()) : url
                return ReplicaSource(name: string(r["name"]) ?? base, replica: string(r["replica"]) ?? String(j), url: base)
            }
            if c.sources.contains(where: { $0.jobName == job }) { throw FederatorError("sources: duplicate job_name \(job)") }
            c.sources.append(ShardSource(shard: shard, jobName: job, replicas: replicas))
        }
        return c
    }

    static func string(_ v: Any?) -> String? {
        switch v {
        case let s as String: return s
        case let i as Int: return String(i)
        case let d as Double: return String(d)
        default: return nil
        }
    }

    static func duration(_ s: String, _ field: String) throws -> Int64 {
        do { return try PromDuration(parsing: s).milliseconds } catch { throw FederatorError("\(field): \(error)") }
    }
}

/// A federator startup or config error.
public struct FederatorError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}
