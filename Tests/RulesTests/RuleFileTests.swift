import Config
import Foundation
import Rules
import Testing

/// Rule files against `promtool check rules` (Prometheus 2.42): the same files must give the
/// same verdict and, line for line, the same error text.
@Suite struct RuleFileTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
    static let files = ["good.rules.yml", "bad-names.rules.yml", "bad-fields.rules.yml", "bad-yaml.rules.yml", "bad-empty-group.rules.yml"]

    /// promtool's error lines for `path` (empty on SUCCESS), or nil when promtool is absent.
    static func promtool(_ path: String) throws -> [String]? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool") else { return nil }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/promtool")
        p.arguments = ["check", "rules", path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard let r = text.range(of: "FAILED:\n") else { return [] }
        // Error entries start with the file name; continuation lines (yaml errors) are joined.
        var lines: [String] = []
        for l in text[r.upperBound...].split(separator: "\n", omittingEmptySubsequences: true) {
            if l.hasPrefix(path + ": ") { lines.append(String(l)) } else if !lines.isEmpty { lines[lines.count - 1] += "\n" + l }
        }
        return lines
    }

    @Test(arguments: files)
    func matchesPromtool(_ name: String) throws {
        let path = Self.fixtures + "/" + name
        let ours = RuleLoader.check(file: path).map { $0 }
        guard let theirs = try Self.promtool(path) else {
            print("SKIP matchesPromtool(\(name)): /usr/bin/promtool not installed")
            return
        }
        #expect(ours == theirs)
        #expect(ours.isEmpty == name.hasPrefix("good"))
    }

    @Test func goodFileLoadsGroups() throws {
        let groups = try RuleLoader.load(files: [Self.fixtures + "/good.rules.yml"], defaultInterval: 60_000)
        #expect(groups.map(\.name) == ["recording", "alerts"])
        #expect(groups.map(\.interval) == [15_000, 60_000])
        #expect(groups[1].limit == 10)
        #expect(groups[0].rules.map(\.name) == ["job:up:sum", "instance:rate:5m"])
        let alert = try #require(groups[1].rules[0] as? AlertingRule)
        #expect(alert.holdDuration == 60_000)
        #expect(alert.keepFiringFor == 120_000)
    }

    @Test func unsupportedTemplateIsALoadErrorNamingFileGroupRule() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rulestest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = dir.appendingPathComponent("r.yml").path
        try """
        groups:
        - name: g
          rules:
          - alert: Q
            expr: up
            annotations:
              s: '{{ range $labels }}x{{ end }}'
        """.write(toFile: f, atomically: true, encoding: .utf8)
        let errs = RuleLoader.check(file: f)
        #expect(errs == ["\(f): group \"g\", rule 1, \"Q\": annotation \"s\": template: __alert_Q:1: \"range\" is not supported by promfleet's alert templates"])
    }

    @Test func globsResolveSortedAndDeduplicated() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rulesglob-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for n in ["b.yml", "a.yml", "c.txt"] { try "groups: []\n".write(toFile: dir.path + "/" + n, atomically: true, encoding: .utf8) }
        let cfgFile = dir.path + "/prometheus.yml"
        try "rule_files:\n  - '*.yml'\n  - a.yml\n  - missing/*.yml\n".write(toFile: cfgFile, atomically: true, encoding: .utf8)
        let cfg = try PrometheusConfig.load(file: cfgFile)
        #expect(RuleFiles.resolve(cfg.ruleFiles) == [dir.path + "/a.yml", dir.path + "/b.yml", cfgFile])
    }
}
