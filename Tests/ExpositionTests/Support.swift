import Foundation
import MetricModel
@testable import Exposition

/// Fixture bytes, byte for byte as captured by scripts/capture-exposition-fixtures.
func fixture(_ name: String) throws -> [UInt8] {
    let base = (name as NSString).deletingPathExtension
    let ext = (name as NSString).pathExtension
    if let url = Bundle.module.url(forResource: base, withExtension: ext, subdirectory: "Fixtures") {
        return [UInt8](try Data(contentsOf: url))
    }
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent(name)
    return [UInt8](try Data(contentsOf: url))
}

/// Sample lines counted without the parser: not blank, not starting with `#`.
func countSampleLines(_ bytes: [UInt8]) -> Int {
    String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        .filter { line in
            let t = line.drop(while: { $0 == " " || $0 == "\t" })
            return !t.isEmpty && !t.hasPrefix("#")
        }.count
}

func parse(_ s: String, _ format: ExpositionFormat = .prometheusText,
           options: ParserOptions = ParserOptions()) throws(ExpositionError) -> [ParsedSample] {
    try Exposition.parse(Array(s.utf8), format: format, options: options).samples
}

/// The first error parsing `s` (including `labels()` of every series), or nil.
func firstError(_ s: String, _ format: ExpositionFormat) -> ExpositionError? {
    do {
        _ = try Exposition.parse(Array(s.utf8), format: format)
        return nil
    } catch {
        return error
    }
}

func sample(_ samples: [ParsedSample], _ name: String, _ match: [String: String] = [:]) -> ParsedSample? {
    samples.first { s in
        s.labels.metricName == name && match.allSatisfy { s.labels.get($0.key) == $0.value }
    }
}
