import Catalog
import Foundation

/// One file of a member's configuration.
public struct RenderedFile: Sendable, Equatable {
    /// File name inside the member's directory (`prometheus.yml`, `federator.yml`, `router.yml`).
    public var name: String
    public var contents: String
}

/// Everything one member needs to run: what it is and its config files.
public struct MemberConfig: Sendable, Equatable {
    public var member: MemberPlan
    public var files: [RenderedFile]

    public var name: String { member.name }
    public var role: MemberRole { member.role }
    public var address: String { member.address }
    public var dataDir: String { member.dataDir }

    public func file(_ name: String) -> String? { files.first { $0.name == name }?.contents }
}

/// Turns a topology into member configs.
///
/// - Shard replica: `prometheus.yml` whose every scrape job ends with `hashmod` of `shard_by` into
///   `__tmp_hash` and `keep` of its shard index, and `external_labels` {fleet, shard, replica}.
/// - Federator: a `prometheus.yml` with one `/federate` job per shard (targets: that shard's
///   replicas, `honor_labels`, the `match[]` selectors), and `federator.yml` listing the same
///   shards as replica groups for promfleet's replica-aware federator.
/// - Router: `router.yml` (groups of member URLs, mode, scrape interval per group).
/// Output is deterministic: same topology, same bytes.
public enum Renderer {
    /// Label names the fleet puts on every series of a member.
    public static let fleetLabel = "fleet", shardLabel = "shard", replicaLabel = "replica"
    /// The label hashmod writes (dropped after relabeling because it starts with `__`).
    public static let hashLabel = "__tmp_hash"

    public static func render(_ topology: Topology) throws -> [MemberConfig] {
        let members = topology.members()
        // Output order: shard replicas, federators, router (layout order puts the router first).
        let ordered = members.filter { $0.role == .replica } + members.filter { $0.role == .federator }
            + members.filter { $0.role == .router }
        return try ordered.map { m in
            switch m.role {
            case .replica:
                MemberConfig(member: m, files: [RenderedFile(name: "prometheus.yml",
                                                             contents: try shardPrometheusYAML(topology, m))])
            case .federator:
                MemberConfig(member: m, files: [
                    RenderedFile(name: "prometheus.yml", contents: try federatorPrometheusYAML(topology, m, members)),
                    RenderedFile(name: "federator.yml", contents: try federatorYAML(topology, m, members)),
                ])
            case .router:
                MemberConfig(member: m, files: [RenderedFile(name: "router.yml",
                                                             contents: try routerYAML(topology, m, members))])
            }
        }
    }

    /// Writes `<dir>/<member>/<file>` for every config; creates directories as needed.
    public static func write(_ configs: [MemberConfig], to dir: String) throws {
        let fm = FileManager.default
        for config in configs {
            let memberDir = URL(fileURLWithPath: dir).appendingPathComponent(config.name)
            try fm.createDirectory(at: memberDir, withIntermediateDirectories: true)
            for file in config.files {
                try Data(file.contents.utf8).write(to: memberDir.appendingPathComponent(file.name), options: .atomic)
            }
        }
    }

    static func header(_ topology: Topology, _ m: MemberPlan, _ what: String) -> String {
        "# Rendered by promfleet from topology \"\(topology.fleet)\" for member \(m.name) (\(what)).\n"
            + "# Do not edit: re-render with `promfleet render` instead.\n"
    }
}
