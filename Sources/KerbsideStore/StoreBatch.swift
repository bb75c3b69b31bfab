import KerbsideCore

/// What one write transaction stores: closed minute buckets of zones and light groups, and ended parking sessions.
public struct StoreBatch: Sendable {
    public var zoneRollups: [ZoneRollup]
    public var groupRollups: [GroupRollup]
    public var sessions: [ParkingSession]
    /// The live state these rows bring the database up to, and the journal position it includes; stored in the
    /// same transaction, so a restart replays exactly what the rows do not hold yet.
    public var checkpoint: StoredCheckpoint?

    public init(
        zoneRollups: [ZoneRollup] = [],
        groupRollups: [GroupRollup] = [],
        sessions: [ParkingSession] = [],
        checkpoint: StoredCheckpoint? = nil
    ) {
        self.zoneRollups = zoneRollups
        self.groupRollups = groupRollups
        self.sessions = sessions
        self.checkpoint = checkpoint
    }

    public var isEmpty: Bool { zoneRollups.isEmpty && groupRollups.isEmpty && sessions.isEmpty && checkpoint == nil }
    public var count: Int { zoneRollups.count + groupRollups.count + sessions.count }
}

/// A checkpoint of the live state and the journal position it includes.
public struct StoredCheckpoint: Sendable, Codable {
    public var state: LiveCheckpoint
    public var journal: JournalPosition

    public init(state: LiveCheckpoint, journal: JournalPosition) {
        self.state = state
        self.journal = journal
    }
}
