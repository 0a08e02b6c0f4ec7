import ArgumentParser
import Fleet

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Write every member's config for a topology, without starting anything.",
        discussion: """
            Writes DIR/<member>/prometheus.yml for shard replicas and federators (plus federator.yml), and \
            DIR/router/router.yml. Every prometheus.yml passes `promtool check config`.
            """
    )
    @Argument(help: "Topology file (see docs/topologies.md).") var topology: String
    @Option(help: "Output directory; one subdirectory per member.") var out: String

    func run() throws {
        let t = try Topology.load(path: topology)
        let configs = try Renderer.render(t)
        try Renderer.write(configs, to: out)
        let rows = configs.map { [$0.name, $0.role.rawValue, $0.address, "\(out)/\($0.name)/"
            + $0.files.map(\.name).joined(separator: ", ")] }
        print(columns([["MEMBER", "ROLE", "ADDRESS", "FILES"]] + rows), terminator: "")
    }
}
