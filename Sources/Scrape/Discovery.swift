import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Where a pool's targets come from.
public enum DiscoverySource: Sendable {
    case staticGroups([TargetGroup])
    /// file_sd_configs: files (globs in the last element allowed), re-read when their mtime
    /// changes (polled every few seconds) and every refresh interval.
    case file(paths: [String], refreshMs: Int64)
    /// http_sd_configs: polled every refresh interval.
    case http(url: String, refreshMs: Int64)
}

/// A pool and its discovery sources.
public struct PoolDiscovery: Sendable {
    public var pool: PoolConfig
    public var sources: [DiscoverySource]
    public init(pool: PoolConfig, sources: [DiscoverySource]) {
        self.pool = pool
        self.sources = sources
    }
}

/// Runs the discovery sources of every pool, turns their target groups into targets and keeps the
/// `ScrapeManager` in sync. `apply` replaces the configuration (reload): providers of the old
/// one end at their next poll. Static groups take effect at once; changes from polled sources
/// are pushed within a second.
public final class DiscoveryManager: Service, Sendable {
    public typealias FileParser = @Sendable (_ path: String, _ bytes: [UInt8]) throws -> [TargetGroup]

    struct State {
        var generation = 0
        var pools: [PoolDiscovery] = []
        /// pool index → source index → groups
        var groups: [[[TargetGroup]]] = []
        var dirty = false
    }

    let scrape: ScrapeManager
    let client: HTTPClient?
    let clock: any ScrapeClock
    let logger: Logger
    let parseFile: FileParser
    let pollMs: Int64
    private let state = Mutex(State())
    private let gens: AsyncStream<Int>
    private let gensContinuation: AsyncStream<Int>.Continuation

    public init(scrape: ScrapeManager, http: HTTPFetcher?, clock: any ScrapeClock = SystemScrapeClock(),
                pollMs: Int64 = 2000, logger: Logger, parseFile: @escaping FileParser = DiscoveryManager.parseJSONGroups) {
        self.scrape = scrape
        self.client = http?.client
        self.clock = clock
        self.pollMs = pollMs
        self.logger = logger
        self.parseFile = parseFile
        (gens, gensContinuation) = AsyncStream.makeStream()
    }

    public func apply(_ pools: [PoolDiscovery]) {
        let gen: Int = state.withLock { st in
            st.generation += 1
            st.pools = pools
            st.groups = pools.map { p in
                p.sources.map { if case .staticGroups(let g) = $0 { return g } else { return [] } }
            }
            return st.generation
        }
        sync()
        gensContinuation.yield(gen)
    }

    /// Targets of every pool, populated now, pushed to the scrape manager.
    func sync() {
        let (pools, groups) = state.withLock { st in
            st.dirty = false
            return (st.pools, st.groups)
        }
        var out: [ScrapePool] = []
        for (pi, p) in pools.enumerated() {
            var targets: [ScrapeTarget] = []
            var dropped: [Labels] = []
            for g in groups[pi].joined() {
                for o in TargetPopulation.populate(g, pool: p.pool) {
                    switch o {
                    case .target(let t): targets.append(t)
                    case .dropped(let l): dropped.append(l)
                    case .invalid(let why):
                        logger.warning("invalid target", metadata: ["pool": "\(p.pool.settings.jobName)", "err": "\(why)"])
                    }
                }
            }
            out.append(ScrapePool(settings: p.pool.settings, targets: targets, dropped: dropped))
        }
        scrape.apply(out)
    }

    func update(gen: Int, pool: Int, source: Int, groups: [TargetGroup]) -> Bool {
        state.withLock { st in
            guard st.generation == gen else { return false }
            if st.groups[pool][source] != groups {
                st.groups[pool][source] = groups
                st.dirty = true
            }
            return true
        }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.pushLoop() }
                for await gen in self.gens {
                    let pools = self.state.withLock { $0.generation == gen ? $0.pools : [] }
                    for (pi, p) in pools.enumerated() {
                        for (si, src) in p.sources.enumerated() {
                            switch src {
                            case .staticGroups: break
                            case .file(let paths, let refresh):
                                group.addTask { await self.fileLoop(gen: gen, pool: pi, source: si, paths: paths, refreshMs: refresh) }
                            case .http(let url, let refresh):
                                group.addTask { await self.httpLoop(gen: gen, pool: pi, source: si, url: url, refreshMs: refresh) }
                            }
                        }
                    }
                }
                group.cancelAll()
            }
        }
    }

    func pushLoop() async {
        while true {
            do { try await clock.sleep(until: clock.now() + 1000) } catch { return }
            if state.withLock({ $0.dirty }) { sync() }
        }
    }

    func fileLoop(gen: Int, pool: Int, source: Int, paths: [String], refreshMs: Int64) async {
        var lastStamp: [String: Double] = [:]
        var lastRead: Int64 = .min
        while true {
            let files = paths.flatMap(Self.expandGlob)
            var stamps: [String: Double] = [:]
            for f in files {
                let attrs = try? FileManager.default.attributesOfItem(atPath: f)
                stamps[f] = (attrs?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
            }
            let now = clock.now()
            if stamps != lastStamp || now - lastRead >= refreshMs {
                var groups: [TargetGroup] = []
                for f in files.sorted() {
                    guard let data = FileManager.default.contents(atPath: f) else { continue }
                    do {
                        groups += try parseFile(f, Array(data)).map { g in
                            var g = g
                            g.labels["__meta_filepath"] = f
                            return g
                        }
                    } catch {
                        logger.error("error reading file_sd file", metadata: ["file": "\(f)", "err": "\(error)"])
                    }
                }
                if !update(gen: gen, pool: pool, source: source, groups: groups) { return }
                lastStamp = stamps
                lastRead = now
            }
            do { try await clock.sleep(until: clock.now() + min(pollMs, refreshMs)) } catch { return }
            if state.withLock({ $0.generation != gen }) { return }
        }
    }

    func httpLoop(gen: Int, pool: Int, source: Int, url: String, refreshMs: Int64) async {
        while true {
            if let client {
                do {
                    var req = HTTPClientRequest(url: url)
                    req.headers.add(name: "Accept", value: "application/json")
                    req.headers.add(name: "X-Prometheus-Refresh-Interval-Seconds", value: String(refreshMs / 1000))
                    let resp = try await client.execute(req, timeout: .seconds(30))
                    guard resp.status == .ok else { throw ScrapeError("server returned HTTP status \(resp.status.code) \(resp.status.reasonPhrase)") }
                    let body = try await resp.body.collect(upTo: 64 << 20)
                    let groups = try parseFile(url, Array(body.readableBytesView)).enumerated().map { i, g in
                        var g = g
                        g.source = "\(url):\(i)"
                        return g
                    }
                    if !update(gen: gen, pool: pool, source: source, groups: groups) { return }
                } catch {
                    logger.error("http_sd refresh failed", metadata: ["url": "\(url)", "err": "\(error)"])
                }
            }
            do { try await clock.sleep(until: clock.now() + refreshMs) } catch { return }
            if state.withLock({ $0.generation != gen }) { return }
        }
    }

    static func expandGlob(_ pattern: String) -> [String] {
        if !pattern.contains("*") && !pattern.contains("?") && !pattern.contains("[") { return [pattern] }
        var g = glob_t()
        defer { globfree(&g) }
        guard glob(pattern, 0, nil, &g) == 0 else { return [] }
        return (0..<Int(g.gl_pathc)).compactMap { g.gl_pathv[$0].map { String(cString: $0) } }
    }

    /// The file_sd / http_sd JSON format: `[{"targets": ["host:port", …], "labels": {…}}, …]`.
    public static let parseJSONGroups: FileParser = { path, bytes in
        guard let arr = try JSONSerialization.jsonObject(with: Data(bytes)) as? [Any] else {
            throw ScrapeError("\(path): expected a list of target groups")
        }
        return try arr.enumerated().map { i, el in
            guard let obj = el as? [String: Any], let ts = obj["targets"] as? [String] else {
                throw ScrapeError("\(path): group \(i): expected {\"targets\": [...], \"labels\": {...}}")
            }
            let labels = (obj["labels"] as? [String: String]) ?? [:]
            return TargetGroup(targets: ts.map { [LabelName.address: $0] }, labels: labels, source: "\(path):\(i)")
        }
    }
}

import MetricModel
