import MetricModel
import PromQL
import TSDB
import Testing

/// Engine unit tests for the tricky parts, with exact Prometheus values and messages.
@Suite struct EngineTests {
    let storage = MemoryStorage()

    func add(_ labels: Labels, every step: Int64, _ values: [Double], from: Int64 = 0) {
        storage.add(labels, values.enumerated().map { Sample(t: from + Int64($0.offset) * step, v: $0.element) })
    }

    func vector(_ r: QueryResult) -> [VectorElement] {
        if case .vector(let v) = r.value { return v }
        Issue.record("not a vector: \(r.value)")
        return []
    }

    @Test func rateExtrapolationHandBuiltAST() async throws {
        // Counter 0, 10, … every 15s from t=30s; reset at 150s.
        add(["__name__": "req_total"], every: 15_000, [0, 10, 20, 30, 40, 50, 60, 70, 80, 5, 15, 25], from: 30_000)
        let sel = VectorSelector(name: "req_total", matchers: [.equal("__name__", "req_total")], position: PositionRange(start: 5, end: 14))
        let ms = MatrixSelector(vector: sel, range: 120_000, position: PositionRange(start: 5, end: 19))
        let sig = FunctionSignature(name: "rate", argTypes: [.matrix], returnType: .vector)
        let expr = Expr.call(Call(function: sig, args: [.matrixSelector(ms)], position: PositionRange(start: 0, end: 20)))
        let r = try await Engine().instantQuery(storage, expr: expr, time: 200_000)
        // Window (80s, 200s]: samples at 90s…195s = 30,40,50,60,70,80,5,15 (t=90..195).
        // Increase: (15-30) + 80 (reset) = 65 over 105s sampled; durationToStart 10s (< 1.1×15s):
        // extrapolate to the start, zero point at 105*(30/65)=48.5s is farther; durationToEnd 5s.
        // factor = (105+10+5)/105 / 120.
        let expected = 65.0 * (120.0 / 105.0) / 120.0
        let v = vector(r)
        #expect(v.count == 1)
        #expect(v.first?.labels == Labels.empty)
        #expect(abs((v.first?.v ?? 0) - expected) < 1e-12)
        #expect(v.first?.t == 200_000)
        #expect(r.annotations.infos.isEmpty)
    }

    @Test func rateOfNonCounterNameGivesInfo() async throws {
        add(["__name__": "temperature"], every: 60_000, [1, 2, 3, 4, 5, 6])
        let r = try await Engine().instantQuery(storage, query: "rate(temperature[5m])", time: 300_000)
        #expect(r.annotations.infos == ["PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \"temperature\" (1:6)"])
        #expect(vector(r).count == 1)
    }

    @Test func histogramQuantileFixesMonotonicity() async throws {
        // Bucket counts 10, 8 (decrease), 20, 20: fixed to 10, 10, 20, 20.
        for (le, c) in [("0.1", 10.0), ("0.5", 8), ("1", 20), ("+Inf", 20)] {
            add(["__name__": "lat_bucket", "le": le, "job": "a"], every: 60_000, [c])
        }
        let r = try await Engine().instantQuery(storage, query: "histogram_quantile(0.75, lat_bucket)", time: 0)
        let v = vector(r)
        // rank 15 lies in bucket (0.5, 1] holding 10..20: 0.5 + 0.5 * (15-10)/10 = 0.75.
        #expect(v.map(\.labels) == [["job": "a"]])
        #expect(v.first.map { abs($0.v - 0.75) < 1e-12 } == true)
        #expect(r.annotations.infos.count == 1)
        #expect(r.annotations.infos.first?.hasPrefix("PromQL info: input to histogram_quantile needed to be fixed for monotonicity") == true)
        #expect(r.annotations.infos.first?.hasSuffix("from buckets 0.5 to 0.5, with a max diff of 2, over 1 samples from 1970-01-01T00:00:00Z to 1970-01-01T00:00:00Z (1:26)") == true)
    }

    @Test func manyToManyMatchingError() async throws {
        add(["__name__": "dup", "label": "alpha"], every: 60_000, [1])
        add(["__name__": "dup", "label": "beta"], every: 60_000, [2])
        add(["__name__": "one"], every: 60_000, [3])
        await #expect(throws: PromQLError.execution("found duplicate series for the match group {} on the right hand-side of the operation: [{__name__=\"dup\", label=\"alpha\"}, {__name__=\"dup\", label=\"beta\"}];many-to-many matching not allowed: matching labels must be unique on one side")) {
            _ = try await Engine().instantQuery(storage, query: "one + on() dup", time: 0)
        }
        await #expect(throws: PromQLError.execution("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)")) {
            _ = try await Engine().instantQuery(storage, query: "dup + ignoring(label) one", time: 0)
        }
        // group_left makes the many side explicit and keeps its labels.
        let r = try await Engine().instantQuery(storage, query: "dup + on() group_left one", time: 0)
        #expect(Set(vector(r).map(\.labels)) == [["label": "alpha"], ["label": "beta"]])
        #expect(Set(vector(r).map(\.v)) == [4, 5])
    }

    @Test func sameLabelsetAfterDroppingNameIsAnError() async throws {
        add(["__name__": "a", "x": "1"], every: 60_000, [1])
        add(["__name__": "b", "x": "1"], every: 60_000, [2])
        await #expect(throws: PromQLError.execution("vector cannot contain metrics with the same labelset")) {
            _ = try await Engine().instantQuery(storage, query: "{x=\"1\"} * 2", time: 0)
        }
        // With delayed name removal a later step that sets the name keeps the series apart.
        let delayed = Engine(options: EngineOptions(enableDelayedNameRemoval: true))
        let r = try await delayed.instantQuery(storage, query: "label_replace({x=\"1\"} * 2, \"__name__\", \"$1\", \"__name__\", \"(.+)\")", time: 0)
        #expect(Set(vector(r).map(\.labels)) == [["__name__": "a", "x": "1"], ["__name__": "b", "x": "1"]])
        #expect(Set(vector(r).map(\.v)) == [2, 4])
    }

    @Test func topkAndBottomkOrderWithTiesAndNaN() async throws {
        for (i, v) in [3.0, .nan, 7, 7, 1].enumerated() {
            add(["__name__": "m", "i": String(i)], every: 60_000, [v])
        }
        let top = vector(try await Engine().instantQuery(storage, query: "topk(3, m)", time: 0))
        #expect(top.map(\.v) == [7, 7, 3])
        #expect(top.map { $0.labels.get("i") } == ["2", "3", "0"] || top.map { $0.labels.get("i") } == ["3", "2", "0"])
        let bottom = vector(try await Engine().instantQuery(storage, query: "bottomk(2, m)", time: 0))
        #expect(bottom.map(\.v) == [1, 3])
        let sorted = vector(try await Engine().instantQuery(storage, query: "sort_desc(m)", time: 0))
        #expect(sorted.map(\.v).dropLast() == [7, 7, 3, 1])
        #expect(sorted.last?.v.isNaN == true)
    }

    @Test func rangeQueryMatchesInstantQueries() async throws {
        for j in 0..<5 {
            add(["__name__": "c_total", "job": "j\(j % 2)", "k": String(j)], every: 15_000, (0..<200).map { Double($0 * (j + 1)) })
        }
        let q = "sum by (job) (rate(c_total[1m])) / on(job) group_left count by (job) (c_total)"
        let e = Engine()
        let rr = try await e.rangeQuery(storage, query: q, start: 60_000, end: 2_400_000, step: 30_000)
        guard case .matrix(let m) = rr.value else { Issue.record("not a matrix"); return }
        #expect(m.count == 2)
        for t in stride(from: Int64(60_000), through: 2_400_000, by: 300_000) {
            let inst = vector(try await e.instantQuery(storage, query: q, time: t))
            for s in inst {
                let point = m.first { $0.labels == s.labels }?.samples.first { $0.t == t }
                #expect(point.map { abs($0.v - s.v) < 1e-9 } == true)
            }
        }
    }

    @Test func maxSamplesLimit() async throws {
        for j in 0..<20 { add(["__name__": "s", "j": String(j)], every: 1_000, (0..<100).map(Double.init)) }
        let e = Engine(options: EngineOptions(maxSamples: 100))
        await #expect(throws: PromQLError.tooManySamples) {
            _ = try await e.rangeQuery(storage, query: "s", start: 0, end: 99_000, step: 1_000)
        }
        #expect(PromQLError.tooManySamples.description == "query processing would load too many samples into memory in query execution")
        #expect(PromQLError.tooManySamples.errorType == "execution")
    }

    @Test func cancellationStopsTheQuery() async throws {
        for j in 0..<200 { add(["__name__": "s", "j": String(j)], every: 1_000, (0..<2_000).map(Double.init)) }
        let e = Engine()
        let task = Task {
            try await e.rangeQuery(storage, query: "sum(rate(s[10s]))", start: 0, end: 2_000_000, step: 1_000)
        }
        try await Task.sleep(for: .milliseconds(20))   // let evaluation start
        task.cancel()
        do {
            _ = try await task.value
            Issue.record("expected cancellation")
        } catch let e as PromQLError {
            guard case .canceled = e else { Issue.record("expected .canceled, got \(e)"); return }
            #expect(e.errorType == "canceled")
        }
    }

    @Test func timeoutStopsTheQuery() async throws {
        for j in 0..<300 { add(["__name__": "s", "j": String(j)], every: 1_000, (0..<3_000).map(Double.init)) }
        let e = Engine(options: EngineOptions(timeout: 1))
        await #expect(throws: PromQLError.timeout("expression evaluation")) {
            _ = try await e.rangeQuery(storage, query: "sum by (j) (rate(s[10s])) * 2", start: 0, end: 3_000_000, step: 1_000)
        }
    }

    @Test func parseErrorsAreBadData() async throws {
        await #expect(throws: PromQLError.self) {
            _ = try await Engine().instantQuery(storage, query: "sum(", time: 0)
        }
        do {
            _ = try await Engine().instantQuery(storage, query: "foo{", time: 0)
        } catch let e as PromQLError {
            #expect(e.errorType == "bad_data")
            #expect(e.description.hasPrefix("1:"))
        }
    }

    @Test func subqueryStepsAreAligned() async throws {
        add(["__name__": "g"], every: 10_000, (0..<100).map(Double.init))
        // At t=95s, [30s:20s] evaluates g at 80s and 60s? No: steps aligned to multiples of 20s
        // strictly after 65s: 80s only… and 100s is after 95s. Expect one point.
        let r = try await Engine().instantQuery(storage, query: "g[30s:20s]", time: 95_000)
        guard case .matrix(let m) = r.value else { Issue.record("not a matrix"); return }
        #expect(m.first?.samples == [Sample(t: 80_000, v: 8)])
    }
}

@Suite struct EngineConcurrencyTests {
    @Test func maxConcurrencyQueuesExcessQueries() async throws {
        let storage = MemoryStorage()
        for j in 0..<50 {
            storage.add(["__name__": "s", "j": String(j)], (0..<2_000).map { Sample(t: Int64($0) * 1_000, v: Double($0)) })
        }
        let e = Engine(options: EngineOptions(maxConcurrency: 1))
        // Four queries with one slot: all complete, with identical results.
        let results = try await withThrowingTaskGroup(of: QueryValue.self) { g in
            for _ in 0..<4 {
                g.addTask { try await e.rangeQuery(storage, query: "sum(rate(s[1m]))", start: 60_000, end: 1_900_000, step: 10_000).value }
            }
            var out: [QueryValue] = []
            for try await v in g { out.append(v) }
            return out
        }
        #expect(results.count == 4)
        #expect(Set(results.map { "\($0)" }).count == 1)
        guard case .matrix(let m) = results[0] else { Issue.record("not a matrix"); return }
        #expect(m.count == 1)
        #expect(m[0].samples.count == 185)
        // rate of a counter growing 1/s is 1 in every window; summed over 50 series.
        #expect(m[0].samples.allSatisfy { abs($0.v - 50) < 1e-9 })
    }
}
