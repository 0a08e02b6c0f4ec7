import Config
import Foundation

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
    /// Ask sources for gzip (`Accept-Encoding: gzip`), as Prometheus's scraper does.
    public var compression = true
    public var sources: [ShardSource] = []
    public var yaml = ""

    public init() {}

    public static func load(file: String) throws -> FederatorConfig {
        let text: String
        do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
            throw FederatorError("open \(file): no such file or readable")
        }
        return try parse(text, file: file)
    }

    /// Parses federator.yml. Errors name the file and line (`federator.yml:7: sources[0]: …`);
    /// unknown fields are errors, as in prometheus.yml.
    public static func parse(_ text: String, file: String = "federator.yml") throws -> FederatorConfig {
        let root: YAMLTree
        do {
            guard let n = try YAMLTree.compose(text) else { throw FederatorError("\(file): empty file") }
            root = n
        } catch let e as YAMLTree.SyntaxError {
            throw FederatorError("\(file): \(e)")
        }
        let f = Fields(file: file)
        let m = try f.mapping(root, "top level", allowed: ["fleet", "replica", "listen_address", "scrape_interval", "scrape_timeout",
                                                             "replica_label", "match", "body_size_limit", "return_to_preferred_after",
                                                             "compression", "sources"])
        var c = FederatorConfig()
        c.yaml = text
        c.fleet = m["fleet"]?.scalar ?? ""
        c.replica = m["replica"]?.scalar ?? ""
        if let n = m["scrape_interval"] { c.scrapeIntervalMs = try f.duration(n, "scrape_interval") }
        c.scrapeTimeoutMs = c.scrapeIntervalMs
        if let n = m["scrape_timeout"] { c.scrapeTimeoutMs = try f.duration(n, "scrape_timeout") }
        if c.scrapeTimeoutMs > c.scrapeIntervalMs {
            throw f.error(m["scrape_timeout"] ?? root, "scrape timeout greater than scrape interval")
        }
        if let s = m["replica_label"]?.scalar, !s.isEmpty { c.replicaLabel = s }
        if let n = m["body_size_limit"] {
            do { c.bodySizeLimit = Int(try ByteSize(parsing: n.scalar ?? "").bytes) } catch { throw f.error(n, "body_size_limit: \(error)") }
        }
        if let n = m["return_to_preferred_after"] {
            guard let v = n.int, v >= 1 else { throw f.error(n, "return_to_preferred_after: want a positive integer") }
            c.returnAfter = v
        }
        if let n = m["compression"] {
            guard let b = n.bool else { throw f.error(n, "compression: want true or false") }
            c.compression = b
        }
        guard let match = m["match"]?.sequence, !match.isEmpty else {
            throw f.error(m["match"] ?? root, "match: at least one selector required")
        }
        c.match = try match.map { n in
            guard let s = n.scalar, !s.isEmpty else { throw f.error(n, "match: selectors are strings") }
            return s
        }
        guard let srcNode = m["sources"], let sources = srcNode.sequence, !sources.isEmpty else {
            throw f.error(m["sources"] ?? root, "sources: at least one shard required")
        }
        for (i, sn) in sources.enumerated() {
            let s = try f.mapping(sn, "sources[\(i)]", allowed: ["shard", "job_name", "replicas"])
            let shard = s["shard"]?.scalar ?? String(i)
            let job = s["job_name"]?.scalar ?? "federate-shard-\(shard)"
            guard let reps = s["replicas"]?.sequence, !reps.isEmpty else {
                throw f.error(s["replicas"] ?? sn, "sources[\(i)]: at least one replica required")
            }
            let replicas = try reps.enumerated().map { j, rn in
                let r = try f.mapping(rn, "sources[\(i)].replicas[\(j)]", allowed: ["name", "replica", "url"])
                guard let url = r["url"]?.scalar, url.hasPrefix("http://") || url.hasPrefix("https://") else {
                    throw f.error(r["url"] ?? rn, "sources[\(i)].replicas[\(j)]: url must be http(s)://host:port")
                }
                let base = url.hasSuffix("/") ? String(url.dropLast()) : url
                return ReplicaSource(name: r["name"]?.scalar ?? base, replica: r["replica"]?.scalar ?? String(j), url: base)
            }
            if c.sources.contains(where: { $0.jobName == job }) { throw f.error(sn, "sources: duplicate job_name \(job)") }
            c.sources.append(ShardSource(shard: shard, jobName: job, replicas: replicas))
        }
        return c
    }
}

/// Field access with file:line errors.
struct Fields {
    let file: String

    func error(_ n: YAMLTree, _ message: String) -> FederatorError {
        if let line = n.line { return FederatorError("\(file):\(line): \(message)") }
        return FederatorError("\(file): \(message)")
    }

    /// A mapping's values by key; a key not in `allowed` is an error naming it and its line.
    func mapping(_ n: YAMLTree, _ what: String, allowed: Set<String>) throws -> [String: YAMLTree] {
        guard let m = n.mapping else { throw error(n, "\(what): want a mapping") }
        var out: [String: YAMLTree] = [:]
        for (k, v) in m {
            guard let key = k.scalar else { throw error(k, "\(what): keys are strings") }
            guard allowed.contains(key) else { throw error(k, "\(what): field \(key) not found in type federator config") }
            if out[key] != nil { throw error(k, "\(what): field \(key) already set") }
            out[key] = v
        }
        return out
    }

    func duration(_ n: YAMLTree, _ field: String) throws -> Int64 {
        do { return try PromDuration(parsing: n.scalar ?? "").milliseconds } catch { throw self.error(n, "\(field): \(error)") }
    }
}

/// A federator startup or config error.
public struct FederatorError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}
