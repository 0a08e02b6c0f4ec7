import Foundation
import MetricModel
import PromQL
import Testing

/// Runs our own promqltest scripts (Tests/PromQLTests/testdata) and, when present, Prometheus's
/// (../shared/promql-testdata). Every failing Prometheus case must be listed in
/// known-failures.txt (`file:line reason`); listed cases that now pass are reported so the list
/// shrinks.
@Suite struct PromQLTestSuiteTests {
    static let testsDir: String = {
        var p = #filePath
        while let last = p.last, last != "/" { p.removeLast() }
        return p   // …/Tests/PromQLTests/
    }()

    static var packageRoot: String {
        URL(fileURLWithPath: testsDir).deletingLastPathComponent().deletingLastPathComponent().path
    }

    static func testFiles(in dir: String) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return files.filter { $0.hasSuffix(".test") }.sorted().map { dir + "/" + $0 }
    }

    static func knownFailures() -> [String: String] {
        guard let text = try? String(contentsOfFile: testsDir + "known-failures.txt", encoding: .utf8) else { return [:] }
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let l = line.trimmingCharacters(in: .whitespaces)
            if l.isEmpty || l.hasPrefix("#") { continue }
            let key = l.split(separator: " ", maxSplits: 1)
            out[String(key[0])] = key.count > 1 ? String(key[1]) : ""
        }
        return out
    }

    @Test func ourScripts() async throws {
        let runner = PromQLTestRunner(parse: { try Parser.parseExpr($0) })
        let files = Self.testFiles(in: Self.testsDir + "testdata")
        #expect(!files.isEmpty)
        var results: [TestFileResult] = []
        for f in files { results.append(await runner.run(file: f)) }
        print(PromQLTestRunner.summary(results))
        for r in results {
            #expect(r.scriptError == nil, "\(r.name): \(r.scriptError ?? "")")
            #expect(r.passed > 0, "\(r.name) has no passing eval")
            for f in r.failures { Issue.record("\(r.name):\(f.line) \(f.message)") }
        }
    }

    @Test func prometheusScripts() async throws {
        // The package root's ../shared/promql-testdata (a worktree under /work/wt/NAME also
        // looks one level higher), or $PROMQL_TESTDATA.
        let candidates = [ProcessInfo.processInfo.environment["PROMQL_TESTDATA"],
                          Self.packageRoot + "/../shared/promql-testdata",
                          Self.packageRoot + "/../../shared/promql-testdata"].compactMap { $0 }
        guard let dir = candidates.first(where: { FileManager.default.fileExists(atPath: $0 + "/functions.test") }) else {
            print("SKIPPED: Prometheus promqltest files not found (looked in \(candidates.joined(separator: ", ")))")
            return
        }
        let known = Self.knownFailures()
        let runner = PromQLTestRunner(parse: { try Parser.parseExpr($0) })
        var results: [TestFileResult] = []
        for f in Self.testFiles(in: dir) { results.append(await runner.run(file: f)) }
        print(PromQLTestRunner.summary(results))
        var nowPassing: [String] = []
        for r in results {
            #expect(r.scriptError == nil, "\(r.name): \(r.scriptError ?? "")")
            for (line, outcome) in r.evals {
                let key = "\(r.name):\(line)"
                switch outcome {
                case .failed(let msg):
                    if known[key] == nil { Issue.record("\(key) not in known-failures.txt: \(msg)") }
                case .passed:
                    if known[key] != nil { nowPassing.append(key) }
                case .skipped:
                    break
                }
            }
        }
        if !nowPassing.isEmpty {
            print("NOTE: listed in known-failures.txt but now passing (remove them): \(nowPassing.joined(separator: " "))")
        }
        if ProcessInfo.processInfo.environment["PROMQLTEST_VERBOSE"] != nil {
            for r in results { for f in r.failures { print("FAIL \(r.name):\(f.line) \(f.message)") } }
            for r in results { for (line, o) in r.evals { if case .skipped(let why) = o { print("SKIP \(r.name):\(line) \(why)") } } }
        }
    }
}
