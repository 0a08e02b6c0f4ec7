import ArgumentParser
import TSDB

/// `promfleet tsdb analyze DIR [BLOCK]` (promtool `tsdb analyze`): blocks, samples, time range
/// and label cardinality of one block (the newest by default).
struct TSDBAnalyzeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Analyze churn, label pair cardinality and compaction efficiency of a TSDB directory."
    )

    @Argument(help: "Data directory holding the blocks.")
    var dir: String = "data/"

    @Argument(help: "Block to analyze (default: the newest).")
    var blockID: String?

    @Option(help: "How many items to show in each list.")
    var limit: Int = 20

    func run() async throws {
        let a = try TSDBAnalysis(dir: dir, blockID: blockID)
        print(a.render(limit: limit), terminator: "")
    }
}
