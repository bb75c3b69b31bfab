import Foundation
import GRDB
import KerbsideCore

extension KerbsideDatabase {
    /// The newest checkpoint, if any was stored, with its devices whichever way they were stored.
    ///
    /// - Returns: the checkpoint and the journal position it includes.
    /// - Throws: `StoreError` with code `read`, also for a checkpoint this version cannot decode.
    public func checkpoint() throws(StoreError) -> StoredCheckpoint? {
        do {
            return try pool.read { db -> StoredCheckpoint? in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM checkpoint WHERE id = 1") else { return nil }
                var state = try JSONDecoder().decode(LiveCheckpoint.self, from: row["state"] as Data)
                if row["devices_in_table"] as Bool { state.devices = try Self.checkpointDevices(in: db) }
                return StoredCheckpoint(
                    state: state,
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

    private static func checkpointDevices(in db: Database) throws -> PersistedDevices {
        var devices = PersistedDevices(bays: [], lights: [])
        let rows = try Row.fetchCursor(db, sql: "SELECT kind, id, state FROM checkpoint_device")
        while let row = try rows.next() {
            let id: String = row["id"]
            let record: Data = row["state"]
            do {
                switch row["kind"] as String {
                case "bay": devices.bays.append(try PersistedBay(binaryRecord: record, sensor: id))
                case "light": devices.lights.append(try PersistedLight(binaryRecord: record, controller: id))
                default: continue
                }
            } catch {
                throw StoreError(.read, "checkpoint row of \(row["kind"] as String) \"\(id)\": \(error)")
            }
        }
        return devices
    }

    /// Writes a checkpoint inside the caller's transaction, so that it and the rows it goes with land together.
    static func write(_ checkpoint: StoredCheckpoint, encodedState: Data, into db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO checkpoint
                    (id, taken_at, journal_segment, journal_offset, state, devices_in_table)
                VALUES (1, ?, ?, ?, ?, ?)
                """,
            arguments: [
                checkpoint.state.takenAt.timeIntervalSince1970, Int64(checkpoint.journal.segment),
                checkpoint.journal.offset, encodedState, checkpoint.deviceRows != nil,
            ]
        )
        guard let rows = checkpoint.deviceRows else { return }
        if rows.replacesAll { try db.execute(sql: "DELETE FROM checkpoint_device") }
        let statement = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO checkpoint_device (kind, id, state) VALUES (?, ?, ?)"
        )
        for index in 0..<rows.sliceCount {
            let devices = rows.slice(index)
            for bay in devices.bays {
                try statement.execute(arguments: ["bay", bay.sensor, bay.binaryRecord()])
            }
            for light in devices.lights {
                try statement.execute(arguments: ["light", light.controller, light.binaryRecord()])
            }
        }
    }
}
