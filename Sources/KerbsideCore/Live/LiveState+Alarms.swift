import Foundation

/// What a tick gathered from the live state, enough to finish its snapshot without the live state (and so without
/// the daemon's ingest lock): only values that stay as they are while ingest goes on.
public struct TickFrame: Sendable {
    /// A light whose condition raises an alarm, with what the alarm says.
    struct LightInAlarm: Sendable {
        var index: Int
        var condition: LightCondition
        var lastSeen: Date?
        var faultsSince: Date?
        var faults: [String]
    }

    /// The snapshot without its bay lists, and with only the command alarms.
    let partial: LiveSnapshot
    let statuses: [BayStatus]
    let lightsInAlarm: [LightInAlarm]
    let inventory: Inventory
    let zoneOfBay: [Int]
    let groupOfLight: [Int]
    let baysOfZone: [[Int]]
    let startedAt: Date

    /// The finished snapshot: every zone's bays and every alarm.
    public func snapshot() -> LiveSnapshot {
        var snapshot = partial
        snapshot.baysOfZone = baysOfZone.map { members in
            members.map { BaySummary(id: inventory.bays[$0].id, state: statuses[$0].state, since: statuses[$0].since) }
        }
        snapshot.alarms = bayAlarms(now: partial.takenAt) + lightAlarms() + partial.alarms
        return snapshot
    }

    /// A flapping city can have an alarm per bay: the per-zone messages are built once, and nothing per bay is copied
    /// or allocated but the alarm.
    func bayAlarms(now: Date) -> [Alarm] {
        let messages = inventory.zones.map { zone in
            let policy = zone.health
            return (
                offline: "no reading for over \(Int(policy.offlineAfter / 60)) min",
                flapping: "more than \(policy.flappingMaxChanges) changes in \(Int(policy.flappingWindow / 60)) min",
                suspect: "occupied for over \(Int(policy.suspectAfter / 3600)) h"
            )
        }
        var alarms: [Alarm] = []
        for (bayIndex, status) in statuses.enumerated() {
            // Most bays are healthy: skip them first.
            guard
                status.isOffline || status.isFlapping || status.isSuspect || status.isBatteryLow
                    || status.lastSeen == nil
            else { continue }
            let subject = inventory.bays[bayIndex].id
            let device = inventory.bays[bayIndex].sensor
            let zoneIndex = zoneOfBay[bayIndex]
            let policy = inventory.zones[zoneIndex].health
            func raise(_ kind: Alarm.Kind, since: Date?, _ message: String) {
                alarms.append(Alarm(kind: kind, subject: subject, device: device, since: since, message: message))
            }
            if status.isOffline {
                raise(.sensorOffline, since: status.since, messages[zoneIndex].offline)
            } else if status.lastSeen == nil, now.timeIntervalSince(startedAt) > policy.offlineAfter {
                raise(.sensorOffline, since: startedAt, "never reported since the daemon started")
            }
            if status.isFlapping {
                raise(.sensorFlapping, since: status.flappingSince, messages[zoneIndex].flapping)
            }
            if status.isSuspect {
                raise(.sensorSuspect, since: status.since, messages[zoneIndex].suspect)
            }
            if status.isBatteryLow, let volts = status.batteryVolts {
                raise(.batteryLow, since: status.lastSeen, "battery at \(volts) V")
            }
        }
        return alarms
    }

    func lightAlarms() -> [Alarm] {
        let offlineMessages = inventory.groups.map { "no report for over \(Int($0.offlineAfter / 60)) min" }
        return lightsInAlarm.map { light in
            let subject = inventory.lights[light.index].id
            let device = inventory.lights[light.index].controller
            if light.condition == .fault {
                return Alarm(
                    kind: .lightFault,
                    subject: subject,
                    device: device,
                    since: light.faultsSince,
                    message: light.faults.joined(separator: ", ")
                )
            }
            let groupIndex = groupOfLight[light.index]
            return Alarm(
                kind: .lightOffline,
                subject: subject,
                device: device,
                since: light.lastSeen.map { $0.addingTimeInterval(inventory.groups[groupIndex].offlineAfter) },
                message: offlineMessages[groupIndex]
            )
        }
    }
}
