import Fleet
import Foundation
import Testing

/// Every rendered prometheus.yml of every topology in topologies/ passes Prometheus's own
/// `promtool check config`.
struct PromtoolTests {
    static let promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    static var topologies: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: repoRoot.appendingPathComponent("topologies").path)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    @Test func everyTopologyIsTested() {
        #expect(Self.topologies == ["demo", "ha-pair", "sharded"])
    }

    @Test(arguments: topologies)
    func renderedConfigsPassPromtool(_ name: String) throws {
        guard let promtool = Self.promtool else {
            print("SKIP renderedConfigsPassPromtool(\(name)): promtool not installed (apt-get install prometheus)")
            return
        }
        let dir = try TempDir()
        defer { dir.cleanup() }
        let configs = try Renderer.render(try Topology.load(path: topologyPath(name)))
        try Renderer.write(configs, to: dir.path("out"))
        let files = configs.filter { $0.file("prometheus.yml") != nil }.map { dir.path("out/\($0.name)/prometheus.yml") }
        #expect(files.count == configs.filter { $0.role != .router }.count)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: promtool)
        process.arguments = ["check", "config"] + files
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "promtool check config failed:\n\(output)")
        #expect(output.components(separatedBy: "SUCCESS").count - 1 == files.count, "\(output)")
    }
}
