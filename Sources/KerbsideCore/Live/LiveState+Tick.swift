import Foundation

extension LiveState {
    /// One aggregation step: turns silent bays unknown, recomputes zones, signs (with hysteresis), groups and
    /// alarms, and returns them as one immutable snapshot.
    public mutating func tick(now: Date) -> LiveSnapshot {
        advance(now: now).snapshot()
    }

    /// The part of a tick that reads or changes the live state, for the daemon to run under its ingest lock; the
    /// frame's `snapshot()` does the rest (bay lists and alarm texts, an entry per bay in a flapping city) without it.
    public mutating func advance(now: Date) -> TickFrame {
        // One read-only pass through the buffer, so no bay is copied out (retaining its histories) to be judged;
        // only the few that just went silent are modified afterwards.
        var silenced: [Int] = []
        var statuses: [BayStatus] = []
        statuses.reserveCapacity(bays.count)
        bays.withUnsafeBufferPointer { bays in
            for bayIndex in bays.indices {
                let policy = healthPolicy(ofBay: bayIndex)
                let status = BayStatus(
                    judging: bays[bayIndex].reported,
                    since: bays[bayIndex].since,
                    lastSeen: bays[bayIndex].lastSeen,
                    batteryVolts: bays[bayIndex].batteryVolts,
                    recentChanges: bays[bayIndex].changeTimes.countFromNewest(
                        notBelow: now.addingTimeInterval(-policy.flappingWindow)
                    ),
                    at: now,
                    policy: policy,
                    maxStayMinutes: maxStayMinutes(ofBay: bayIndex)
                )
                if status.isOffline, bays[bayIndex].reported != .unknown { silenced.append(bayIndex) }
                statuses.append(status)
                if status.isFlapping {
                    statuses[bayIndex].flappingSince = bays[bayIndex].changeTimes.firstFromOldest(
                        notBelow: now.addingTimeInterval(-policy.flappingWindow)
                    )
                }
            }
        }
        var transitions: [BayTransition] = []
        for bayIndex in silenced {
            let policy = healthPolicy(ofBay: bayIndex)
            if let transition = bays[bayIndex].markOfflineIfSilent(at: now, policy: policy, bayIndex: bayIndex) {
                changedBays.insert(bayIndex)
                transitions.append(transition)
                recordForRollups(transition, receivedAt: now)
            }
        }
        let zones = inventory.zones.indices.map { zoneFigures(zoneIndex: $0, statuses: statuses, now: now) }
        let signs = inventory.signs.indices.map { signFigures(signIndex: $0, statuses: statuses, now: now) }
        for (signIndex, sign) in signs.enumerated() { signStatuses[signIndex] = sign.status }
        let today = dayFinder.day(of: now)
        let (lightConditions, groups) = lightFigures(now: now, today: today)
        for (lightIndex, condition) in lightConditions.enumerated()
        where condition == .offline && lightRollupStates[lightIndex] != nil {
            // Unknown from the moment its silence became too long, not from this tick.
            let silentFrom = (lights[lightIndex].lastSeen ?? now).addingTimeInterval(offlineAfter(ofLight: lightIndex))
            recordForRollups(light: lightIndex, state: nil, meteredWattHours: 0, at: min(silentFrom, now))
        }
        let lightsInAlarm = lightConditions.indices.compactMap { lightIndex -> TickFrame.LightInAlarm? in
            guard lightConditions[lightIndex] == .offline || lightConditions[lightIndex] == .fault else { return nil }
            return TickFrame.LightInAlarm(
                index: lightIndex,
                condition: lightConditions[lightIndex],
                lastSeen: lights[lightIndex].lastSeen,
                faultsSince: lights[lightIndex].faultsSince,
                faults: lights[lightIndex].faults
            )
        }
        return TickFrame(
            partial: LiveSnapshot(
                takenAt: now,
                zones: zones,
                baysOfZone: [],
                signs: signs,
                groups: groups,
                alarms: commandAlarms(now: now, policy: dimmingPolicy),
                transitions: transitions,
                closedRollups: drainClosedRollups(now: now),
                openRollups: zoneRollups.map { $0.openBucket(at: now) },
                closedGroupRollups: drainClosedGroupRollups(now: now),
                openGroupRollups: groupRollups.map { $0.openBucket(at: now) },
                endedSessions: drainEndedSessions()
            ),
            statuses: statuses,
            lightsInAlarm: lightsInAlarm,
            inventory: inventory,
            zoneOfBay: zoneOfBay,
            groupOfLight: groupOfLight,
            baysOfZone: baysOfZone,
            startedAt: startedAt
        )
    }

    private func zoneFigures(zoneIndex: Int, statuses: [BayStatus], now: Date) -> ZoneFigures {
        var occupied = 0
        var free = 0
        for bayIndex in baysOfZone[zoneIndex] {
            switch statuses[bayIndex].state {
            case .occupied: occupied += 1
            case .free: free += 1
            case .unknown: break
            }
        }
        let capacity = baysOfZone[zoneIndex].count
        let known = occupied + free
        let zone = inventory.zones[zoneIndex]
        return ZoneFigures(
            id: zone.id,
            name: zone.name,
            capacity: capacity,
            occupied: occupied,
            free: free,
            unknown: capacity - known,
            occupancy: known > 0 ? Double(occupied) / Double(known) : nil,
            updatedAt: now
        )
    }

    private func signFigures(signIndex: Int, statuses: [BayStatus], now: Date) -> SignFigures {
        var capacity = 0
        var trusted = 0
        var free = 0
        for zoneIndex in zonesOfSign[signIndex] {
            for bayIndex in baysOfZone[zoneIndex] {
                capacity += 1
                let status = statuses[bayIndex]
                guard status.isTrusted else { continue }
                trusted += 1
                if status.state == .free { free += 1 }
            }
        }
        let sign = inventory.signs[signIndex]
        let coverage = capacity > 0 ? Double(trusted) / Double(capacity) : 0
        let clampedFree = min(max(free, 0), capacity)
        let status: SignStatus =
            coverage < sign.minimumCoverage || capacity == 0
            ? .unknown : thresholdsOfSign[signIndex].status(after: signStatuses[signIndex], free: clampedFree)
        let text: String =
            switch status {
            case .unknown: sign.fallbackText
            case .full: sign.fullText
            case .almostFull, .spacesAvailable: String(clampedFree)
            }
        return SignFigures(
            id: sign.id,
            name: sign.name,
            zones: sign.zones,
            free: clampedFree,
            capacity: capacity,
            outOfService: capacity - trusted,
            coverage: coverage,
            status: status,
            text: text,
            updatedAt: now
        )
    }

    /// Every light's condition and every group's figures in one pass over the lights, each borrowed from the buffer
    /// rather than copied: a city has hundreds of thousands of them, every tick. The counts go into plain numbers
    /// first, since updating a figure that holds strings checks the array's uniqueness on every light.
    private func lightFigures(now: Date, today: LocalDay) -> (conditions: [LightCondition], groups: [GroupFigures]) {
        var tallies = [GroupTally](repeating: GroupTally(), count: inventory.groups.count)
        let offlineAfterOfGroup = inventory.groups.map(\.offlineAfter)
        let conditions = [LightCondition](unsafeUninitializedCapacity: lights.count) { conditions, count in
            lights.withUnsafeBufferPointer { lights in
                tallies.withUnsafeMutableBufferPointer { tallies in
                    for lightIndex in lights.indices {
                        let groupIndex = groupOfLight[lightIndex]
                        guard groupIndex < tallies.count else {
                            conditions.initializeElement(at: lightIndex, to: .unknown)
                            continue
                        }
                        // Fields only: handing the light itself to a function would copy it.
                        let condition = lights[lightIndex].condition(
                            at: now,
                            offlineAfter: offlineAfterOfGroup[groupIndex]
                        )
                        conditions.initializeElement(at: lightIndex, to: condition)
                        tallies[groupIndex].add(
                            condition,
                            watts: lights[lightIndex].powerWatts,
                            wattHoursToday: lights[lightIndex].energyWattHours(on: today)
                        )
                    }
                }
            }
            count = lights.count
        }
        let groups = inventory.groups.indices.map { groupIndex in
            GroupFigures(
                id: inventory.groups[groupIndex].id,
                name: inventory.groups[groupIndex].name,
                lights: lightsOfGroup[groupIndex].count,
                on: tallies[groupIndex].on,
                faulty: tallies[groupIndex].faulty,
                offline: tallies[groupIndex].offline,
                powerWatts: tallies[groupIndex].powerWatts,
                energyTodayWattHours: tallies[groupIndex].energyTodayWattHours
            )
        }
        return (conditions, groups)
    }

    private mutating func drainEndedSessions() -> [ParkingSession] {
        defer { endedSessions.removeAll(keepingCapacity: true) }
        return endedSessions
    }

    private mutating func drainClosedGroupRollups(now: Date) -> [GroupRollup] {
        for groupIndex in groupRollups.indices {
            closedGroupRollups += groupRollups[groupIndex].advance(to: now)
        }
        defer { closedGroupRollups.removeAll(keepingCapacity: true) }
        return closedGroupRollups
    }

    private mutating func drainClosedRollups(now: Date) -> [ZoneRollup] {
        for zoneIndex in zoneRollups.indices {
            closedRollups += zoneRollups[zoneIndex].advance(to: now)
        }
        defer { closedRollups.removeAll(keepingCapacity: true) }
        return closedRollups
    }
}

/// A group's running counts during the tick's pass over the lights.
private struct GroupTally {
    var on = 0
    var faulty = 0
    var offline = 0
    var powerWatts = 0.0
    var energyTodayWattHours = 0.0

    mutating func add(_ condition: LightCondition, watts: Double?, wattHoursToday: Double) {
        switch condition {
        case .on: on += 1
        case .fault: faulty += 1
        case .offline: offline += 1
        case .off, .unknown: break
        }
        if condition != .offline { powerWatts += watts ?? 0 }
        energyTodayWattHours += wattHoursToday
    }
}
