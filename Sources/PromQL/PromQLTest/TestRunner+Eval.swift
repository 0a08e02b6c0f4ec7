import MetricModel
import TSDB

extension PromQLTestRunner {
    func skipReason(_ e: EvalCommand, _ expr: Expr?, _ state: LoadState) -> String? {
        let text = e.expr
        let experimentalNames = ["limitk(", "limit_ratio(", "mad_over_time(", "sort_by_label", "double_exponential_smoothing(",
                                 "ts_of_", "min_of(", "max_of(", "histogram_quantiles(", "step()", "range()", "info("]
        if experimentalNames.contains(where: { text.contains($0) }) { return Self.skipExperimental }
        if containsStartEndFunction(text) { return Self.skipExperimental }
        if let expr, firstExperimentalFunction(expr) != nil { return Self.skipExperimental }
        if e.hasHistogramExpectation { return Self.skipNativeHistograms }
        for f in ["histogram_count(", "histogram_sum(", "histogram_avg(", "histogram_stddev(", "histogram_stdvar("] where text.contains(f) {
            return Self.skipNativeHistograms
        }
        if let expr, !state.histogramSeries.isEmpty, selectsAny(expr, state.histogramSeries) {
            return Self.skipNativeHistograms
        }
        return nil
    }

    /// `start()` / `end()` used as functions (not as `@ start()` / `@ end()`).
    func containsStartEndFunction(_ s: String) -> Bool {
        let u = Array(s.utf8)
        for word in ["start()", "end()"] {
            let w = Array(word.utf8)
            var i = 0
            while i + w.count <= u.count {
                if Array(u[i..<(i + w.count)]) == w {
                    var j = i - 1
                    while j >= 0 && u[j] == 0x20 { j -= 1 }
                    let prevIdent = i > 0 && (isIdentByte(u[i - 1]))
                    if !prevIdent && !(j >= 0 && u[j] == 0x40) { return true }
                }
                i += 1
            }
        }
        return false
    }

    func isIdentByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x5F
    }

    /// Whether any selector in `e` selects one of the native-histogram series.
    func selectsAny(_ e: Expr, _ names: Set<Labels>) -> Bool {
        switch e {
        case .vectorSelector(let vs): return selectorMatches(vs, names)
        case .matrixSelector(let ms): return selectorMatches(ms.vector, names)
        case .subquery(let s): return selectsAny(s.expr, names)
        case .aggregate(let a): return selectsAny(a.expr, names) || (a.param.map { selectsAny($0, names) } ?? false)
        case .binary(let b): return selectsAny(b.lhs, names) || selectsAny(b.rhs, names)
        case .call(let c): return c.args.contains { selectsAny($0, names) }
        case .paren(let x, _), .unary(_, let x, _): return selectsAny(x, names)
        default: return false
        }
    }

    func selectorMatches(_ vs: VectorSelector, _ series: Set<Labels>) -> Bool {
        series.contains { vs.matchers.matches($0) }
    }

    func runEval(_ e: EvalCommand, storage: MemoryStorage, state: LoadState) async -> EvalOutcome {
        let expr: Expr?
        var parseError: String?
        do { expr = try parse(e.expr) } catch { expr = nil; parseError = "\(error)" }
        if let r = skipReason(e, expr, state) { return .skipped(r) }
        guard let expr else {
            if e.fail, checkFailure(e, parseError!) == nil { return .passed }
            return .failed("parse error: \(parseError!)")
        }
        if !e.instant {
            do {
                let res = try await engine.rangeQuery(storage, expr: expr, start: e.start, end: e.end, step: e.step)
                if e.fail { return .failed("expected error evaluating query but got none") }
                if let err = checkAnnotations(e, res.annotations) { return .failed(err) }
                if let err = compare(e, res.value, start: e.start, end: e.end, step: e.step) { return .failed(err) }
                return .passed
            } catch {
                if e.fail, let msg = checkFailure(e, "\(error)") { return .failed(msg) }
                return e.fail ? .passed : .failed("error evaluating query: \(error)")
            }
        }
        var queries: [(Expr, Int64)] = [(expr, e.evalTime)]
        queries += atModifierVariants(expr, e.evalTime)
        for (i, (q, t)) in queries.enumerated() {
            let res: QueryResult
            do {
                res = try await engine.instantQuery(storage, expr: q, time: t)
            } catch {
                if e.fail {
                    if let msg = checkFailure(e, "\(error)") { return .failed(msg) }
                    continue
                }
                return .failed("error evaluating query\(i > 0 ? " (@ variant at \(t))" : ""): \(error)")
            }
            if e.fail { return .failed("expected error evaluating query but got none") }
            if let err = checkAnnotations(e, res.annotations) {
                return .failed(i > 0 ? "@ variant at \(t)ms: \(err)" : err)
            }
            if let err = compare(e, res.value, start: e.start, end: e.end, step: e.step) {
                return .failed(i > 0 ? "@ variant at \(t)ms: \(err)" : err)
            }
            if e.excludeFromRangeQuery || e.ordered { continue }
            if e.expr.contains("start()") || e.expr.contains("end()") { continue }
            do {
                let rr = try await engine.rangeQuery(storage, expr: q, start: t - 60_000, end: t + 60_000, step: 60_000)
                guard case .matrix(let mat) = rr.value else { return .failed("range mode: not a matrix") }
                var vec: [VectorElement] = []
                for s in mat { if let p = s.samples.first(where: { $0.t == t }) { vec.append(VectorElement(labels: s.labels, t: t, v: p.v)) } }
                let value: QueryValue
                if case .scalar = res.value { value = .scalar(t: t, v: vec.first?.v ?? .nan) } else { value = .vector(vec) }
                if let err = compare(e, value, start: 0, end: 0, step: 0) {
                    return .failed("range mode\(i > 0 ? " (@ variant at \(t))" : ""): \(err)")
                }
            } catch {
                return .failed("error evaluating query in range mode: \(error)")
            }
        }
        return .passed
    }

    /// Prometheus's `checkAnnotations`: expected warn/info annotations must all be present and
    /// every actual one expected; no_warn/no_info forbid them.
    func checkAnnotations(_ e: EvalCommand, _ a: Annotations) -> String? {
        func matches(_ x: ExpectLine, _ s: String) -> Bool {
            guard let mode = x.mode, let text = x.text else { return true }
            if mode == "msg" { return s == text }
            guard let r = try? Regex(text) else { return false }
            return (try? r.firstMatch(in: s)) != nil
        }
        for (kind, actual, name) in [(ExpectKind.warn, a.warnings, "warn"), (.info, a.infos, "info")] {
            let exp = e.expects.filter { $0.kind == kind }
            if exp.isEmpty { continue }
            if actual.isEmpty { return "expected \(name) annotations but none were found" }
            for x in exp where !actual.contains(where: { matches(x, $0) }) {
                return "expected \(name) annotation matching \"\(x.text ?? "")\" but found: \(actual)"
            }
            for s in actual where !exp.contains(where: { matches($0, s) }) {
                return "unexpected \(name) annotation \"\(s)\""
            }
        }
        if e.expects.contains(where: { $0.kind == .noWarn }) && !a.warnings.isEmpty { return "unexpected warning annotations: \(a.warnings)" }
        if e.expects.contains(where: { $0.kind == .noInfo }) && !a.infos.isEmpty { return "unexpected info annotations: \(a.infos)" }
        return nil
    }

    /// nil when the error matches the expectation, else the mismatch message.
    func checkFailure(_ e: EvalCommand, _ actual: String) -> String? {
        guard let f = e.expects.first(where: { $0.kind == .fail }), let mode = f.mode, let text = f.text else { return nil }
        if mode == "msg" {
            return text == actual ? nil : "expected error \"\(text)\", got: \(actual)"
        }
        if let r = try? Regex(text), (try? r.firstMatch(in: actual)) != nil { return nil }
        return "expected error matching \"\(text)\", got: \(actual)"
    }

    /// Prometheus's atModifierTestCases: `@ <evalTime>` on every top-level selector/subquery,
    /// evaluated at other times; skipped when a function depends on the evaluation time.
    func atModifierVariants(_ expr: Expr, _ ts: Int64) -> [(Expr, Int64)] {
        if containsAtUnsafe(expr) { return [] }
        let withAt = setAt(expr, ts)
        let times: [Int64] = ts == 0 ? [-1000, 0, 1000] : [-10 * ts, 0, ts / 5, ts, 10 * ts]
        return times.map { (withAt, $0) }
    }

    func containsAtUnsafe(_ e: Expr) -> Bool {
        let unsafe: Set<String> = ["days_in_month", "day_of_month", "day_of_week", "day_of_year", "end", "hour", "minute",
                                   "month", "year", "predict_linear", "range", "start", "step", "time", "timestamp"]
        switch e {
        case .call(let c): return unsafe.contains(c.function.name) || c.args.contains { containsAtUnsafe($0) }
        case .subquery(let s): return containsAtUnsafe(s.expr)
        case .aggregate(let a): return containsAtUnsafe(a.expr) || (a.param.map { containsAtUnsafe($0) } ?? false)
        case .binary(let b): return containsAtUnsafe(b.lhs) || containsAtUnsafe(b.rhs)
        case .paren(let x, _), .unary(_, let x, _): return containsAtUnsafe(x)
        default: return false
        }
    }

    func setAt(_ e: Expr, _ ts: Int64) -> Expr {
        switch e {
        case .vectorSelector(var vs):
            if vs.at == nil { vs.at = .timestamp(ts) }
            return .vectorSelector(vs)
        case .matrixSelector(var ms):
            if ms.vector.at == nil { ms.vector.at = .timestamp(ts) }
            return .matrixSelector(ms)
        case .subquery(var s):
            if s.at == nil { s.at = .timestamp(ts) } else { return e }
            return .subquery(s)   // selectors inside keep their own timestamps
        case .aggregate(var a):
            a.expr = setAt(a.expr, ts)
            if let p = a.param { a.param = setAt(p, ts) }
            return .aggregate(a)
        case .binary(var b):
            b.lhs = setAt(b.lhs, ts)
            b.rhs = setAt(b.rhs, ts)
            return .binary(b)
        case .call(var c):
            c.args = c.args.map { setAt($0, ts) }
            return .call(c)
        case .paren(let x, let p): return .paren(setAt(x, ts), p)
        case .unary(let o, let x, let p): return .unary(o, setAt(x, ts), p)
        default: return e
        }
    }
}
