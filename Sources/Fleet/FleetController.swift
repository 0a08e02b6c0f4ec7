import Catalog
import Dispatch
import Foundation
import MetricModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The local fleet controller behind `promfleet up`: renders the topology's configs, records it
/// in the catalog, runs every member as a child process and supervises them (restart with
/// back-off, readiness probes, usage gathering), applies a changed topology on SIGHUP and stops
/// everything on SIGINT/SIGTERM.
///
/// All state lives in one task: `run()` consumes one stream of inputs (ticks, signals, probe
/// and usage results) and hands each member's part to its `MemberSupervisor`, a pure state
/// machine; this class only performs the actions those return. Not `Sendable`: use it from the
/// task that calls `run()`.
public final class FleetController {
    public struct Options: Sendable {
        /// The promfleet executable members run (`ChildProcess.currentExecutable()`).
        public var executable: String
        /// Subcommands that executable has (decides how federators and the router run).
        public var subcommands: Set<String>
        public var tickMs: Int64 = 250
        public var probeIntervalMs: Int64 = 2000
        public var usageIntervalMs: Int64 = 15_000
        public var policy = BackoffPolicy()
        public var stopGraceMs: Int64 = 10_000
        /// Where the member table and event lines go.
        public var output: @Sendable (String) -> Void = { print($0) }

        public init(executable: String, subcommands: Set<String>) {
            self.executable = executable
            self.subcommands = subcommands
        }
    }

    enum Input: Sendable {
        case tick
        case signal(Int32)
        case probed(name: String, pid: pid_t, ok: Bool, detail: String)
        case usage(name: String, metrics: String?, targets: [UInt8]?, disk: Int64?)
        case reloaded(name: String, ok: Bool, detail: String)
    }

    let options: Options
    var topology: Topology
    var configs: [MemberConfig]
    var plan: ProcessPlanner.Plan
    var specs: [String: ProcessSpec] = [:]
    /// Processes a topology change removed, until they have stopped.
    var retiredSpecs: [String: ProcessSpec] = [:]
    var machines: [String: MemberSupervisor] = [:]
    var pids: [String: pid_t] = [:]
    var probing: Set<String> = []
    var tracker = UsageTracker()
    let catalog: Catalog
    let files: ControllerFiles
    var stopping = false
    var lastProbe: Timestamp = 0
    var lastUsage: Timestamp = 0
    /// A reply to a second `up` waiting for the reloads it triggered.
    var pendingReply: (id: String, text: String, waiting: Set<String>, failed: [String])?
    var continuation: AsyncStream<Input>.Continuation?

    /// Renders `topology`, writes the configs under its data dir and records it in the catalog.
    public init(topology: Topology, options: Options) throws {
        self.options = options
        self.topology = topology
        files = ControllerFiles(dataDir: topology.dataDir)
        configs = try Renderer.render(topology)
        plan = ProcessPlanner(subcommands: options.subcommands).plan(topology, configs)
        try FileManager.default.createDirectory(atPath: topology.dataDir, withIntermediateDirectories: true)
        try Renderer.write(configs, to: topology.dataDir)
        catalog = try Catalog(path: topology.catalogPath)
        try catalog.applyTopology(topology.catalogSpec(), at: Self.now())
        for p in plan.processes { specs[p.name] = p }
    }

    static func now() -> Timestamp { Timestamp(Date().timeIntervalSince1970 * 1000) }

    /// Runs the fleet until SIGINT/SIGTERM has stopped every member. Returns the exit code (0).
    public func run() async -> Int32 {
        do { try files.writePid() } catch { options.output("warning: cannot write \(files.pidFile): \(error)") }
        defer { files.removePid() }
        // Event lines may go to a pipe that closes; the fleet keeps running.
        signal(SIGPIPE, SIG_IGN)
        let (stream, continuation) = AsyncStream<Input>.makeStream()
        self.continuation = continuation
        let sources = [SIGINT, SIGTERM, SIGHUP].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { continuation.yield(.signal(sig)) }
            source.resume()
            return source
        }
        defer { for s in sources { s.cancel() } }

        stopStaleMembers()
        for note in plan.skipped { options.output("note: not running \(note.name): \(note.reason)") }
        let now = Self.now()
        for p in plan.processes {
            machines[p.name] = MemberSupervisor(name: p.name, policy: options.policy, stopGraceMs: options.stopGraceMs)
            perform(p.name, machines[p.name]!.start(now: now), now: now, quiet: true)
        }
        options.output(memberTable())

        let tickMs = options.tickMs
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: UInt64(tickMs) * 1_000_000)
                    continuation.yield(.tick)
                }
            }
            for await input in stream {
                handle(input, group: &group)
                if stopping && machines.values.allSatisfy({ !$0.isRunning }) { break }
            }
            group.cancelAll()
        }
        continuation.finish()
        options.output("\(Self.clock()) all members stopped")
        return 0
    }

    func handle(_ input: Input, group: inout TaskGroup<Void>) {
        let now = Self.now()
        switch input {
        case .tick:
            reapExited(now: now)
            for name in machines.keys.sorted() {
                perform(name, machines[name]!.tick(now: now), now: now)
            }
            if !stopping && now - lastProbe >= options.probeIntervalMs {
                lastProbe = now
                startProbes(group: &group)
            }
            if !stopping && now - lastUsage >= options.usageIntervalMs {
                lastUsage = now
                startUsage(group: &group)
            }
            // Retired members that have stopped are forgotten.
            for (name, m) in machines where m.isStopped && specs[name] == nil {
                machines[name] = nil
                retiredSpecs[name] = nil
            }
        case .signal(let sig) where sig == SIGHUP:
            reload(group: &group)
        case .signal(let sig):
            if stopping {
                options.output("\(Self.clock()) second signal \(sig): killing every member")
                for (_, pid) in pids { ChildProcess.signal(pid, SIGKILL) }
            } else {
                options.output("\(Self.clock()) signal \(sig): stopping every member (SIGTERM, SIGKILL after "
                               + "\(options.stopGraceMs / 1000)s)")
                stopAll(now: now)
            }
        case .probed(let name, let pid, let ok, let detail):
            probing.remove(name)
            // A result about a process that has since been replaced says nothing about the new one.
            guard pids[name] == pid, machines[name] != nil else { return }
            perform(name, machines[name]!.probed(ok: ok, now: now, detail: detail), now: now)
        case .usage(let name, let metrics, let targets, let disk):
            guard specs[name]?.isCatalogMember == true else { return }
            let o = tracker.observe(member: name, ts: now, metrics: metrics, targetsJSON: targets, diskBytes: disk)
            do { try catalog.recordUsage([o], fleet: topology.fleet) } catch {
                options.output("warning: recording usage of \(name): \(error)")
            }
        case .reloaded(let name, let ok, let detail):
            reloadFinished(name, ok: ok, detail: detail, now: now)
        }
    }

    func stopAll(now: Timestamp) {
        stopping = true
        // Stop in reverse start order: router, federators, replicas, exporter.
        let order = plan.processes.map(\.name).reversed() + machines.keys.filter { specs[$0] == nil }.sorted()
        for name in order where machines[name] != nil {
            perform(name, machines[name]!.stop(now: now), now: now)
        }
    }

    func reapExited(now: Timestamp) {
        for (name, pid) in pids.sorted(by: { $0.key < $1.key }) {
            guard let exit = ChildProcess.reap(pid) else { continue }
            pids[name] = nil
            tracker.forget(name)
            perform(name, machines[name]?.processExited(exit.description, now: now) ?? [], now: now)
        }
    }

    static func clock() -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "HH:mm:ss'Z'"
        return f.string(from: Date())
    }
}
