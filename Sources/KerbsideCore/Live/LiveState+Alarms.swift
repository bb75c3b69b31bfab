import Foundation

extension LiveState {
    func bayAlarms(statuses: [BayStatus], now: Date) -> [Alarm] {
        var alarms: [Alarm] = []
        for (bayIndex, status) in statuses.enumerated() {
            // Most bays are healthy: skip them before copying anything.
            guard
                status.isOffline || status.isFlapping || status.isSuspect || status.isBatteryLow
                    || status.lastSeen == nil
            else { continue }
            let bay = inventory.bays[bayIndex]
            func raise(_ kind: Alarm.Kind, since: Date?, _ message: String) {
                alarms.append(Alarm(kind: kind, subject: bay.id, device: bay.sensor, since: since, message: message))
            }
            let policy = healthPolicy(ofBay: bayIndex)
            if status.isOffline {
                raise(.sensorOffline, since: status.since, "no reading for over \(Int(policy.offlineAfter / 60)) min")
            } else if status.lastSeen == nil, now.timeIntervalSince(startedAt) > policy.offlineAfter {
                raise(.sensorOffline, since: startedAt, "never reported since the daemon started")
            }
            if status.isFlapping {
                let windowStart = now.addingTimeInterval(-policy.flappingWindow)
                let firstChange = bays[bayIndex].changeTimes.elements.first { $0 >= windowStart }
                raise(
                    .sensorFlapping,
                    since: firstChange,
                    "more than \(policy.flappingMaxChanges) changes in \(Int(policy.flappingWindow / 60)) min"
                )
            }
            if status.isSuspect {
                raise(.sensorSuspect, since: status.since, "occupied for over \(Int(policy.suspectAfter / 3600)) h")
            }
            if status.isBatteryLow, let volts = status.batteryVolts {
                raise(.batteryLow, since: status.lastSeen, "battery at \(volts) V")
            }
        }
        return alarms
    }

    func lightAlarms(conditions: [LightCondition]) -> [Alarm] {
        var alarms: [Alarm] = []
        for (lightIndex, condition) in conditions.enumerated() {
            guard condition == .offline || condition == .fault else { continue }
            let light = inventory.lights[lightIndex]
            let state = lights[lightIndex]
            switch condition {
            case .offline:
                alarms.append(
                    Alarm(
                        kind: .lightOffline,
                        subject: light.id,
                        device: light.controller,
                        since: state.lastSeen.map { $0.addingTimeInterval(offlineAfter(ofLight: lightIndex)) },
                        message: "no report for over \(Int(offlineAfter(ofLight: lightIndex) / 60)) min"
                    )
                )
            case .fault:
                alarms.append(
                    Alarm(
                        kind: .lightFault,
                        subject: light.id,
                        device: light.controller,
                        since: state.faultsSince,
                        message: state.faults.joined(separator: ", ")
                    )
                )
            case .on, .off, .unknown:
                break
            }
        }
        return alarms
    }
}
