import Foundation
import GRDB
import KerbsideCore

/// The SQLite database behind history: one WAL-mode pool, so readers never block the single writer.
public final class KerbsideDatabase: Sendable {
    let pool: DatabasePool
    public let path: String

    /// Opens (creating if needed) and migrates the database at `path`.
    ///
    /// - Parameter path: the SQLite file; its directory must exist.
    /// - Throws: `StoreError` with code `schema_newer` for a database from a newer Kerbside, `open` otherwise.
    public init(path: String) throws(StoreError) {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.label = "kerbside"
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError(.open, "cannot open \(path): \(error)")
        }
        let migrator = Self.migrator
        let superseded: Bool
        do {
            superseded = try pool.read { try migrator.hasBeenSuperseded($0) }
        } catch {
            throw StoreError(.open, "cannot read the schema of \(path): \(error)")
        }
        if superseded {
            throw StoreError(
                .schemaNewer,
                "\(path) was written by a newer Kerbside (its schema has migrations this version does not know); "
                    + "upgrade Kerbside or restore a backup"
            )
        }
        do {
            try migrator.migrate(pool)
        } catch {
            throw StoreError(.open, "cannot migrate \(path): \(error)")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-zone-rollups") { db in
            try db.execute(
                sql: """
                    CREATE TABLE zone_rollup (
                        level TEXT NOT NULL,
                        zone TEXT NOT NULL,
                        start INTEGER NOT NULL,
                        duration REAL NOT NULL,
                        capacity INTEGER NOT NULL,
                        occupied_bay_seconds REAL NOT NULL,
                        known_bay_seconds REAL NOT NULL,
                        unknown_bay_seconds REAL NOT NULL,
                        occupied_max INTEGER NOT NULL,
                        free_min INTEGER NOT NULL,
                        arrivals INTEGER NOT NULL,
                        departures INTEGER NOT NULL,
                        PRIMARY KEY (level, zone, start)
                    ) WITHOUT ROWID
                    """
            )
        }
        migrator.registerMigration("v2-parking-sessions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE parking_session (
                        bay TEXT NOT NULL,
                        zone TEXT NOT NULL,
                        arrived REAL NOT NULL,
                        departed REAL NOT NULL,
                        max_stay_minutes INTEGER,
                        PRIMARY KEY (bay, arrived)
                    ) WITHOUT ROWID;
                    CREATE INDEX parking_session_by_zone ON parking_session (zone, departed);
                    """
            )
        }
        migrator.registerMigration("v3-device-state") { db in
            try db.execute(
                sql: """
                    CREATE TABLE device_state (
                        kind TEXT NOT NULL,
                        device TEXT NOT NULL,
                        state BLOB NOT NULL,
                        PRIMARY KEY (kind, device)
                    ) WITHOUT ROWID
                    """
            )
        }
        migrator.registerMigration("v4-group-rollups") { db in
            try db.execute(
                sql: """
                    CREATE TABLE group_rollup (
                        level TEXT NOT NULL,
                        light_group TEXT NOT NULL,
                        start INTEGER NOT NULL,
                        duration REAL NOT NULL,
                        lights INTEGER NOT NULL,
                        energy_wh REAL NOT NULL,
                        full_power_wh REAL NOT NULL,
                        level_light_seconds REAL NOT NULL,
                        known_light_seconds REAL NOT NULL,
                        unknown_light_seconds REAL NOT NULL,
                        burning_light_seconds REAL NOT NULL,
                        fault_light_seconds REAL NOT NULL,
                        PRIMARY KEY (level, light_group, start)
                    ) WITHOUT ROWID
                    """
            )
        }
        migrator.registerMigration("v5-checkpoint") { db in
            try db.execute(
                sql: """
                    CREATE TABLE checkpoint (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        taken_at REAL NOT NULL,
                        journal_segment INTEGER NOT NULL,
                        journal_offset INTEGER NOT NULL,
                        state BLOB NOT NULL
                    )
                    """
            )
        }
        migrator.registerMigration("v6-lighting-control") { db in
            try db.execute(
                sql: """
                    CREATE TABLE dimming_schedule (id TEXT PRIMARY KEY, document BLOB NOT NULL) WITHOUT ROWID;
                    CREATE TABLE group_schedule (light_group TEXT PRIMARY KEY, schedule TEXT NOT NULL) WITHOUT ROWID;
                    CREATE TABLE group_override (
                        light_group TEXT PRIMARY KEY,
                        level INTEGER NOT NULL,
                        until REAL NOT NULL,
                        set_at REAL NOT NULL,
                        set_by TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE TABLE lighting_audit (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at REAL NOT NULL,
                        actor TEXT NOT NULL,
                        action TEXT NOT NULL,
                        subject TEXT NOT NULL,
                        detail TEXT NOT NULL
                    );
                    CREATE INDEX lighting_audit_by_time ON lighting_audit (at);
                    """
            )
        }
        migrator.registerMigration("v7-checkpoint-devices") { db in
            try db.execute(
                sql: """
                    CREATE TABLE checkpoint_device (
                        kind TEXT NOT NULL,
                        id TEXT NOT NULL,
                        state BLOB NOT NULL,
                        PRIMARY KEY (kind, id)
                    ) WITHOUT ROWID;
                    ALTER TABLE checkpoint ADD COLUMN devices_in_table INTEGER NOT NULL DEFAULT 0;
                    """
            )
        }
        migrator.registerMigration("v8-lighting-revision") { db in
            // Counts engineers' changes, so a primary and its standby adopt each other's newer settings whatever
            // their clocks say; an existing database starts at the changes its audit trail knows of.
            try db.execute(
                sql: """
                    CREATE TABLE lighting_revision (
                        id INTEGER PRIMARY KEY CHECK (id = 0),
                        revision INTEGER NOT NULL
                    );
                    INSERT INTO lighting_revision (id, revision)
                    SELECT 0, COUNT(*) FROM lighting_audit WHERE actor != 'config' AND action != 'override.expire';
                    """
            )
        }
        return migrator
    }
}
