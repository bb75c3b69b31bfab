import Foundation
import GRDB
import KerbsideCore

extension KerbsideDatabase {
    /// Replaces the saved device states with `devices`, in one transaction.
    ///
    /// - Parameter devices: every device heard from, as `LiveState.persistedDevices()` gives them.
    /// - Throws: `StoreError` with code `write`; the previous save stays whole then.
    public func save(_ devices: PersistedDevices) throws(StoreError) {
        do {
            let encoder = JSONEncoder()
            let bays = try devices.bays.map { ($0.sensor, try encoder.encode($0)) }
            let lights = try devices.lights.map { ($0.controller, try encoder.encode($0)) }
            try pool.write { db in
                try db.execute(sql: "DELETE FROM device_state")
                let statement = try db.cachedStatement(
                    sql: "INSERT INTO device_state (kind, device, state) VALUES (?, ?, ?)"
                )
                for (sensor, state) in bays { try statement.execute(arguments: ["bay", sensor, state]) }
                for (controller, state) in lights { try statement.execute(arguments: ["light", controller, state]) }
            }
        } catch {
            throw StoreError(.write, "saving device states: \(error)")
        }
    }

    /// The device states saved by the last `save(_:)`; empty on a new database.
    ///
    /// - Returns: the saved bays and lights.
    /// - Throws: `StoreError` with code `read`, also for a saved state this version cannot decode.
    public func savedDevices() throws(StoreError) -> PersistedDevices {
        do {
            let decoder = JSONDecoder()
            return try pool.read { db in
                var devices = PersistedDevices(bays: [], lights: [])
                for row in try Row.fetchAll(db, sql: "SELECT kind, state FROM device_state") {
                    let kind: String = row["kind"]
                    let state: Data = row["state"]
                    switch kind {
                    case "bay": devices.bays.append(try decoder.decode(PersistedBay.self, from: state))
                    case "light": devices.lights.append(try decoder.decode(PersistedLight.self, from: state))
                    default: continue
                    }
                }
                return devices
            }
        } catch {
            throw StoreError(.read, "reading saved device states: \(error)")
        }
    }
}

extension KerbsideDatabase {
    /// The newest checkpoint, if any was stored.
    ///
    /// - Returns: the checkpoint and the journal position it includes.
    /// - Throws: `StoreError` with code `read`, also for a checkpoint this version cannot decode.
    public func checkpoint() throws(StoreError) -> StoredCheckpoint? {
        do {
            return try pool.read { db -> StoredCheckpoint? in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM checkpoint WHERE id = 1") else { return nil }
                let state: Data = row["state"]
                return StoredCheckpoint(
                    state: try JSONDecoder().decode(LiveCheckpoint.self, from: state),
                    journal: JournalPosition(
                        segment: UInt64(row["journal_segment"] as Int64),
                        offset: row["journal_offset"]
                    )
                )
            }
        } catch {
            throw StoreError(.read, "reading the checkpoint: \(error)")
        }
    }
}
