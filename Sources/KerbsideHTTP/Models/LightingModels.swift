import Foundation
import KerbsideCore

struct GroupModel: Encodable, Sendable {
    let id: String
    let name: String
    /// The assigned schedule (or the default one); `null` when the group follows none.
    let schedule: Nullable<String>
    /// The level the group is commanded to now: the override's, else the schedule's.
    let targetLevel: Nullable<Int>
    let override: Nullable<OverrideModel>
    let lights: Int
    let on: Int
    let faulty: Int
    let offline: Int
    let powerW: Double
    let energyTodayWh: Double

    enum CodingKeys: String, CodingKey {
        case id, name, schedule, override, lights, on, faulty, offline
        case targetLevel = "target_level"
        case powerW = "power_w"
        case energyTodayWh = "energy_today_wh"
    }

    init(_ group: GroupFigures, control: GroupControl? = nil) {
        id = group.id
        name = group.name
        schedule = Nullable(control?.schedule)
        targetLevel = Nullable(control?.targetLevel)
        override = Nullable(control?.override.map(OverrideModel.init))
        lights = group.lights
        on = group.on
        faulty = group.faulty
        offline = group.offline
        powerW = group.powerWatts
        energyTodayWh = group.energyTodayWattHours
    }
}

struct LightModel: Encodable, Sendable {
    struct Sample: Encodable, Sendable {
        let at: Date
        let level: Int
        let powerW: Nullable<Double>
        let energyWh: Nullable<Double>

        enum CodingKeys: String, CodingKey {
            case at, level
            case powerW = "power_w"
            case energyWh = "energy_wh"
        }
    }

    let id: String
    let group: String
    let controller: String
    let ratedPowerW: Double
    let commandedLevel: Nullable<Int>
    let reportedLevel: Nullable<Int>
    let acked: Nullable<Bool>
    let lastAck: Nullable<String>
    let powerW: Nullable<Double>
    let energyWh: Nullable<Double>
    let faults: [String]
    let faultsSince: Nullable<Date>
    let lastSeen: Nullable<Date>
    let state: LightCondition
    let recent: [Sample]

    enum CodingKeys: String, CodingKey {
        case id, group, controller, acked, faults, state, recent
        case ratedPowerW = "rated_power_w"
        case commandedLevel = "commanded_level"
        case reportedLevel = "reported_level"
        case lastAck = "last_ack"
        case powerW = "power_w"
        case energyWh = "energy_wh"
        case faultsSince = "faults_since"
        case lastSeen = "last_seen"
    }

    init(_ detail: LightDetail) {
        id = detail.light.id
        group = detail.light.group
        controller = detail.light.controller
        ratedPowerW = detail.light.ratedPowerWatts
        commandedLevel = Nullable(detail.command?.level)
        reportedLevel = Nullable(detail.reportedLevel)
        acked = Nullable(detail.command?.isAcknowledged)
        lastAck = Nullable(detail.lastAck)
        powerW = Nullable(detail.powerWatts)
        energyWh = Nullable(detail.energyWattHours)
        faults = detail.faults
        faultsSince = Nullable(detail.faultsSince)
        lastSeen = Nullable(detail.lastSeen)
        state = detail.condition
        recent = detail.recent.map {
            Sample(at: $0.at, level: $0.level, powerW: Nullable($0.powerWatts), energyWh: Nullable($0.energyWattHours))
        }
    }
}
