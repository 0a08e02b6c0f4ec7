import Foundation
import Logging
import MetricModel
import Synchronization
@testable import TSDB

/// Collects log messages so tests can assert on warnings.
final class LogCapture: Sendable {
    let lines = Mutex<[(Logger.Level, String)]>([])

    var logger: Logger {
        let box = self
        return Logger(label: "test") { _ in CaptureHandler(box: box) }
    }

    func messages(atLeast level: Logger.Level) -> [String] {
        lines.withLock { $0.filter { $0.0 >= level }.map(\.1) }
    }
}

struct CaptureHandler: LogHandler {
    let box: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        box.lines.withLock { $0.append((event.level, event.message.description)) }
    }
}

/// A fresh temporary directory, removed by `cleanup()`.
struct TempDir {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "tsdbtest-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

/// All samples of all series a querier returns for the matchers, keyed by label string.
func dump(_ q: some Queryable, _ matchers: [LabelMatcher], mint: Timestamp = .min, maxt: Timestamp = .max) throws -> [String: [Sample]] {
    var out: [String: [Sample]] = [:]
    for s in try q.querier(mint: mint, maxt: maxt).select(sorted: true, hints: nil, matchers: matchers) {
        var it = s.iterator()
        var samples: [Sample] = []
        while it.next() { samples.append(it.at) }
        out[s.labels.description] = samples
    }
    return out
}

func m(_ t: MatchType, _ n: String, _ v: String) -> LabelMatcher { try! LabelMatcher(t, n, v) }
