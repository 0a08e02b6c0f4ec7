import Foundation
import MetricModel
import Testing
@testable import Exposition

/// The inputs of Prometheus's TestPromParse and TestOpenMetricsParse (type-and-unit labels
/// off) with their expected entries — raw series bytes, value, timestamp, label set, help,
/// type, unit, comment — checked entry by entry against our parsers.
@Suite struct PrometheusParityGoodTests {
    struct Entry: Decodable {
        var m: [UInt8]?
        var help: String?
        var comment: String?
        var unit: String?
        var typ: String?
        var v: Value?
        var t: Int64?
        var lset: [String]?
    }

    enum Value: Decodable {
        case number(Double)
        case special(String)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let d = try? c.decode(Double.self) { self = .number(d) } else { self = .special(try c.decode(String.self)) }
        }
        var double: Double {
            switch self {
            case .number(let d): return d
            case .special(let s): return s == "+Inf" ? .infinity : s == "-Inf" ? -.infinity : .nan
            }
        }
    }

    struct Case: Decodable {
        var input: [UInt8]
        var entries: [Entry]
    }

    struct Table: Decodable {
        var text: Case
        var openmetrics: Case
    }

    func run<P: ExpositionParser>(_ p: inout P, _ expected: [Entry]) throws -> [String] {
        var problems: [String] = []
        for (k, want) in expected.enumerated() {
            let e = try p.next()
            let m = want.m.map { String(decoding: $0, as: UTF8.self) } ?? ""
            let at = "entry \(k) (\(m))"
            if let help = want.help {
                guard e == .help else { problems.append("\(at): want help, got \(e)"); continue }
                if Array(p.metadataNameBytes) != want.m { problems.append("\(at): help name \(p.metadataName)") }
                if p.help() != help { problems.append("\(at): help \(p.help().debugDescription)") }
            } else if let typ = want.typ {
                guard e == .type else { problems.append("\(at): want type, got \(e)"); continue }
                if p.metricType.rawValue != typ { problems.append("\(at): type \(p.metricType)") }
            } else if let unit = want.unit {
                guard e == .unit else { problems.append("\(at): want unit, got \(e)"); continue }
                if p.unit() != unit { problems.append("\(at): unit \(p.unit())") }
            } else if let comment = want.comment {
                guard e == .comment else { problems.append("\(at): want comment, got \(e)"); continue }
                if p.comment() != comment { problems.append("\(at): comment \(p.comment().debugDescription)") }
            } else {
                guard e == .series else { problems.append("\(at): want series, got \(e)"); continue }
                if Array(p.series) != want.m { problems.append("\(at): series \(String(decoding: p.series, as: UTF8.self))") }
                if let v = want.v?.double {
                    if !(v == p.value || (v.isNaN && p.value.bitPattern == NormalNaN.bits)) {
                        problems.append("\(at): value \(p.value) want \(v)")
                    }
                }
                if p.timestamp != want.t { problems.append("\(at): timestamp \(String(describing: p.timestamp))") }
                if let l = want.lset {
                    let wantLabels = Labels(stride(from: 0, to: l.count, by: 2).map { (l[$0], l[$0 + 1]) })
                    let got = try p.labels()
                    if got != wantLabels { problems.append("\(at): labels \(got) want \(wantLabels)") }
                }
            }
        }
        let last = try p.next()
        if last != .eof { problems.append("want eof, got \(last)") }
        return problems
    }

    func table() throws -> Table {
        try JSONDecoder().decode(Table.self, from: Data(try fixture("prometheus-parse-good.json")))
    }

    @Test func textFormat() throws {
        let c = try table().text
        #expect(c.entries.count > 40)
        let problems = try c.input.withUnsafeBytes { raw in
            var p = PromParser(raw)
            return try run(&p, c.entries)
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func openMetrics() throws {
        let c = try table().openmetrics
        #expect(c.entries.count > 80)
        let problems = try c.input.withUnsafeBytes { raw in
            var p = OpenMetricsParser(raw, options: ParserOptions(skipCreatedSeries: true))
            return try run(&p, c.entries)
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}
