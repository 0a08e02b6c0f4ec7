import MetricModel
import TSDB

/// Outcome of one eval command.
public enum EvalOutcome: Sendable, Equatable {
    case passed
    case failed(String)
    /// Skipped with the reason ("experimental" or "native histograms").
    case skipped(String)
}

/// Per-file results of a promqltest script.
public struct TestFileResult: Sendable {
    public var name: String
    /// (line, outcome) per eval command, in order.
    public var evals: [(line: Int, outcome: EvalOutcome)] = []
    /// A script that could not be parsed.
    public var scriptError: String?

    public var passed: Int { evals.filter { $0.outcome == .passed }.count }
    public var failed: Int { evals.filter { if case .failed = $0.outcome { return true }; return false }.count }
    public var skipped: Int { evals.filter { if case .skipped = $0.outcome { return true }; return false }.count }
    public func skipped(_ reason: String) -> Int { evals.filter { $0.outcome == .skipped(reason) }.count }
    public var failures: [(line: Int, message: String)] {
        evals.compactMap { if case .failed(let m) = $0.outcome { return ($0.line, m) }; return nil }
    }
}

/// Runs promqltest scripts against the engine over a `MemoryStorage`, as Prometheus's
/// promqltest does: each instant eval also runs as a range query (middle step compared) and,
/// when safe, with `@` added to every selector at several evaluation times. Experimental and
/// native-histogram cases are skipped and counted apart (../shared/promql-testdata/README.md).
public final class PromQLTestRunner: Sendable {
    public static let skipExperimental = "experimental"
    public static let skipNativeHistograms = "native histograms"

    let engine: Engine
    let parse: @Sendable (String) throws -> Expr

    /// A runner with Prometheus's test-engine settings and our parser.
    public convenience init() {
        self.init(parse: { try Parser.parseExpr($0) })
    }

    /// `parse` turns query text into an AST (the Syntax module's parser). `options` default to
    /// upstream's test engine: delayed name removal and experimental functions on.
    public init(parse: @escaping @Sendable (String) throws -> Expr, options: EngineOptions? = nil) {
        var o = options ?? EngineOptions()
        if options == nil {
            o.enableDelayedNameRemoval = true
            o.enableExperimentalFunctions = true
        }
        engine = Engine(options: o)
        self.parse = parse
    }

    public func run(script: String, name: String) async -> TestFileResult {
        var result = TestFileResult(name: name)
        let cmds: [TestCommand]
        do { cmds = try ScriptParser.parse(script) } catch {
            result.scriptError = "\(error)"
            return result
        }
        let storage = MemoryStorage()
        var state = LoadState()
        for cmd in cmds {
            switch cmd {
            case .clear:
                storage.clear()
                state = LoadState()
            case .load(let l):
                load(l, into: storage, state: &state)
            case .eval(let e):
                let outcome = await runEval(e, storage: storage, state: state)
                result.evals.append((e.line, outcome))
            }
        }
        return result
    }

    struct LoadState {
        /// Series holding native histogram samples (loaded `{{…}}` values or NHCB conversions).
        var histogramSeries = Set<Labels>()
    }

    func load(_ l: LoadCommand, into storage: MemoryStorage, state: inout LoadState) {
        for (labels, values) in l.series {
            var samples: [Sample] = []
            for (i, v) in values.enumerated() where !v.omitted {
                if v.histogram { state.histogramSeries.insert(labels); continue }
                samples.append(Sample(t: Int64(i) * l.interval, v: v.value))
            }
            if l.withNHCB {
                // The converted NHCB series: base name, without `le`.
                let n = labels.metricName
                for suffix in ["_bucket", "_sum", "_count"] where n.hasSuffix(suffix) {
                    var b = LabelsBuilder(labels)
                    b.set(LabelName.metricName, String(n.dropLast(suffix.count)))
                    b.delete(LabelName.bucket)
                    state.histogramSeries.insert(b.labels())
                }
            }
            if !samples.isEmpty { storage.add(labels, samples) }
        }
    }
}

extension PromQLTestRunner {
    /// Runs a script file.
    public func run(file path: String) async -> TestFileResult {
        let name = String(path.split(separator: "/").last ?? Substring(path))
        guard let text = readTextFile(path) else {
            var r = TestFileResult(name: name)
            r.scriptError = "cannot read \(path)"
            return r
        }
        return await run(script: text, name: name)
    }

    /// Per-file and total counts, one line each.
    public static func summary(_ results: [TestFileResult]) -> String {
        var lines: [String] = []
        var p = 0, f = 0, se = 0, sn = 0
        for r in results {
            let e = r.skipped(skipExperimental), n = r.skipped(skipNativeHistograms)
            lines.append("\(r.name): passed \(r.passed), failed \(r.failed), skipped \(e + n) (experimental \(e), native histograms \(n))\(r.scriptError.map { " SCRIPT ERROR: \($0)" } ?? "")")
            p += r.passed; f += r.failed; se += e; sn += n
        }
        let pct = p + f > 0 ? Double(p) * 100 / Double(p + f) : 0
        lines.append("total: passed \(p), failed \(f), skipped \(se + sn) (experimental \(se), native histograms \(sn)); pass rate \(PromFloat.formatF((pct * 100).rounded() / 100))% of \(p + f) non-skipped evals")
        return lines.joined(separator: "\n")
    }
}
