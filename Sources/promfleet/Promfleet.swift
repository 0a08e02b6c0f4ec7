import ArgumentParser

@main
struct Promfleet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promfleet",
        abstract: "A Prometheus-compatible HA and federation cluster controller.",
        version: BuildInfo.version,
        subcommands: [TSDBCommand.self, CatalogCommand.self, RenderCommand.self, StatusCommand.self, RouterCommand.self]
    )
}

enum BuildInfo {
    static let version = "0.1.0-dev"
}
