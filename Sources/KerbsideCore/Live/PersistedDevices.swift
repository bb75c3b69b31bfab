import Foundation

/// What a bay's record must keep across a restart so that the live view is right at once and a redelivered
/// reading is still recognised as a duplicate.
public struct PersistedBay: Sendable, Equatable, Codable {
    public var sensor: String
    public var reported: Occupancy
    public var since: Date?
    public var lastSeen: Date?
    public var lastReadingAt: Date?
    public var batteryVolts: Double?
    public var arrivedAt: Date?
    public var seqs: [SeqWindow.Entry]
    public var recent: [BaySample]
}

/// What a light's record must keep across a restart.
public struct PersistedLight: Sendable, Equatable, Codable {
    public var controller: String
    public var reportedLevel: Int?
    public var powerWatts: Double?
    public var energyWattHours: Double?
    public var faults: [String]
    public var faultsSince: Date?
    public var lastAck: String?
    public var lastSeen: Date?
    public var lastReadingAt: Date?
    public var energyToday: DailyEnergy
    public var seqs: [SeqWindow.Entry]
    public var recent: [LightSample]
}

/// Every device that has been heard from, as saved at shutdown and restored at start.
public struct PersistedDevices: Sendable, Equatable, Codable {
    public var bays: [PersistedBay]
    public var lights: [PersistedLight]

    public init(bays: [PersistedBay], lights: [PersistedLight]) {
        self.bays = bays
        self.lights = lights
    }
}

extension BayState {
    func persisted(sensor: String) -> PersistedBay {
        PersistedBay(
            sensor: sensor,
            reported: reported,
            since: since,
            lastSeen: lastSeen,
            lastReadingAt: lastReadingAt,
            batteryVolts: batteryVolts,
            arrivedAt: arrivedAt,
            seqs: seqWindow.remembered,
            recent: history.elements
        )
    }

    mutating func restore(_ saved: PersistedBay) {
        reported = saved.reported
        since = saved.since
        lastSeen = saved.lastSeen
        lastReadingAt = saved.lastReadingAt
        batteryVolts = saved.batteryVolts
        arrivedAt = saved.arrivedAt
        seqWindow = SeqWindow(capacity: seqWindow.capacity, remembering: saved.seqs)
        history.removeAll()
        for sample in saved.recent { history.append(sample) }
    }
}

extension LightState {
    func persisted(controller: String) -> PersistedLight {
        PersistedLight(
            controller: controller,
            reportedLevel: reportedLevel,
            powerWatts: powerWatts,
            energyWattHours: energyWattHours,
            faults: faults,
            faultsSince: faultsSince,
            lastAck: lastAck,
            lastSeen: lastSeen,
            lastReadingAt: lastReadingAt,
            energyToday: energyToday,
            seqs: seqWindow.remembered,
            recent: history.elements
        )
    }

    mutating func restore(_ saved: PersistedLight) {
        reportedLevel = saved.reportedLevel
        powerWatts = saved.powerWatts
        energyWattHours = saved.energyWattHours
        faults = saved.faults
        faultsSince = saved.faultsSince
        lastAck = saved.lastAck
        lastSeen = saved.lastSeen
        lastReadingAt = saved.lastReadingAt
        energyToday = saved.energyToday
        seqWindow = SeqWindow(capacity: seqWindow.capacity, remembering: saved.seqs)
        history.removeAll()
        for sample in saved.recent { history.append(sample) }
    }
}

extension LiveState {
    /// Every device heard from so far, for saving at shutdown.
    public func persistedDevices() -> PersistedDevices {
        PersistedDevices(
            bays: bays.indices.compactMap { index in
                bays[index].lastSeen == nil ? nil : bays[index].persisted(sensor: inventory.bays[index].sensor)
            },
            lights: lights.indices.compactMap { index in
                lights[index].lastSeen == nil
                    ? nil : lights[index].persisted(controller: inventory.lights[index].controller)
            }
        )
    }

    /// The devices at `changes`' indices that have been heard from, for a checkpoint that stores changes alone.
    public func persistedDevices(_ changes: DeviceChanges) -> PersistedDevices {
        PersistedDevices(
            bays: changes.bays.compactMap { index in
                bays[index].lastSeen == nil ? nil : bays[index].persisted(sensor: inventory.bays[index].sensor)
            },
            lights: changes.lights.compactMap { index in
                lights[index].lastSeen == nil
                    ? nil : lights[index].persisted(controller: inventory.lights[index].controller)
            }
        )
    }

    /// The devices changed since the last call, or since start; call under the same lock as ingest, when taking a
    /// checkpoint.
    public mutating func takeDeviceChanges() -> DeviceChanges {
        DeviceChanges(bays: changedBays.take(), lights: changedLights.take())
    }

    /// Restores saved devices by sensor and controller id (ones no longer in the inventory are skipped) and starts
    /// the zone and group rollups from the restored states; call right after `init`, before any reading.
    ///
    /// - Parameter saved: what `persistedDevices()` returned before the restart.
    /// - Returns: how many bays and lights were restored.
    @discardableResult
    public mutating func restore(_ saved: PersistedDevices) -> (bays: Int, lights: Int) {
        var restored = (bays: 0, lights: 0)
        for bay in saved.bays {
            guard let index = inventory.bayIndexBySensor[bay.sensor] else { continue }
            bays[index].restore(bay)
            restored.bays += 1
        }
        for light in saved.lights {
            guard let index = inventory.lightIndexByController[light.controller] else { continue }
            lights[index].restore(light)
            restored.lights += 1
        }
        zoneRollups = zip(inventory.zones, baysOfZone).map { zone, members in
            ZoneRollupAccumulator(
                zone: zone.id,
                capacity: members.count,
                bucketLength: LiveState.rollupBucketLength,
                occupied: members.filter { bays[$0].reported == .occupied }.count,
                free: members.filter { bays[$0].reported == .free }.count,
                now: startedAt
            )
        }
        lightRollupStates = lights.indices.map {
            lights[$0].rollupState(ratedWatts: inventory.lights[$0].ratedPowerWatts)
        }
        groupRollups = Self.groupAccumulators(
            inventory: inventory,
            lightsOfGroup: lightsOfGroup,
            states: lightRollupStates,
            at: startedAt
        )
        return restored
    }
}
