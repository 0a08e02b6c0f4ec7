import Catalog
import Foundation
import MetricModel

extension FleetController {
    /// SIGHUP: a second `promfleet up` left a topology in `controller.request`. Re-render, record
    /// it in the catalog (the ownership history gets the handover time), start added processes,
    /// stop retired ones, restart those whose command line changed and `POST /-/reload` those
    /// whose config files changed. The reply goes to `controller.reply` once reloads answered.
    func reload(group: inout TaskGroup<Void>) {
        guard !stopping else { return }
        guard let request = files.readRequest() else {
            options.output("\(Self.clock()) SIGHUP without a request in \(files.requestFile); ignored")
            return
        }
        options.output("\(Self.clock()) applying \(request.topologyPath)")
        let now = Self.now()
        let new: Topology, newConfigs: [MemberConfig], newPlan: ProcessPlanner.Plan, result: ApplyResult
        do {
            new = try Topology.load(path: request.topologyPath)
            guard new.fleet == topology.fleet, new.dataDir == topology.dataDir else {
                throw ReloadRefused(reason: "this controller runs fleet \(topology.fleet) in \(topology.dataDir); "
                                    + "\(request.topologyPath) describes fleet \(new.fleet) in \(new.dataDir)")
            }
            newConfigs = try Renderer.render(new)
            newPlan = ProcessPlanner(subcommands: options.subcommands).plan(new, newConfigs)
            try Renderer.write(newConfigs, to: new.dataDir)
            result = try catalog.applyTopology(new.catalogSpec(), at: now)
        } catch {
            options.output("\(Self.clock()) refused \(request.topologyPath): \(error)")
            reply(ControllerFiles.Reply(id: request.id, ok: false, text: "\(error)"))
            return
        }
        let change = FleetChange.between(
            old: plan.processes, oldFiles: Dictionary(configs.map { ($0.name, $0.files) }, uniquingKeysWith: { a, _ in a }),
            new: newPlan.processes, newFiles: Dictionary(newConfigs.map { ($0.name, $0.files) }, uniquingKeysWith: { a, _ in a }))
        topology = new
        configs = newConfigs
        plan = newPlan

        for name in change.stop {
            retiredSpecs[name] = specs[name]
            specs[name] = nil
            if machines[name] != nil { perform(name, machines[name]!.stop(now: now), now: now) }
        }
        for p in newPlan.processes { specs[p.name] = p }
        for name in change.start {
            if machines[name] == nil || machines[name]!.isStopped {
                machines[name] = MemberSupervisor(name: name, policy: options.policy, stopGraceMs: options.stopGraceMs)
            }
            perform(name, machines[name]!.start(now: now), now: now)
        }
        for name in change.restart {
            perform(name, machines[name]!.restart(now: now), now: now)
        }
        var text = "fleet \(new.fleet): \(change.summary)"
        if let reshard = result.reshard {
            text += "\nshards \(reshard.from) -> \(reshard.to); ownership handed over at "
                + CapacityReport.date(now) + " (promfleet catalog ownership)"
        }
        for s in newPlan.skipped { text += "\nnot running \(s.name): \(s.reason)" }
        options.output("\(Self.clock()) \(text.replacingOccurrences(of: "\n", with: "\n  "))")
        pendingReply = (request.id, text, Set(change.reload), [])
        startReloads(change.reload, group: &group)
        if change.reload.isEmpty { finishReply() }
    }

    func startReloads(_ names: [String], group: inout TaskGroup<Void>) {
        guard let continuation else { return }
        for name in names {
            guard let spec = specs[name] else { continue }
            let address = spec.address
            group.addTask {
                let (ok, detail) = await blocking {
                    do {
                        let r = try HTTPClient.request("POST", address: address, path: "/-/reload", timeoutMs: 10_000)
                        return (r.status / 100 == 2, "POST /-/reload answered \(r.status)"
                                + (r.status / 100 == 2 ? "" : ": " + r.text.prefix(200)))
                    } catch {
                        return (false, "POST /-/reload: \(error)")
                    }
                }
                continuation.yield(.reloaded(name: name, ok: ok, detail: detail))
            }
        }
    }

    /// A member answered its reload; one that failed is restarted on its new config instead.
    func reloadFinished(_ name: String, ok: Bool, detail: String, now: Timestamp) {
        if ok {
            do {
                try catalog.recordEvent(NewEvent(fleet: topology.fleet, ts: now, kind: .reload, member: name,
                                                 detail: "config reloaded"))
            } catch {
                options.output("warning: recording reload of \(name): \(error)")
            }
            line("reload", name, detail)
        } else if machines[name] != nil {
            line("reload_failed", name, detail + "; restarting")
            perform(name, machines[name]!.restart(now: now), now: now)
        }
        guard var pending = pendingReply else { return }
        pending.waiting.remove(name)
        if !ok { pending.failed.append(name) }
        pendingReply = pending
        if pending.waiting.isEmpty { finishReply() }
    }

    func finishReply() {
        guard let pending = pendingReply else { return }
        pendingReply = nil
        var text = pending.text
        if !pending.failed.isEmpty {
            text += "\nreload failed (restarted instead): \(pending.failed.sorted().joined(separator: ", "))"
        }
        reply(ControllerFiles.Reply(id: pending.id, ok: true, text: text))
    }

    func reply(_ r: ControllerFiles.Reply) {
        do { try files.writeReply(r) } catch { options.output("warning: cannot write \(files.replyFile): \(error)") }
    }
}

struct ReloadRefused: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
