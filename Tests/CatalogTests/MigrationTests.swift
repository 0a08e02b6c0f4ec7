import Catalog
import Foundation
import GRDB
import MetricModel
import Testing

/// Rows valid at each schema version, inserted with that version's SQL before migrating on. A new
/// migration adds its entry here, so the upgrade test covers it from every earlier version.
let seedsByVersion: [String: String] = [
    "v1": """
        INSERT INTO fleets VALUES (1, 'old', '/d', 'fleet: old', 1, 1000, 2000);
        INSERT INTO groups VALUES (1, 1, 'shard-0', 'shard', 0, 1, '["__address__"]', 15000, 1000, NULL);
        INSERT INTO members VALUES (1, 1, 1, 'shard-0-a', 'replica', 'a', '127.0.0.1:9090', '/d/a', 'up', 1000, NULL);
        INSERT INTO shard_ownership VALUES (1, 1, 1, 0, 1, 1000, NULL);
        INSERT INTO limits VALUES (1, 1000, NULL, NULL, NULL, NULL);
        INSERT INTO usage VALUES (1, 1, 1500, 400, 10.5, 3, 0.01, 1024);
        INSERT INTO events VALUES (1, 1, 1000, 'topology_applied', NULL, '');
        """,
]

struct MigrationTests {
    @Test func freshFileIsAtLatestVersionInWALWithForeignKeys() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let catalog = try Catalog(path: dir.path("catalog.sqlite"))
        #expect(try catalog.appliedMigrations() == CatalogSchema.migrationIdentifiers)
        #expect(try catalog.journalMode() == "wal")
        #expect(try catalog.fleetNames() == [])
    }

    @Test func everyVersionHasASeed() {
        #expect(Set(seedsByVersion.keys) == Set(CatalogSchema.migrationIdentifiers))
    }

    /// From every earlier version (and the latest) to the latest: same schema as a fresh file, and
    /// the rows written at that version are still readable.
    @Test(arguments: CatalogSchema.migrationIdentifiers)
    func upgradesFrom(_ version: String) throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let old = dir.path("old.sqlite")
        let queue = try DatabaseQueue(path: old)
        try CatalogSchema.migrator.migrate(queue, upTo: version)
        try queue.write { try $0.execute(sql: seedsByVersion[version]!) }
        try queue.close()

        let upgraded = try Catalog(path: old)
        #expect(try upgraded.appliedMigrations() == CatalogSchema.migrationIdentifiers)
        _ = try Catalog(path: dir.path("fresh.sqlite"))
        #expect(try schemaDump(old) == schemaDump(dir.path("fresh.sqlite")))

        let snap = try upgraded.snapshot(fleet: "old")
        #expect(snap.members.map(\.name) == ["shard-0-a"])
        #expect(snap.members.first?.state == .up)
        #expect(snap.limits[1]?.headSeries == 1000)
        #expect(snap.latestUsage[1]?.headSeries == 400)
        #expect(snap.ownership.map(\.shardIndex) == [0])
    }

    /// Shipped migrations are frozen: v1's schema is pinned by a golden dump.
    @Test func v1SchemaIsFrozen() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = dir.path("v1.sqlite")
        let queue = try DatabaseQueue(path: path)
        try CatalogSchema.migrator.migrate(queue, upTo: "v1")
        try queue.close()
        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Golden/schema-v1.sql")
        let dump = try schemaDump(path)
        if ProcessInfo.processInfo.environment["PROMFLEET_UPDATE_GOLDEN"] == "1",
           !FileManager.default.fileExists(atPath: golden.path) {
            try dump.write(to: golden, atomically: true, encoding: .utf8)
        }
        #expect(dump == (try String(contentsOf: golden, encoding: .utf8)))
    }

    @Test func refusesACatalogFromANewerPromfleet() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = dir.path("new.sqlite")
        _ = try Catalog(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v999')") }
        try queue.close()
        #expect(throws: CatalogError.schemaTooNew(unknown: ["v999"])) { try Catalog(path: path) }
    }

    @Test func openExistingRefusesAMissingFile() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        #expect(throws: CatalogError.noCatalog(path: dir.path("none.sqlite"))) {
            try Catalog.openExisting(path: dir.path("none.sqlite"))
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path("none.sqlite")))
    }
}
