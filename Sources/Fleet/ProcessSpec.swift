import Catalog

/// One process the controller runs: a fleet member or the built-in exporter.
public struct ProcessSpec: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A member recorded in the catalog.
        case member(MemberRole)
        /// The topology's `exporter:` targets (not a catalog member).
        case exporter
    }

    /// Member name (`shard-0-a`) or `exporter`.
    public var name: String
    public var kind: Kind
    /// Arguments after the executable (`replica --config.file …`).
    public var arguments: [String]
    /// `host:port` probed for readiness.
    public var address: String
    /// Readiness path: `/-/ready` for members, `/metrics` for the exporter.
    public var readyPath: String
    /// The member's directory (configs, `member.log`, `data/`).
    public var directory: String
    /// Whether the process reloads its config on `POST /-/reload`.
    public var reloadable: Bool

    public var isCatalogMember: Bool { if case .member = kind { true } else { false } }
    public var roleName: String {
        switch kind {
        case .member(let role): role.rawValue
        case .exporter: "exporter"
        }
    }

    public var logFile: String { directory + "/member.log" }
    public var url: String { "http://\(address)" }
}

/// Builds the command line of every process of a fleet from its rendered configs.
///
/// - shard replica: `replica --config.file <dir>/prometheus.yml --storage.tsdb.path <dir>/data
///   --web.listen-address <addr> --web.enable-lifecycle`
/// - federator: `federator --config.file <dir>/federator.yml …` when the executable has a
///   `federator` subcommand, else `replica` on the rendered federation prometheus.yml
///   (honor_labels /federate jobs)
/// - router: `router --config <dir>/router.yml --web.listen-address <addr>` when there is a
///   `router` subcommand, else not run (`skipped` says why)
/// - exporter: `exporter --targets K --series S --listen-address host:base_port`
public struct ProcessPlanner: Sendable {
    /// Subcommands the executable has (`replica`, `exporter`, `federator`, `router`, …).
    public var subcommands: Set<String>

    public init(subcommands: Set<String>) { self.subcommands = subcommands }

    /// The subcommand names listed under `SUBCOMMANDS:` in a promfleet `--help` text
    /// (ArgumentParser's layout: two spaces, name, abstract; continuation lines indented further).
    public static func subcommands(fromHelp help: String) -> Set<String> {
        var names: Set<String> = []
        var inSection = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("SUBCOMMANDS:") {
                inSection = true
                continue
            }
            guard inSection else { continue }
            if !line.isEmpty && !line.hasPrefix(" ") { break }
            if line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first,
               name.first?.isLowercase == true {
                names.insert(String(name))
            }
        }
        return names
    }

    public struct Plan: Sendable, Equatable {
        public var processes: [ProcessSpec]
        /// Members not run, with the reason.
        public var skipped: [(name: String, reason: String)]

        public static func == (a: Plan, b: Plan) -> Bool {
            a.processes == b.processes && a.skipped.map(\.name) == b.skipped.map(\.name)
                && a.skipped.map(\.reason) == b.skipped.map(\.reason)
        }
    }

    /// Processes in start order: exporter, shard replicas, federators, router.
    public func plan(_ topology: Topology, _ configs: [MemberConfig]) -> Plan {
        var out: [ProcessSpec] = []
        var skipped: [(String, String)] = []
        if let exporter = topology.exporter, subcommands.contains("exporter") {
            out.append(ProcessSpec(
                name: "exporter", kind: .exporter,
                arguments: ["exporter", "--targets", String(exporter.count), "--series", String(exporter.seriesPerTarget),
                            "--listen-address", "\(topology.ports.host):\(exporter.basePort)"],
                address: "\(topology.ports.host):\(exporter.basePort)", readyPath: "/metrics",
                directory: topology.dataDir + "/exporter", reloadable: false))
        } else if topology.exporter != nil {
            skipped.append(("exporter", "this promfleet has no `exporter` subcommand"))
        }
        for role in [MemberRole.replica, .federator, .router] {
            for c in configs where c.role == role {
                let dir = c.dataDir
                let server = ["--storage.tsdb.path", dir + "/data", "--web.listen-address", c.address,
                              "--web.enable-lifecycle"]
                var args: [String]
                switch role {
                case .replica:
                    guard subcommands.contains("replica") else {
                        skipped.append((c.name, "this promfleet has no `replica` subcommand"))
                        continue
                    }
                    args = ["replica", "--config.file", dir + "/prometheus.yml"] + server
                case .federator:
                    if subcommands.contains("federator") {
                        args = ["federator", "--config.file", dir + "/federator.yml"] + server
                    } else if subcommands.contains("replica") {
                        args = ["replica", "--config.file", dir + "/prometheus.yml"] + server
                    } else {
                        skipped.append((c.name, "this promfleet has neither `federator` nor `replica`"))
                        continue
                    }
                case .router:
                    guard subcommands.contains("router") else {
                        skipped.append((c.name, "this promfleet has no `router` subcommand yet"))
                        continue
                    }
                    args = ["router", "--config", dir + "/router.yml", "--web.listen-address", c.address]
                }
                out.append(ProcessSpec(name: c.name, kind: .member(role), arguments: args, address: c.address,
                                       readyPath: "/-/ready", directory: dir, reloadable: role != .router))
            }
        }
        return Plan(processes: out, skipped: skipped)
    }
}
