import Foundation

/// The live state at one instant, complete enough that restoring it and replaying the journal after it gives the
/// state the daemon had: devices, the open rollup buckets, and the signs' hysteresis.
public struct LiveCheckpoint: Sendable, Codable {
    public var takenAt: Date
    public var devices: PersistedDevices
    public var zoneRollups: [ZoneRollupAccumulator]
    public var groupRollups: [GroupRollupAccumulator]
    /// By controller id: the lights whose rollup state is not the one their device state gives, or, in a checkpoint
    /// without `lightsWithoutRollupState` (older ones), every light's. A million lights' states decoded as JSON made
    /// most of a restart; the exceptions are few (lights counted unknown since they went silent).
    public var lightRollupStates: [String: LightRollupState]
    /// By controller id: the lights whose rollup state is none although their device state gives one; `nil` in an
    /// older checkpoint, whose `lightRollupStates` lists every light.
    public var lightsWithoutRollupState: [String]?
    /// By sign id.
    public var signStatuses: [String: SignStatus]
    /// By controller id: a restart neither resends what was acknowledged nor forgets what was not.
    public var commands: [String: LightCommand]?
    /// By controller id: where the downlinks of controllers behind a network server go.
    public var networkServerRoutes: [String: NetworkServerRoute]?
}

extension LiveState {
    /// The state as of now, for the rollup writer's checkpoint.
    ///
    /// - Parameters:
    ///   - now: when it is taken.
    ///   - includingDevices: false leaves `devices` empty, for a store that keeps them apart (see
    ///     `persistedDevices(_:)`).
    /// - Returns: the checkpoint.
    public func checkpoint(at now: Date, includingDevices: Bool = true) -> LiveCheckpoint {
        var lightStates: [String: LightRollupState] = [:]
        var lightsWithout: [String] = []
        for (index, state) in lightRollupStates.enumerated()
        where state != lights[index].rollupState(ratedWatts: inventory.lights[index].ratedPowerWatts) {
            let controller = inventory.lights[index].controller
            if let state { lightStates[controller] = state } else { lightsWithout.append(controller) }
        }
        return LiveCheckpoint(
            takenAt: now,
            devices: includingDevices ? persistedDevices() : PersistedDevices(bays: [], lights: []),
            zoneRollups: zoneRollups,
            groupRollups: groupRollups,
            lightRollupStates: lightStates,
            lightsWithoutRollupState: lightsWithout,
            signStatuses: Dictionary(
                zip(inventory.signs.map(\.id), signStatuses),
                uniquingKeysWith: { first, _ in first }
            ),
            commands: Dictionary(
                commands.enumerated().compactMap { index, command in
                    command.map { (inventory.lights[index].controller, $0) }
                },
                uniquingKeysWith: { first, _ in first }
            ),
            networkServerRoutes: Dictionary(
                networkServerRoutes.enumerated().compactMap { index, route in
                    route.map { (inventory.lights[index].controller, $0) }
                },
                uniquingKeysWith: { first, _ in first }
            )
        )
    }

    /// Restores a checkpoint; call right after `init`, before any reading. Parts that no longer fit the inventory
    /// (a zone whose bays changed, a removed device) start afresh instead.
    ///
    /// - Parameter checkpoint: what `checkpoint(at:)` returned before the restart.
    /// - Returns: how many bays and lights were restored.
    @discardableResult
    public mutating func restore(_ checkpoint: LiveCheckpoint) -> (bays: Int, lights: Int) {
        let restored = restore(checkpoint.devices)
        let savedZones = Dictionary(checkpoint.zoneRollups.map { ($0.zone, $0) }, uniquingKeysWith: { a, _ in a })
        for index in zoneRollups.indices {
            if let saved = savedZones[zoneRollups[index].zone], saved.capacity == zoneRollups[index].capacity,
                saved.occupied + saved.free <= saved.capacity
            {
                zoneRollups[index] = saved
            }
        }
        // `restore(devices)` derived every light's state from its device; the checkpoint says where it differed.
        let savedStates: [LightRollupState?]
        if let lightsWithout = checkpoint.lightsWithoutRollupState.map(Set.init) {
            savedStates = inventory.lights.enumerated().map { index, light in
                lightsWithout.contains(light.controller)
                    ? nil : checkpoint.lightRollupStates[light.controller] ?? lightRollupStates[index]
            }
        } else {
            savedStates = inventory.lights.map { checkpoint.lightRollupStates[$0.controller] }
        }
        let savedGroups = Dictionary(checkpoint.groupRollups.map { ($0.group, $0) }, uniquingKeysWith: { a, _ in a })
        for index in groupRollups.indices {
            let members = lightsOfGroup[index]
            if let saved = savedGroups[groupRollups[index].group], saved.lights == members.count {
                groupRollups[index] = saved
                for light in members { lightRollupStates[light] = savedStates[light] }
            }
        }
        for (index, sign) in inventory.signs.enumerated() {
            if let status = checkpoint.signStatuses[sign.id] { signStatuses[index] = status }
        }
        for (index, light) in inventory.lights.enumerated() {
            if let command = checkpoint.commands?[light.controller] { commands[index] = command }
            if let route = checkpoint.networkServerRoutes?[light.controller] { networkServerRoutes[index] = route }
        }
        return restored
    }

    /// Counts the time between the last restored or replayed instant and `now` as unknown in every rollup: the
    /// daemon was not running then. The closed buckets go out with the next tick.
    ///
    /// - Parameter now: when this run starts counting.
    public mutating func resume(at now: Date) {
        for index in zoneRollups.indices {
            closedRollups += zoneRollups[index].skipUnknown(until: now)
        }
        for index in groupRollups.indices {
            closedGroupRollups += groupRollups[index].skipUnknown(until: now)
        }
    }
}
