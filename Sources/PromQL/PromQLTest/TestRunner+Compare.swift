import MetricModel

let defaultEpsilon = 0.000001

extension PromQLTestRunner {
    /// Prometheus's `compareResult`; nil when the value matches the expectations.
    func compare(_ e: EvalCommand, _ value: QueryValue, start: Int64, end: Int64, step: Int64) -> String? {
        switch value {
        case .string(_, let s):
            guard let exp = e.expectString else { return "unexpected string result \"\(s)\"" }
            return exp == s ? nil : "expected string \"\(exp)\" but got \"\(s)\""
        case .scalar(_, let v):
            guard let exp = e.expectScalar else { return "expected vector or matrix result, but got scalar \(v)" }
            return almostEqual(exp, v, defaultEpsilon) ? nil : "expected scalar \(exp) but got \(v)"
        case .vector(let vec):
            if e.expectScalar != nil { return "expected scalar result, but got vector" }
            var expected: [Labels: ExpectedSeries] = [:]
            for s in e.expected { expected[s.labels] = s }
            var seen = Set<Labels>()
            for (pos, v) in vec.enumerated() {
                guard let exp = expected[v.labels] else { return "unexpected metric \(v.labels) in result, has value \(v.v)" }
                if e.ordered && exp.position != pos + 1 {
                    return "expected metric \(v.labels) at position \(exp.position) but was at \(pos + 1)"
                }
                guard let e0 = exp.values.first else { return "no expected value for \(v.labels)" }
                if !almostEqual(e0.value, v.v, defaultEpsilon) { return "expected \(e0.value) for \(v.labels) but got \(v.v)" }
                seen.insert(v.labels)
            }
            for s in e.expected where !seen.contains(s.labels) { return "expected metric \(s.labels) not found" }
            return nil
        case .matrix(let mat):
            if e.ordered { return "expected ordered result, but query returned a matrix" }
            if e.expectScalar != nil { return "expected scalar result, but got matrix" }
            for i in 1..<max(1, mat.count) where Labels.compare(mat[i - 1].labels, mat[i].labels) > 0 {
                return "matrix results should always be sorted by labels"
            }
            var expected: [Labels: ExpectedSeries] = [:]
            for s in e.expected { expected[s.labels] = s }
            var seen = Set<Labels>()
            for s in mat {
                guard let exp = expected[s.labels] else { return "unexpected metric \(s.labels) in result, has \(s.samples.count) points \(s.samples.map { "\($0.v)@\($0.t)" })" }
                seen.insert(s.labels)
                var floats: [Sample] = []
                for (i, v) in exp.values.enumerated() {
                    let t = start + Int64(i) * step
                    if t > end { return "expected \(exp.values.count) points for \(s.labels), but query time range cannot return this many points" }
                    if !v.omitted { floats.append(Sample(t: t, v: v.value)) }
                }
                if floats.count != s.samples.count {
                    return "expected \(floats.count) float points for \(s.labels), but got \(s.samples.count): \(s.samples.map { "\($0.v)@\($0.t)" })"
                }
                for (i, x) in floats.enumerated() {
                    let a = s.samples[i]
                    if x.t != a.t { return "expected float value at index \(i) for \(s.labels) to have timestamp \(x.t), but it had timestamp \(a.t)" }
                    if !almostEqual(a.v, x.v, defaultEpsilon) { return "expected float value at index \(i) (t=\(a.t)) for \(s.labels) to be \(x.v), but got \(a.v)" }
                }
            }
            for s in e.expected where !seen.contains(s.labels) { return "expected metric \(s.labels) not found" }
            return nil
        }
    }
}
