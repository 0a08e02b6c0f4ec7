import ArgumentParser

struct TSDBCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tsdb",
        abstract: "Work with TSDB directories (import, analyze).",
        subcommands: [TSDBImportCommand.self, TSDBAnalyzeCommand.self, TSDBIngestTestCommand.self]
    )
}
