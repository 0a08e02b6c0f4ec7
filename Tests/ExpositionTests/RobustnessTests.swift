import MetricModel
import Testing
@testable import Exposition

/// Mutated bodies (deterministic): the parsers never crash or loop, every error names a line
/// inside the body, and every accepted series materialises its labels or fails with a typed
/// error.
@Suite struct RobustnessTests {
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static let seeds: [String] = [
        "# HELP a Help \\n text.\n# TYPE a counter\na_total{x=\"1\",y=\"a\\\\b\\\"c\"} 1.5 1700000000000\n{\"u.v\",\"w.x\"=\"y\"} -Inf\n",
        "# TYPE h histogram\nh_bucket{le=\"0.5\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 3\nh_count 2\n",
        "# TYPE c counter\n# UNIT c_seconds seconds\nc_total{a=\"b\"} 1 1.5 # {t=\"x\"} 2 3.5\nc_created 1.7e9\n# EOF\n",
    ]

    static let alphabet: [UInt8] = Array("{}=\",# \n\\01aZ_:.+-eE".utf8) + [0, 0xFF, 0xC3, 0x09]

    func outcome(_ body: [UInt8], _ format: ExpositionFormat) -> (entries: Int, error: ExpositionError?) {
        body.withUnsafeBytes { raw -> (Int, ExpositionError?) in
            var entries = 0
            func drive<P: ExpositionParser>(_ p: inout P) -> ExpositionError? {
                do throws(ExpositionError) {
                    while true {
                        let e = try p.next()
                        if e == .eof { return nil }
                        entries += 1
                        if entries > body.count + 1 { Issue.record("parser does not advance"); return nil }
                        if e == .series { _ = try p.labels() }
                    }
                } catch {
                    return error
                }
            }
            if format == .openMetrics {
                var p = OpenMetricsParser(raw)
                return (entries, drive(&p))
            }
            var p = PromParser(raw)
            return (entries, drive(&p))
        }
    }

    @Test(arguments: [ExpositionFormat.prometheusText, .openMetrics])
    func mutatedBodiesFailCleanly(_ format: ExpositionFormat) {
        var rng = SplitMix(state: format == .openMetrics ? 7 : 11)
        var errors = 0, accepted = 0
        for round in 0..<3000 {
            var body = Array(Self.seeds[round % Self.seeds.count].utf8)
            for _ in 0..<(1 + rng.below(4)) {
                let pos = rng.below(body.count + 1)
                switch rng.below(3) {
                case 0: body.insert(Self.alphabet[rng.below(Self.alphabet.count)], at: pos)
                case 1: if pos < body.count { body.remove(at: pos) }
                default: if pos < body.count { body[pos] = Self.alphabet[rng.below(Self.alphabet.count)] }
                }
            }
            let lines = body.filter { $0 == 0x0A }.count + 1
            let (_, error) = outcome(body, format)
            if let e = error {
                errors += 1
                #expect(e.line >= 1 && e.line <= lines + 1, "\(e) for \(String(decoding: body, as: UTF8.self).debugDescription)")
                #expect(!e.message.isEmpty)
            } else {
                accepted += 1
            }
        }
        // Both outcomes occur: the mutations are neither all harmless nor all fatal.
        #expect(errors > 300)
        #expect(accepted > 30)
    }
}
