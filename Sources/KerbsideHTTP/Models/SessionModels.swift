import Foundation
import KerbsideCore

struct ZoneSessionsModel: Encodable, Sendable {
    /// Listed sessions are capped; the statistics always cover them all.
    static let listLimit = 1000

    struct Statistics: Encodable, Sendable {
        let sessions: Int
        let medianMinutes: Nullable<Double>
        let p90Minutes: Nullable<Double>
        let overstays: Int
        let turnoverPerBayPerDay: Nullable<Double>

        enum CodingKeys: String, CodingKey {
            case sessions, overstays
            case medianMinutes = "median_minutes"
            case p90Minutes = "p90_minutes"
            case turnoverPerBayPerDay = "turnover_per_bay_per_day"
        }
    }

    struct Session: Encodable, Sendable {
        let bay: String
        let arrived: Date
        let departed: Date
        let durationMinutes: Double
        let overstay: Bool

        enum CodingKeys: String, CodingKey {
            case bay, arrived, departed, overstay
            case durationMinutes = "duration_minutes"
        }
    }

    let from: Date
    let to: Date
    let statistics: Statistics
    let sessions: [Session]
    let truncated: Bool

    init(from: Date, to: Date, sessions: [ParkingSession], bays: Int) {
        self.from = from
        self.to = to
        let stats = DwellStatistics(sessions: sessions, bays: bays, period: to.timeIntervalSince(from))
        statistics = Statistics(
            sessions: stats.sessions,
            medianMinutes: Nullable(stats.medianMinutes),
            p90Minutes: Nullable(stats.p90Minutes),
            overstays: stats.overstays,
            turnoverPerBayPerDay: Nullable(stats.turnoverPerBayPerDay)
        )
        self.sessions = sessions.suffix(Self.listLimit).map {
            Session(
                bay: $0.bay,
                arrived: $0.arrived,
                departed: $0.departed,
                durationMinutes: $0.duration / 60,
                overstay: $0.isOverstay
            )
        }
        truncated = sessions.count > Self.listLimit
    }
}
