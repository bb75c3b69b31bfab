import Foundation
import KerbsideCore
import KerbsideTesting
import Testing

@testable import KerbsideStore

@Suite("Checkpoint device rows")
struct CheckpointRowsTests {
    private let start = Date(timeIntervalSince1970: 1_800_000_000)

    private func temporaryDatabase() throws -> (KerbsideDatabase, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kerbside-\(UUID()).sqlite").path
        return (try KerbsideDatabase(path: path), path)
    }

    private func park(_ sensor: String, occupied: Bool, seq: Int, at instant: Date, in state: inout LiveState) {
        let reading = #"{"occupied":\#(occupied),"seq":\#(seq),"battery_v":3.4}"#
        _ = state.ingest(Array(reading.utf8), route: .parking(sensor: sensor[...]), receivedAt: instant)
    }

    /// The rows of `changes` as the daemon's writer stores them, in slices of one device.
    private func rows(of state: LiveState, _ changes: DeviceChanges, replacesAll: Bool) -> CheckpointDeviceRows {
        let devices =
            changes.bays.map { DeviceChanges(bays: [$0]) } + changes.lights.map { DeviceChanges(lights: [$0]) }
        return CheckpointDeviceRows(replacesAll: replacesAll, sliceCount: devices.count) {
            state.persistedDevices(devices[$0])
        }
    }

    private func sorted(_ devices: PersistedDevices) -> PersistedDevices {
        PersistedDevices(
            bays: devices.bays.sorted { $0.sensor < $1.sensor },
            lights: devices.lights.sorted { $0.controller < $1.controller }
        )
    }

    @Test func aCheckpointStoresTheChangedDevicesAndReadsBackThemAll() throws {
        let (database, path) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var state = LiveState(inventory: Fixtures.smallCity(), policy: IngestPolicy(), timeZone: .gmt, startedAt: start)
        for (index, sensor) in ["s-c1", "s-c2", "s-c3"].enumerated() {
            park(sensor, occupied: true, seq: index + 1, at: start, in: &state)
        }
        _ = state.ingest(
            Array(#"{"level":40,"power_w":22,"seq":3}"#.utf8),
            route: .lighting(controller: "ctl-1"),
            receivedAt: start
        )
        let first = state.takeDeviceChanges()
        #expect(first.bays.count == 3)
        #expect(first.lights.count == 1)
        let all = DeviceChanges.all(bayCount: state.inventory.bays.count, lightCount: state.inventory.lights.count)
        try database.write(
            StoreBatch(
                checkpoint: StoredCheckpoint(
                    state: state.checkpoint(at: start, includingDevices: false),
                    journal: JournalPosition(segment: 1, offset: 0),
                    deviceRows: rows(of: state, all, replacesAll: true)
                )
            )
        )

        // One bay changes; the next checkpoint stores it alone.
        let later = start.addingTimeInterval(60)
        park("s-c2", occupied: false, seq: 9, at: later, in: &state)
        let second = state.takeDeviceChanges()
        #expect(second == DeviceChanges(bays: [try #require(state.inventory.bayIndexBySensor["s-c2"])]))
        #expect(state.takeDeviceChanges() == DeviceChanges())
        try database.write(
            StoreBatch(
                checkpoint: StoredCheckpoint(
                    state: state.checkpoint(at: later, includingDevices: false),
                    journal: JournalPosition(segment: 1, offset: 64),
                    deviceRows: rows(of: state, second, replacesAll: false)
                )
            )
        )

        let stored = try #require(try database.checkpoint())
        #expect(stored.journal == JournalPosition(segment: 1, offset: 64))
        #expect(stored.state.takenAt == later)
        #expect(sorted(stored.state.devices) == sorted(state.persistedDevices()))
    }

    @Test func aFullCheckpointReplacesAnOlderOneThatKeptItsDevicesInside() throws {
        let (database, path) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var state = LiveState(inventory: Fixtures.smallCity(), policy: IngestPolicy(), timeZone: .gmt, startedAt: start)
        park("s-c1", occupied: true, seq: 1, at: start, in: &state)
        park("s-c3", occupied: true, seq: 1, at: start, in: &state)
        let position = JournalPosition(segment: 1, offset: 0)
        // As an earlier version stored it: every device inside the state.
        try database.write(
            StoreBatch(checkpoint: StoredCheckpoint(state: state.checkpoint(at: start), journal: position))
        )
        #expect(try database.checkpoint()?.state.devices.bays.count == 2)

        // A restart that no longer hears s-c3 (its state was reset) stores every device as rows, and s-c3's row
        // does not outlive it.
        var restarted = LiveState(
            inventory: Fixtures.smallCity(),
            policy: IngestPolicy(),
            timeZone: .gmt,
            startedAt: start.addingTimeInterval(60)
        )
        park("s-c1", occupied: false, seq: 2, at: start.addingTimeInterval(61), in: &restarted)
        let all = DeviceChanges.all(
            bayCount: restarted.inventory.bays.count,
            lightCount: restarted.inventory.lights.count
        )
        try database.write(
            StoreBatch(
                checkpoint: StoredCheckpoint(
                    state: restarted.checkpoint(at: start.addingTimeInterval(62), includingDevices: false),
                    journal: position,
                    deviceRows: rows(of: restarted, all, replacesAll: true)
                )
            )
        )
        let stored = try #require(try database.checkpoint())
        #expect(stored.state.devices.bays.map(\.sensor) == ["s-c1"])
        #expect(stored.state.devices.bays.first?.reported == .free)
    }

    @Test func changesOfCheckpointsNeverStoredAddUp() {
        let earlier = DeviceChanges(bays: [1, 5], lights: [7])
        let newer = DeviceChanges(bays: [2, 5], lights: [])
        #expect(newer.union(earlier) == DeviceChanges(bays: [1, 2, 5], lights: [7]))
    }
}
