import Foundation
import GRDB
import MetricModel

/// The fleet catalog: one SQLite file (WAL journal, foreign keys on) recording topology,
/// shard ownership history, limits, usage and events.
///
/// Contract:
/// - Every write method is one transaction: it applies completely or not at all.
/// - Readers return immutable `Sendable` values (`CatalogSnapshot`, record arrays); no live
///   connection or cursor escapes.
/// - Opening a file migrates it to `CatalogSchema.latestVersion`; a file written by a newer
///   promfleet (unknown migrations) is refused with `CatalogError.schemaTooNew`.
/// - Safe to share between tasks; writes are serialised by SQLite/GRDB.
public final class Catalog: Sendable {
    let db: DatabasePool
    /// The file this catalog was opened from.
    public let path: String

    /// Opens (creating if needed) the catalog at `path` and migrates it to the latest schema.
    /// The parent directory must exist.
    public init(path: String) throws {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(5)
        self.path = path
        db = try DatabasePool(path: path, configuration: config)
        let migrator = CatalogSchema.migrator
        try db.read { db in
            if try migrator.hasBeenSuperseded(db) {
                let known = Set(CatalogSchema.migrationIdentifiers)
                let applied = try migrator.appliedIdentifiers(db)
                throw CatalogError.schemaTooNew(unknown: applied.subtracting(known).sorted())
            }
        }
        try migrator.migrate(db)
    }

    /// Opens an existing catalog; refuses a missing file instead of creating an empty one.
    public static func openExisting(path: String) throws -> Catalog {
        guard FileManager.default.fileExists(atPath: path) else { throw CatalogError.noCatalog(path: path) }
        return try Catalog(path: path)
    }

    /// Applied migration identifiers, in order.
    public func appliedMigrations() throws -> [String] {
        try db.read { try CatalogSchema.migrator.completedMigrations($0) }
    }

    /// The SQLite journal mode in use (`wal`).
    public func journalMode() throws -> String {
        try db.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") ?? "" }
    }
}

/// Errors the catalog's callers branch on.
public enum CatalogError: Error, Equatable, CustomStringConvertible {
    case noCatalog(path: String)
    case unknownFleet(String)
    case unknownMember(fleet: String, member: String)
    case schemaTooNew(unknown: [String])
    /// A write's timestamp is not after the time already recorded (e.g. a handover at or before
    /// the open ownership row's `valid_from`).
    case timeNotAfter(what: String, at: Timestamp, recorded: Timestamp)
    case invalidSpec(String)

    public var description: String {
        switch self {
        case .noCatalog(let path): "no catalog at \(path)"
        case .unknownFleet(let name): "unknown fleet \"\(name)\""
        case .unknownMember(let fleet, let member): "fleet \"\(fleet)\" has no member \"\(member)\""
        case .schemaTooNew(let ids):
            "catalog was written by a newer promfleet (unknown migrations: \(ids.joined(separator: ", ")))"
        case .timeNotAfter(let what, let at, let recorded):
            "\(what) at \(at) ms is not after the recorded \(recorded) ms"
        case .invalidSpec(let reason): "invalid topology for the catalog: \(reason)"
        }
    }
}
