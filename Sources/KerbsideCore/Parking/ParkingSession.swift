import Foundation

/// One car's stay: from an arrival (free → occupied) to the next departure (occupied → free) of the same bay.
/// A stay that began or ended in `unknown` is no session: nobody knows when that car came or went.
public struct ParkingSession: Sendable, Equatable {
    public var bay: String
    public var zone: String
    public var arrived: Date
    public var departed: Date
    /// The stay allowed when the car left, if any.
    public var maxStayMinutes: Int?

    public init(bay: String, zone: String, arrived: Date, departed: Date, maxStayMinutes: Int?) {
        self.bay = bay
        self.zone = zone
        self.arrived = arrived
        self.departed = departed
        self.maxStayMinutes = maxStayMinutes
    }

    public var duration: TimeInterval { departed.timeIntervalSince(arrived) }

    /// Longer than the bay allows: an enforcement matter.
    public var isOverstay: Bool { maxStayMinutes.map { duration > Double($0) * 60 } ?? false }
}

/// Dwell and turnover over a set of sessions, for "how long do people stay, how often does a bay change hands".
public struct DwellStatistics: Sendable, Equatable {
    public var sessions: Int
    public var medianMinutes: Double?
    public var p90Minutes: Double?
    public var overstays: Int
    /// Sessions per bay per day over the period asked about.
    public var turnoverPerBayPerDay: Double?

    /// - Parameters:
    ///   - sessions: the sessions that ended in the period.
    ///   - bays: the zone's number of bays.
    ///   - period: the period's length in seconds.
    public init(sessions: [ParkingSession], bays: Int, period: TimeInterval) {
        let minutes = sessions.map { $0.duration / 60 }.sorted()
        self.sessions = sessions.count
        medianMinutes = Self.percentile(0.5, of: minutes)
        p90Minutes = Self.percentile(0.9, of: minutes)
        overstays = sessions.filter(\.isOverstay).count
        turnoverPerBayPerDay = bays > 0 && period > 0 ? Double(sessions.count) / Double(bays) / (period / 86_400) : nil
    }

    /// Linear interpolation between closest ranks, as most spreadsheet tools do.
    static func percentile(_ fraction: Double, of sorted: [Double]) -> Double? {
        guard let first = sorted.first else { return nil }
        guard sorted.count > 1 else { return first }
        let position = fraction * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
    }
}
