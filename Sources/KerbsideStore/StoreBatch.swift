import KerbsideCore

/// What one write transaction stores: closed minute buckets of zones and light groups, and ended parking sessions.
public struct StoreBatch: Sendable {
    public var zoneRollups: [ZoneRollup]
    public var groupRollups: [GroupRollup]
    public var sessions: [ParkingSession]

    public init(zoneRollups: [ZoneRollup] = [], groupRollups: [GroupRollup] = [], sessions: [ParkingSession] = []) {
        self.zoneRollups = zoneRollups
        self.groupRollups = groupRollups
        self.sessions = sessions
    }

    public var isEmpty: Bool { zoneRollups.isEmpty && groupRollups.isEmpty && sessions.isEmpty }
    public var count: Int { zoneRollups.count + groupRollups.count + sessions.count }
}
