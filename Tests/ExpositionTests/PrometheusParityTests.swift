import Foundation
import Testing
@testable import Exposition

/// Prometheus's own parser error tables, run through our parsers. Where Prometheus's message
/// names golex token types (`got "x" ("INVALID")`), the expectation is the same "expected …"
/// phrase; every other message must be identical.
@Suite struct PrometheusParityTests {
    struct Case: Decodable {
        var input: [UInt8]
        var err: String
    }

    struct Table: Decodable {
        var text: [Case]
        var openmetrics: [Case]
    }

    func table() throws -> Table {
        try JSONDecoder().decode(Table.self, from: Data(try fixture("prometheus-parse-errors.json")))
    }

    /// The first error of `next()` (labels are not materialised, as in Prometheus's tests).
    func run(_ input: [UInt8], _ format: ExpositionFormat) -> ExpositionError? {
        input.withUnsafeBytes { raw -> ExpositionError? in
            do throws(ExpositionError) {
                if format == .openMetrics {
                    var p = OpenMetricsParser(raw)
                    while try p.next() != .eof {}
                } else {
                    var p = PromParser(raw)
                    while try p.next() != .eof {}
                }
                return nil
            } catch {
                return error
            }
        }
    }

    func check(_ cases: [Case], _ format: ExpositionFormat) -> [String] {
        var failures: [String] = []
        for c in cases {
            let got = run(c.input, format)
            let input = String(decoding: c.input, as: UTF8.self).debugDescription
            if c.err == "" || c.err == "EOF" {
                if let g = got { failures.append("\(input): want no error, got \(g.message)") }
                continue
            }
            guard let g = got else { failures.append("\(input): want \(c.err), got no error"); continue }
            if c.err.contains(" (\""), let r = c.err.range(of: ", got ") {
                let phrase = String(c.err[..<r.lowerBound])
                if !g.message.hasPrefix(phrase + ", got ") && g.message != phrase {
                    failures.append("\(input): want \(phrase), got \(g.message)")
                }
            } else if g.message != c.err {
                failures.append("\(input): want \(c.err), got \(g.message)")
            }
        }
        return failures
    }

    @Test func textFormatErrorsMatchPrometheus() throws {
        let t = try table()
        #expect(t.text.count > 20)
        let failures = check(t.text, .prometheusText)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test func openMetricsErrorsMatchPrometheus() throws {
        let t = try table()
        #expect(t.openmetrics.count > 60)
        let failures = check(t.openmetrics, .openMetrics)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }
}
