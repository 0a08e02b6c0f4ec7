import ArgumentParser
import Foundation
import Logging
import MetricModel
import TSDB

/// Hidden test driver for the WAL's durability contract: opens a head with its WAL in `--dir` and
/// commits batches forever (a few series, increasing timestamps, value = timestamp), printing
/// `acked <t>` after each commit returned. A test SIGKILLs it and checks every acked sample is
/// replayed. Resumes after the newest timestamp already in the WAL.
struct TSDBIngestTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest-test",
        abstract: "Append to a head with WAL forever, acknowledging each commit (test driver).",
        shouldDisplay: false
    )

    @Option(help: "TSDB directory (the WAL goes to DIR/wal).")
    var dir: String

    @Option(help: "Number of series.")
    var series: Int = 4

    @Option(help: "Stop after this many commits (0: never).")
    var commits: Int = 0

    func run() throws {
        var logger = Logger(label: "promfleet.tsdb.ingest-test")
        logger.logLevel = .warning
        let head = try Head(dir: dir, options: HeadOptions(), logger: logger)
        let labels = (0..<series).map { Labels(["__name__": "ingest_test", "series": String($0)]) }
        var refs = [SeriesRef?](repeating: nil, count: series)
        var t: Timestamp = head.maxTime == .min ? 1_000 : head.maxTime + 1
        var done = 0
        while commits == 0 || done < commits {
            let app = head.appender()
            for i in labels.indices { refs[i] = try app.append(ref: refs[i], labels: labels[i], t: t, v: Double(t)) }
            try app.commit()
            // Unbuffered write(2) to stdout: the line is out before the next batch starts.
            var line = "acked \(t)\n"
            line.withUTF8 { _ = write(1, $0.baseAddress, $0.count) }
            t += 1
            done += 1
        }
        try head.close()
    }
}
