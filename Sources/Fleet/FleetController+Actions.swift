import Catalog
import Dispatch
import Foundation
import MetricModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension FleetController {
    /// Carries out what a member's state machine asked for. `quiet` skips the event line (the
    /// initial start, which the member table shows).
    func perform(_ name: String, _ actions: [SupervisorAction], now: Timestamp, quiet: Bool = false) {
        guard let spec = specs[name] ?? retiredSpecs[name] else { return }
        for action in actions {
            switch action {
            case .spawn:
                do {
                    let pid = try ChildProcess.spawn(executable: options.executable, arguments: spec.arguments,
                                                     logFile: spec.logFile)
                    pids[name] = pid
                    writeMemberPid(spec, pid)
                } catch {
                    options.output("\(Self.clock()) \(name): cannot start: \(error)")
                    perform(name, machines[name]?.spawnFailed("cannot start: \(error)", now: now) ?? [], now: now)
                }
            case .terminate:
                if let pid = pids[name] { ChildProcess.signal(pid, SIGTERM) }
            case .kill:
                if let pid = pids[name] {
                    options.output("\(Self.clock()) \(name): did not stop within \(options.stopGraceMs / 1000)s, SIGKILL")
                    ChildProcess.signal(pid, SIGKILL)
                }
            case .setState(let state, let detail):
                record(spec, state: state, detail: detail, now: now)
                if !quiet && state != .starting {
                    let kind = state == .up ? "member_up" : state == .down ? "member_down" : state.rawValue
                    line(kind, name, detail)
                }
            case .event(let kind, let detail):
                do {
                    try catalog.recordEvent(NewEvent(fleet: topology.fleet, ts: now, kind: kind,
                                                     member: spec.isCatalogMember ? name : nil,
                                                     detail: spec.isCatalogMember ? detail : "\(name): \(detail)"))
                } catch {
                    options.output("warning: recording event of \(name): \(error)")
                }
                line(kind.rawValue, name, detail + (pids[name].map { " (pid \($0))" } ?? ""))
            }
        }
    }

    func line(_ kind: String, _ name: String, _ detail: String) {
        options.output("\(Self.clock()) \(kind.padding(toLength: 16, withPad: " ", startingAt: 0)) "
                       + "\(name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(detail)")
    }

    /// Member state in the catalog; the exporter (not a member) gets fleet-wide events instead.
    func record(_ spec: ProcessSpec, state: MemberState, detail: String, now: Timestamp) {
        do {
            if spec.isCatalogMember {
                // A retired member keeps the `stopped` the topology change gave it.
                guard specs[spec.name] != nil || state == .stopped else { return }
                try catalog.setMemberState(fleet: topology.fleet, member: spec.name, state: state, at: now,
                                           detail: detail)
            } else if state == .up || state == .down {
                try catalog.recordEvent(NewEvent(fleet: topology.fleet, ts: now, kind: state == .up ? .memberUp : .memberDown,
                                                 detail: "\(spec.name): \(detail)"))
            }
        } catch {
            options.output("warning: recording state of \(spec.name): \(error)")
        }
    }

    /// NAME ROLE SHARD REPLICA URL PID, one row per process, plus members not run.
    func memberTable() -> String {
        var rows = [["NAME", "ROLE", "SHARD", "REPLICA", "URL", "PID"]]
        let byName = Dictionary(configs.map { ($0.name, $0.member) }, uniquingKeysWith: { a, _ in a })
        for p in plan.processes {
            let m = byName[p.name]
            var url = p.url
            if p.kind == .exporter, let e = topology.exporter, e.count > 1 {
                url += " … :\(e.basePort + e.count - 1)"
            }
            rows.append([p.name, p.roleName, m?.shardIndex.map(String.init) ?? "-", m?.replica ?? "-", url,
                         pids[p.name].map { String($0) } ?? "-"])
        }
        for s in plan.skipped {
            let m = byName[s.name]
            rows.append([s.name, m?.role.rawValue ?? "-", "-", m?.replica ?? "-", m?.url ?? "-", "not run"])
        }
        let widths = rows[0].indices.map { i in rows.map { $0[i].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { i, c in i == row.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
            + "\nfleet \(topology.fleet): \(plan.processes.count) process(es), catalog \(topology.catalogPath), "
            + "logs <member dir>/member.log; Ctrl-C stops the fleet"
    }

    /// Readiness probes of every running process, off the cooperative pool.
    func startProbes(group: inout TaskGroup<Void>) {
        guard let continuation else { return }
        for (name, pid) in pids where !probing.contains(name) {
            guard let spec = specs[name] else { continue }
            probing.insert(name)
            let address = spec.address, path = spec.readyPath
            group.addTask {
                let (ok, detail) = await blocking {
                    do {
                        let r = try HTTPClient.request(address: address, path: path, timeoutMs: 1500)
                        return (r.status == 200, "\(path) answered \(r.status)")
                    } catch {
                        return (false, "\(error)")
                    }
                }
                continuation.yield(.probed(name: name, pid: pid, ok: ok, detail: detail))
            }
        }
    }

    /// Usage of every member that is up: its /metrics, /api/v1/targets and data dir size.
    func startUsage(group: inout TaskGroup<Void>) {
        guard let continuation else { return }
        for (name, m) in machines {
            guard case .up = m.phase, let spec = specs[name], spec.isCatalogMember else { continue }
            let address = spec.address, dataDir = spec.directory + "/data"
            group.addTask {
                let (metrics, targets, disk) = await blocking {
                    let metrics = try? HTTPClient.request(address: address, path: "/metrics", timeoutMs: 3000)
                    let targets = try? HTTPClient.request(address: address, path: "/api/v1/targets?state=active",
                                                          timeoutMs: 3000)
                    return (metrics.flatMap { $0.status == 200 ? $0.text : nil },
                            targets.flatMap { $0.status == 200 ? $0.body : nil },
                            directorySize(dataDir))
                }
                continuation.yield(.usage(name: name, metrics: metrics, targets: targets, disk: disk))
            }
        }
    }
}

/// Runs blocking work (sockets, file walks) on a dispatch queue instead of a cooperative thread.
func blocking<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { c in
        DispatchQueue.global().async { c.resume(returning: work()) }
    }
}
