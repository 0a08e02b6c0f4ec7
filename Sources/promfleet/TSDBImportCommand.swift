import ArgumentParser
import Foundation
import TSDB

/// `promfleet tsdb import openmetrics FILE DIR` (promtool `tsdb create-blocks-from openmetrics`).
struct TSDBImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import samples from input and produce TSDB blocks.",
        subcommands: [OpenMetrics.self]
    )

    struct OpenMetrics: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "openmetrics",
            abstract: "Import samples from an OpenMetrics text file (with timestamps) into 2h blocks in DIR."
        )

        @Argument(help: "OpenMetrics input file (timestamps in seconds, ends with # EOF).")
        var file: String

        @Argument(help: "Output directory for the blocks (created if missing).")
        var dir: String = "data"

        @Flag(name: .shortAndLong, help: "Do not print created blocks.")
        var quiet = false

        func run() async throws {
            do {
                let r = try BlockImport.openMetrics(file: file, into: dir)
                if !quiet {
                    for m in r.blocks {
                        print("BLOCK ULID: \(m.ulid)  MIN TIME: \(m.minTime)  MAX TIME: \(m.maxTime)  SAMPLES: \(m.stats.numSamples)  SERIES: \(m.stats.numSeries)")
                    }
                    print("imported \(r.samples) samples of \(r.series) series into \(r.blocks.count) blocks in \(dir)")
                }
            } catch {
                // promtool's shape: the file and the line, no usage text.
                FileHandle.standardError.write(Data("import failed: \(file): \(error)\n".utf8))
                throw ExitCode.failure
            }
        }
    }
}
