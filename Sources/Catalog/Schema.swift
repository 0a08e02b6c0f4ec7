import GRDB

/// The catalog's schema, as a list of frozen migrations.
///
/// Contract: a migration that has shipped is never edited. A schema change is a new migration
/// appended to `CatalogSchema.migrations` (`v2`, `v3`, …); `Tests/CatalogTests` migrates a file
/// from every earlier identifier to the latest and checks it ends with the same schema as a fresh
/// file. The v1 SQL is pinned by a golden dump (`Tests/CatalogTests/Golden/schema-v1.sql`).
/// The layout is documented in docs/formats/catalog.md.
public enum CatalogSchema {
    /// Migration identifiers in application order; the last one is the current schema version.
    public static var migrationIdentifiers: [String] { migrations.map(\.id) }

    /// The current (latest) schema version.
    public static var latestVersion: String { migrations.last!.id }

    /// A migrator registering every migration. `eraseDatabaseOnSchemaChange` stays off: an
    /// operator's catalog is never erased.
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in migrations {
            migrator.registerMigration(migration.id) { db in try migration.apply(db) }
        }
        return migrator
    }

    struct Migration: Sendable {
        let id: String
        let apply: @Sendable (Database) throws -> Void
    }

    static let migrations: [Migration] = [
        Migration(id: "v1") { db in try db.execute(sql: v1) },
    ]

    // Frozen: shipped in promfleet 0.1. Timestamps are Int64 milliseconds since the Unix epoch.
    static let v1 = """
        CREATE TABLE fleets (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
          data_dir TEXT NOT NULL,
          topology TEXT NOT NULL,
          shard_count INTEGER NOT NULL CHECK (shard_count >= 1),
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL CHECK (updated_at >= created_at)
        );
        CREATE TABLE groups (
          id INTEGER PRIMARY KEY,
          fleet_id INTEGER NOT NULL REFERENCES fleets(id) ON DELETE CASCADE,
          name TEXT NOT NULL CHECK (length(name) > 0),
          kind TEXT NOT NULL CHECK (kind IN ('shard', 'federator', 'router')),
          shard_index INTEGER CHECK (shard_index >= 0),
          shard_count_at_creation INTEGER CHECK (shard_count_at_creation >= 1),
          shard_by TEXT NOT NULL DEFAULT '[]'
            CHECK (json_valid(shard_by) AND json_type(shard_by) = 'array'),
          scrape_interval_ms INTEGER NOT NULL CHECK (scrape_interval_ms > 0),
          created_at INTEGER NOT NULL,
          retired_at INTEGER CHECK (retired_at >= created_at),
          CHECK ((kind = 'shard') = (shard_index IS NOT NULL AND shard_count_at_creation IS NOT NULL)),
          CHECK (shard_index IS NULL OR shard_index < shard_count_at_creation),
          CHECK (kind <> 'shard' OR json_array_length(shard_by) > 0),
          UNIQUE (fleet_id, name),
          UNIQUE (id, fleet_id)
        );
        CREATE UNIQUE INDEX groups_shard_index ON groups(fleet_id, shard_index)
          WHERE shard_index IS NOT NULL;
        CREATE TABLE members (
          id INTEGER PRIMARY KEY,
          fleet_id INTEGER NOT NULL,
          group_id INTEGER NOT NULL,
          name TEXT NOT NULL CHECK (length(name) > 0),
          role TEXT NOT NULL CHECK (role IN ('replica', 'federator', 'router')),
          replica TEXT NOT NULL CHECK (length(replica) > 0),
          address TEXT NOT NULL CHECK (address GLOB '?*:[0-9]*'),
          data_dir TEXT NOT NULL,
          state TEXT NOT NULL DEFAULT 'planned'
            CHECK (state IN ('planned', 'starting', 'up', 'down', 'stopped')),
          state_since INTEGER NOT NULL,
          retired_at INTEGER,
          FOREIGN KEY (group_id, fleet_id) REFERENCES groups(id, fleet_id) ON DELETE CASCADE,
          UNIQUE (fleet_id, name),
          UNIQUE (group_id, replica)
        );
        CREATE TABLE shard_ownership (
          id INTEGER PRIMARY KEY,
          fleet_id INTEGER NOT NULL,
          group_id INTEGER NOT NULL,
          shard_index INTEGER NOT NULL CHECK (shard_index >= 0),
          shard_count INTEGER NOT NULL CHECK (shard_count >= 1),
          valid_from INTEGER NOT NULL,
          valid_to INTEGER CHECK (valid_to > valid_from),
          CHECK (shard_index < shard_count),
          FOREIGN KEY (group_id, fleet_id) REFERENCES groups(id, fleet_id) ON DELETE CASCADE
        );
        CREATE UNIQUE INDEX shard_ownership_open ON shard_ownership(fleet_id, shard_index)
          WHERE valid_to IS NULL;
        CREATE INDEX shard_ownership_group ON shard_ownership(group_id, valid_from);
        CREATE TABLE limits (
          group_id INTEGER PRIMARY KEY REFERENCES groups(id) ON DELETE CASCADE,
          head_series INTEGER CHECK (head_series > 0),
          samples_per_second REAL CHECK (samples_per_second > 0),
          targets INTEGER CHECK (targets > 0),
          scrape_duration_ratio REAL CHECK (scrape_duration_ratio > 0),
          disk_bytes INTEGER CHECK (disk_bytes > 0)
        );
        CREATE TABLE usage (
          id INTEGER PRIMARY KEY,
          member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
          ts INTEGER NOT NULL,
          head_series INTEGER CHECK (head_series >= 0),
          samples_per_second REAL CHECK (samples_per_second >= 0),
          targets INTEGER CHECK (targets >= 0),
          scrape_duration_ratio REAL CHECK (scrape_duration_ratio >= 0),
          disk_bytes INTEGER CHECK (disk_bytes >= 0),
          UNIQUE (member_id, ts)
        );
        CREATE TABLE events (
          id INTEGER PRIMARY KEY,
          fleet_id INTEGER NOT NULL REFERENCES fleets(id) ON DELETE CASCADE,
          ts INTEGER NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('member_up', 'member_down', 'member_restarted',
                                             'reload', 'reshard', 'topology_applied')),
          member_id INTEGER REFERENCES members(id) ON DELETE SET NULL,
          detail TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX events_fleet_ts ON events(fleet_id, ts);
        """
}
