import Fleet
import Foundation

/// The repository root (for topologies/ and Golden/).
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let testsDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

func topologyPath(_ name: String) -> String { repoRoot.appendingPathComponent("topologies/\(name).yaml").path }

struct TempDir {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func cleanup() { try? FileManager.default.removeItem(at: url) }
}
