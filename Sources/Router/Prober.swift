import Logging
import Remote
import ServiceLifecycle

/// Active health checks: every probe interval, GET /-/ready on each member; a 200 is a
/// success, anything else (or no answer within the probe timeout) a failure.
public struct Prober: Service {
    let upstreams: Upstreams
    let logger: Logger

    public init(upstreams: Upstreams, logger: Logger) {
        self.upstreams = upstreams
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await probeAll()
            try? await Task.sleep(for: .milliseconds(upstreams.config.probeIntervalMs))
        }
    }

    /// One round of probes, all members in parallel.
    public func probeAll() async {
        let cfg = upstreams.config
        await withTaskGroup(of: Void.self) { g in
            for (_, m) in cfg.allMembers {
                g.addTask { await probe(m, timeoutMs: cfg.probeTimeoutMs) }
            }
        }
    }

    func probe(_ m: MemberConfig, timeoutMs: Int64) async {
        var ok = false
        var reason = ""
        do {
            let resp = try await upstreams.client.send(method: .GET, url: m.url + "/-/ready", timeout: .milliseconds(timeoutMs))
            _ = try? await resp.body.collect(upTo: 64 << 10)
            ok = resp.status.code == 200
            if !ok { reason = "probe: HTTP \(resp.status.code)" }
        } catch {
            reason = "probe: \(error)"
        }
        let action = upstreams.registry.record(m.name, ok: ok, source: .probe, reason: reason)
        if case let .transition(from, to) = action {
            logger.warning("member state changed", metadata: ["member": "\(m.name)", "from": "\(from)", "to": "\(to)", "reason": "\(reason)"])
        }
    }
}

/// Follows the catalog: re-reads the fleet's snapshot every few seconds and updates the groups.
public struct ConfigWatcher: Service {
    let upstreams: Upstreams
    let intervalMs: Int64
    let load: @Sendable () throws -> RouterConfig
    let logger: Logger

    public init(upstreams: Upstreams, intervalMs: Int64, logger: Logger, load: @escaping @Sendable () throws -> RouterConfig) {
        self.upstreams = upstreams
        self.intervalMs = intervalMs
        self.load = load
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: .milliseconds(intervalMs))
            do { upstreams.update(try load()) } catch {
                logger.error("reading the catalog failed; keeping the current groups", metadata: ["error": "\(error)"])
            }
        }
    }
}
