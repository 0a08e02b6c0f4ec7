import ArgumentParser

@main
struct Promfleet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promfleet",
        abstract: "A Prometheus-compatible HA and federation cluster controller.",
        version: BuildInfo.version,
        subcommands: [
            ReplicaCommand.self, UpCommand.self, StatusCommand.self, RenderCommand.self, CatalogCommand.self,
            ExporterCommand.self, TSDBCommand.self, RouterCommand.self,
        ]
    )
}

enum BuildInfo {
    static let version = "0.1.0-dev"
}
