import Catalog
import Foundation
import GRDB
import MetricModel

/// A fresh directory under the system temp dir, removed by `cleanup()`.
struct TempDir {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

let day: Timestamp = 86_400_000
let t0: Timestamp = 1_700_000_000_000

/// A fleet spec shaped like the Fleet module builds: `shards` shard groups of `replicas` replicas,
/// a federator pair and a router.
func spec(fleet: String = "f", shards: Int, replicas: Int = 2, limits: Limits = Limits()) -> FleetSpec {
    var port = 9000
    func member(_ name: String, _ role: MemberRole, _ replica: String) -> FleetSpec.Member {
        port += 1
        return FleetSpec.Member(name: name, role: role, replica: replica, address: "127.0.0.1:\(port)",
                                dataDir: "/data/\(fleet)/\(name)")
    }
    let letters = ["a", "b", "c", "d"]
    var groups = (0..<shards).map { i in
        FleetSpec.Group(name: "shard-\(i)", kind: .shard, shardIndex: i, shardBy: ["__address__"],
                        scrapeIntervalMs: 15_000, limits: limits,
                        members: (0..<replicas).map { member("shard-\(i)-\(letters[$0])", .replica, letters[$0]) })
    }
    groups.append(FleetSpec.Group(name: "federator", kind: .federator, scrapeIntervalMs: 15_000,
                                  members: [member("federator-a", .federator, "a"), member("federator-b", .federator, "b")]))
    groups.append(FleetSpec.Group(name: "router", kind: .router, scrapeIntervalMs: 15_000,
                                  members: [member("router", .router, "a")]))
    return FleetSpec(fleet: fleet, dataDir: "/data/\(fleet)", source: "fleet: \(fleet)\n", shardCount: shards,
                     groups: groups)
}

/// The schema as SQLite stores it (sqlite_master), for comparing two files.
func schemaDump(_ path: String) throws -> String {
    let q = try DatabaseQueue(path: path)
    defer { try? q.close() }
    return try q.read { db in
        try String.fetchAll(db, sql: """
            SELECT type || ' ' || name || char(10) || sql FROM sqlite_master
            WHERE sql IS NOT NULL AND name NOT LIKE 'grdb_%' AND name NOT LIKE 'sqlite_%' ORDER BY type, name
            """).joined(separator: ";\n\n") + ";\n"
    }
}
