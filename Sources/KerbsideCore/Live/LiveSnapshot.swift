import Foundation

/// A parking zone's figures at one instant.
public struct ZoneFigures: Sendable, Equatable {
    public var id: String
    public var name: String
    public var capacity: Int
    public var occupied: Int
    public var free: Int
    public var unknown: Int
    /// Occupied share of the bays whose state is known; `nil` when none is.
    public var occupancy: Double?
    public var updatedAt: Date
}

/// One bay in a zone listing.
public struct BaySummary: Sendable, Equatable {
    public var id: String
    public var state: Occupancy
    public var since: Date?
}

/// A sign's answer at one instant, as DESIGN.md defines it.
public struct SignFigures: Sendable, Equatable {
    public var id: String
    public var name: String
    public var zones: [String]
    /// Bays known free and trusted, clamped to `0...capacity`.
    public var free: Int
    public var capacity: Int
    /// Bays left out of `free` because their sensor is silent, flapping or suspect.
    public var outOfService: Int
    /// Share of the sign's bays whose answer is counted.
    public var coverage: Double
    public var status: SignStatus
    /// What an LED sign shows: the count, the full text, or the fallback when `unknown`.
    public var text: String
    public var updatedAt: Date
}

/// A light group's figures at one instant.
public struct GroupFigures: Sendable, Equatable {
    public var id: String
    public var name: String
    public var lights: Int
    public var on: Int
    public var faulty: Int
    public var offline: Int
    public var powerWatts: Double
    public var energyTodayWattHours: Double
}

/// Something operations staff should look at.
public struct Alarm: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case sensorOffline = "sensor_offline"
        case sensorFlapping = "sensor_flapping"
        case sensorSuspect = "sensor_suspect"
        case batteryLow = "battery_low"
        case lightFault = "light_fault"
        case lightOffline = "light_offline"
        case commandUnacknowledged = "command_unacknowledged"
        case levelOffTarget = "level_off_target"
    }

    /// Stable across ticks while the condition lasts: `kind:subject`.
    public var id: String { "\(kind.rawValue):\(subject)" }
    public var kind: Kind
    /// The bay or light concerned.
    public var subject: String
    /// The sensor or controller concerned.
    public var device: String
    public var since: Date?
    public var message: String
}

/// Everything the aggregation tick publishes: immutable, so readers never wait for ingest.
public struct LiveSnapshot: Sendable {
    public var takenAt: Date
    public var zones: [ZoneFigures]
    /// The bays of each zone, in the order of `zones`.
    public var baysOfZone: [[BaySummary]]
    public var signs: [SignFigures]
    public var groups: [GroupFigures]
    public var alarms: [Alarm]
    /// Bays that turned unknown through silence during this tick.
    public var transitions: [BayTransition]
    /// Minute buckets that closed since the previous tick, for the rollup writer; oldest first per zone.
    public var closedRollups: [ZoneRollup]
    /// Each zone's still-open minute, so history answers include the newest data.
    public var openRollups: [ZoneRollup]
    /// Light-group minute buckets that closed since the previous tick, for the rollup writer.
    public var closedGroupRollups: [GroupRollup]
    /// Each light group's still-open minute.
    public var openGroupRollups: [GroupRollup]
    /// Parking sessions that ended since the previous tick, for the writer.
    public var endedSessions: [ParkingSession]

    public static func empty(at instant: Date) -> LiveSnapshot {
        LiveSnapshot(
            takenAt: instant,
            zones: [],
            baysOfZone: [],
            signs: [],
            groups: [],
            alarms: [],
            transitions: [],
            closedRollups: [],
            openRollups: [],
            closedGroupRollups: [],
            openGroupRollups: [],
            endedSessions: []
        )
    }
}
