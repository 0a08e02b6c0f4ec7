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

        @Option(name: .customLong("max-block-duration"),
                help: "Maximum duration of created blocks (2h, 6h, 18h, … are used, as promtool).")
        var maxBlockDuration: String = "2h"

        func run() async throws {
            guard let maxDur = parseDurationMillis(maxBlockDuration) else {
                throw ValidationError("invalid --max-block-duration \"\(maxBlockDuration)\"")
            }
            var options = BlockImport.Options()
            options.blockDuration = BlockImport.compatibleBlockDuration(maxDur)
            do {
                let r = try BlockImport.openMetrics(file: file, into: dir, options: options)
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

/// Parses a Prometheus duration (`1h30m`, `2h`, `15d`, `500ms`) into milliseconds.
func parseDurationMillis(_ s: String) -> Int64? {
    let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000),
                                    ("d", 86_400_000), ("w", 604_800_000), ("y", 31_536_000_000)]
    var rest = Substring(s)
    var total: Int64 = 0
    if rest.isEmpty { return nil }
    while !rest.isEmpty {
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let n = Int64(digits) else { return nil }
        rest = rest.dropFirst(digits.count)
        guard let (u, f) = units.first(where: { rest.hasPrefix($0.0) && !(($0.0 == "m") && rest.hasPrefix("ms")) }) else { return nil }
        rest = rest.dropFirst(u.count)
        total += n * f
    }
    return total
}
