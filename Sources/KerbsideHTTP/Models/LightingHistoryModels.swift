import Foundation
import KerbsideCore

/// One bucket of `GET /lighting/groups/{id}/history`.
struct GroupHistoryModel: Encodable, Sendable {
    let start: Date
    let end: Date
    let energyWh: Double
    let fullPowerWh: Double
    let levelAvg: Nullable<Double>
    let burningHours: Double
    let faultMinutes: Double
    let unknownAvg: Double

    enum CodingKeys: String, CodingKey {
        case start, end
        case energyWh = "energy_wh"
        case fullPowerWh = "full_power_wh"
        case levelAvg = "level_avg"
        case burningHours = "burning_hours"
        case faultMinutes = "fault_minutes"
        case unknownAvg = "unknown_avg"
    }

    init(_ rollup: GroupRollup) {
        start = rollup.start
        end = rollup.end
        energyWh = rollup.energyWattHours
        fullPowerWh = rollup.fullPowerWattHours
        levelAvg = Nullable(rollup.levelAverage)
        burningHours = rollup.burningHours
        faultMinutes = rollup.faultMinutes
        unknownAvg = rollup.unknownAverage
    }
}

/// One night of `GET /lighting/groups/{id}/nights`: what the group drew beside what full power would have drawn.
struct GroupNightModel: Encodable, Sendable {
    /// The local date of the evening.
    let night: String
    let start: Date
    let end: Date
    let energyKwh: Double
    let fullPowerKwh: Double
    let savedKwh: Double
    /// Share of the full-power energy that dimming saved; `null` when nothing burned.
    let savedRatio: Nullable<Double>
    let burningHours: Double
    let levelAvg: Nullable<Double>
    let faultMinutes: Double
    /// Light-hours with no data (lights silent, or the daemon down); a large figure makes the night's energy partial.
    let unknownLightHours: Double

    enum CodingKeys: String, CodingKey {
        case night, start, end
        case energyKwh = "energy_kwh"
        case fullPowerKwh = "full_power_kwh"
        case savedKwh = "saved_kwh"
        case savedRatio = "saved_ratio"
        case burningHours = "burning_hours"
        case levelAvg = "level_avg"
        case faultMinutes = "fault_minutes"
        case unknownLightHours = "unknown_light_hours"
    }

    init(night: LightingNight, figures: GroupRollup) {
        self.night = night.evening.description
        start = night.start
        end = night.end
        energyKwh = figures.energyWattHours / 1000
        fullPowerKwh = figures.fullPowerWattHours / 1000
        savedKwh = figures.savedWattHours / 1000
        savedRatio = Nullable(
            figures.fullPowerWattHours > 0 ? figures.savedWattHours / figures.fullPowerWattHours : nil
        )
        burningHours = figures.burningHours
        levelAvg = Nullable(figures.levelAverage)
        faultMinutes = figures.faultMinutes
        unknownLightHours = figures.unknownLightSeconds / 3600
    }
}
