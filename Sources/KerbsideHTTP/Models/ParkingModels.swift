import Foundation
import KerbsideCore

struct ZoneModel: Encodable, Sendable {
    let id: String
    let name: String
    let capacity: Int
    let occupied: Int
    let free: Int
    let unknown: Int
    let occupancy: Nullable<Double>
    let updatedAt: Date
    let bays: [BaySummaryModel]?

    enum CodingKeys: String, CodingKey {
        case id, name, capacity, occupied, free, unknown, occupancy, bays
        case updatedAt = "updated_at"
    }

    init(_ zone: ZoneFigures, bays: [BaySummary]? = nil) {
        id = zone.id
        name = zone.name
        capacity = zone.capacity
        occupied = zone.occupied
        free = zone.free
        unknown = zone.unknown
        occupancy = Nullable(zone.occupancy)
        updatedAt = zone.updatedAt
        self.bays = bays?.map(BaySummaryModel.init)
    }
}

struct BaySummaryModel: Encodable, Sendable {
    let id: String
    let state: Occupancy
    let since: Nullable<Date>

    init(_ bay: BaySummary) {
        id = bay.id
        state = bay.state
        since = Nullable(bay.since)
    }
}

struct BayModel: Encodable, Sendable {
    struct Sample: Encodable, Sendable {
        let at: Date
        let occupied: Bool
        let batteryV: Nullable<Double>
        let kind: ParkingReadingKind

        enum CodingKeys: String, CodingKey {
            case at, occupied, kind
            case batteryV = "battery_v"
        }
    }

    let id: String
    let zone: String
    let sensor: String
    let state: Occupancy
    let since: Nullable<Date>
    let lastSeen: Nullable<Date>
    let batteryV: Nullable<Double>
    let batteryLow: Bool
    let maxStayMinutes: Nullable<Int>
    let overstay: Bool
    let offline: Bool
    let flapping: Bool
    let suspect: Bool
    let recent: [Sample]

    enum CodingKeys: String, CodingKey {
        case id, zone, sensor, state, since, overstay, offline, flapping, suspect, recent
        case lastSeen = "last_seen"
        case batteryV = "battery_v"
        case batteryLow = "battery_low"
        case maxStayMinutes = "max_stay_minutes"
    }

    init(_ detail: BayDetail) {
        id = detail.bay.id
        zone = detail.bay.zone
        sensor = detail.bay.sensor
        state = detail.status.state
        since = Nullable(detail.status.since)
        lastSeen = Nullable(detail.status.lastSeen)
        batteryV = Nullable(detail.status.batteryVolts)
        batteryLow = detail.status.isBatteryLow
        maxStayMinutes = Nullable(detail.maxStayMinutes)
        overstay = detail.status.isOverstay
        offline = detail.status.isOffline
        flapping = detail.status.isFlapping
        suspect = detail.status.isSuspect
        recent = detail.recent.map {
            Sample(at: $0.at, occupied: $0.occupied, batteryV: Nullable($0.batteryVolts), kind: $0.kind)
        }
    }
}

struct ZoneHistoryModel: Encodable, Sendable {
    let start: Date
    let end: Date
    let occupancyAvg: Nullable<Double>
    let occupiedMax: Int
    let freeMin: Int
    let unknownAvg: Double
    let arrivals: Int
    let departures: Int

    enum CodingKeys: String, CodingKey {
        case start, end, arrivals, departures
        case occupancyAvg = "occupancy_avg"
        case occupiedMax = "occupied_max"
        case freeMin = "free_min"
        case unknownAvg = "unknown_avg"
    }

    init(_ rollup: ZoneRollup) {
        start = rollup.start
        end = rollup.end
        occupancyAvg = Nullable(rollup.occupancyAverage)
        occupiedMax = rollup.occupiedMax
        freeMin = rollup.freeMin
        unknownAvg = rollup.unknownAverage
        arrivals = rollup.arrivals
        departures = rollup.departures
    }
}
