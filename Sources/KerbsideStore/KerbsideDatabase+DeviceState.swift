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
