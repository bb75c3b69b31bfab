import Foundation
import GRDB
import KerbsideCore

extension KerbsideDatabase {
    /// The device states a version before checkpoints saved at shutdown; empty on a newer database. Read once, when
    /// such a database has no checkpoint yet.
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
