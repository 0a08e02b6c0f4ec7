import Catalog
import Foundation
import GRDB
import Testing

/// Each row breaks one schema invariant; the database must refuse it with a constraint error.
struct InvariantTests {
    static let base = """
        INSERT INTO fleets VALUES (1, 'f', '/d', '', 2, 1000, 1000);
        INSERT INTO groups VALUES (1, 1, 'shard-0', 'shard', 0, 2, '["__address__"]', 15000, 1000, NULL);
        INSERT INTO groups VALUES (2, 1, 'router', 'router', NULL, NULL, '[]', 15000, 1000, NULL);
        INSERT INTO members VALUES (1, 1, 1, 'shard-0-a', 'replica', 'a', '127.0.0.1:9090', '/d/a', 'planned', 1000, NULL);
        INSERT INTO shard_ownership VALUES (1, 1, 1, 0, 2, 1000, NULL);
        """

    static let bad: [(String, String)] = [
        ("bad group kind", "INSERT INTO groups VALUES (3, 1, 'x', 'sharder', NULL, NULL, '[]', 15000, 1000, NULL)"),
        ("shard group without index", "INSERT INTO groups VALUES (3, 1, 'x', 'shard', NULL, 2, '[\"a\"]', 15000, 1000, NULL)"),
        ("shard index beyond count", "INSERT INTO groups VALUES (3, 1, 'x', 'shard', 2, 2, '[\"a\"]', 15000, 1000, NULL)"),
        ("second group with one shard index", "INSERT INTO groups VALUES (3, 1, 'x', 'shard', 0, 2, '[\"a\"]', 15000, 1000, NULL)"),
        ("shard group with empty shard_by", "INSERT INTO groups VALUES (3, 1, 'x', 'shard', 1, 2, '[]', 15000, 1000, NULL)"),
        ("shard_by not JSON", "INSERT INTO groups VALUES (3, 1, 'x', 'router', NULL, NULL, 'job', 15000, 1000, NULL)"),
        ("zero scrape interval", "INSERT INTO groups VALUES (3, 1, 'x', 'router', NULL, NULL, '[]', 0, 1000, NULL)"),
        ("duplicate group name", "INSERT INTO groups VALUES (3, 1, 'router', 'router', NULL, NULL, '[]', 15000, 1000, NULL)"),
        ("negative limit", "INSERT INTO limits VALUES (1, -5, NULL, NULL, NULL, NULL)"),
        ("zero limit", "INSERT INTO limits VALUES (1, NULL, NULL, NULL, NULL, 0)"),
        ("limit of no group", "INSERT INTO limits VALUES (99, 10, NULL, NULL, NULL, NULL)"),
        ("second open ownership row for a shard",
         "INSERT INTO shard_ownership VALUES (2, 1, 1, 0, 3, 2000, NULL)"),
        ("valid_to equal to valid_from", "INSERT INTO shard_ownership VALUES (2, 1, 1, 1, 2, 2000, 2000)"),
        ("valid_to before valid_from", "INSERT INTO shard_ownership VALUES (2, 1, 1, 1, 2, 2000, 1500)"),
        ("ownership index beyond count", "INSERT INTO shard_ownership VALUES (2, 1, 1, 2, 2, 2000, NULL)"),
        ("ownership group of another fleet",
         "INSERT INTO fleets VALUES (2, 'g', '/g', '', 1, 1, 1); INSERT INTO shard_ownership VALUES (2, 2, 1, 1, 2, 2000, NULL)"),
        ("member without group",
         "INSERT INTO members VALUES (2, 1, 99, 'm', 'replica', 'b', '127.0.0.1:9091', '/d/b', 'planned', 1000, NULL)"),
        ("member with null group",
         "INSERT INTO members VALUES (2, 1, NULL, 'm', 'replica', 'b', '127.0.0.1:9091', '/d/b', 'planned', 1000, NULL)"),
        ("bad member state",
         "INSERT INTO members VALUES (2, 1, 1, 'm', 'replica', 'b', '127.0.0.1:9091', '/d/b', 'running', 1000, NULL)"),
        ("bad member role",
         "INSERT INTO members VALUES (2, 1, 1, 'm', 'scraper', 'b', '127.0.0.1:9091', '/d/b', 'planned', 1000, NULL)"),
        ("address without port",
         "INSERT INTO members VALUES (2, 1, 1, 'm', 'replica', 'b', 'localhost', '/d/b', 'planned', 1000, NULL)"),
        ("duplicate replica in group",
         "INSERT INTO members VALUES (2, 1, 1, 'm', 'replica', 'a', '127.0.0.1:9091', '/d/b', 'planned', 1000, NULL)"),
        ("negative usage", "INSERT INTO usage VALUES (1, 1, 2000, -1, NULL, NULL, NULL, NULL)"),
        ("usage of no member", "INSERT INTO usage VALUES (1, 9, 2000, 1, NULL, NULL, NULL, NULL)"),
        ("bad event kind", "INSERT INTO events VALUES (1, 1, 2000, 'exploded', NULL, '')"),
        ("event without detail", "INSERT INTO events VALUES (1, 1, 2000, 'reload', NULL, NULL)"),
        ("fleet updated before created", "UPDATE fleets SET updated_at = 10"),
        ("empty fleet name", "INSERT INTO fleets VALUES (3, '', '/d', '', 1, 1, 1)"),
    ]

    @Test(arguments: bad)
    func refuses(_ reason: String, _ sql: String) throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        _ = try Catalog(path: dir.path("c.sqlite"))
        var config = Configuration()
        config.foreignKeysEnabled = true
        let queue = try DatabaseQueue(path: dir.path("c.sqlite"), configuration: config)
        try queue.write { try $0.execute(sql: Self.base) }
        let error = #expect(throws: DatabaseError.self, "\(reason)") {
            try queue.write { try $0.execute(sql: sql) }
        }
        #expect(error?.resultCode == .SQLITE_CONSTRAINT, "\(reason): \(String(describing: error))")
        try queue.close()
    }

    @Test func baseRowsAreValidAndDeletingAFleetCascades() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        _ = try Catalog(path: dir.path("c.sqlite"))
        let queue = try DatabaseQueue(path: dir.path("c.sqlite"))
        try queue.write { db in
            try db.execute(sql: Self.base)
            try db.execute(sql: "INSERT INTO usage VALUES (1, 1, 2000, 5, NULL, NULL, NULL, NULL)")
            try db.execute(sql: "DELETE FROM fleets WHERE id = 1")
            for table in ["groups", "members", "shard_ownership", "usage"] {
                #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") == 0, "\(table)")
            }
        }
        try queue.close()
    }
}
