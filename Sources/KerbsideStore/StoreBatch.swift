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
public struct StoredCheckpoint: Sendable {
    /// With `deviceRows`, its `devices` are empty and ignored.
    public var state: LiveCheckpoint
    public var journal: JournalPosition
    /// The devices as rows of their own, changed ones only; `nil` stores `state.devices` whole, inside the state.
    public var deviceRows: CheckpointDeviceRows?

    public init(state: LiveCheckpoint, journal: JournalPosition, deviceRows: CheckpointDeviceRows? = nil) {
        self.state = state
        self.journal = journal
        self.deviceRows = deviceRows
    }
}

/// The devices a checkpoint stores one row each: those changed since the previous checkpoint, or all of them.
///
/// A million devices inside one JSON value made a 600 MB blob and gigabytes of peak memory every minute. As rows,
/// a checkpoint writes what changed, and even a full one is encoded a slice at a time.
public struct CheckpointDeviceRows: Sendable {
    /// Whether these rows replace every stored device rather than update some: the first checkpoint of a run,
    /// since devices may have left the inventory, or the database may hold an older checkpoint with its devices
    /// inside.
    public var replacesAll: Bool
    public var sliceCount: Int
    /// The devices of one slice, made when the slice is written.
    public var slice: @Sendable (Int) -> PersistedDevices

    public init(replacesAll: Bool, sliceCount: Int, slice: @escaping @Sendable (Int) -> PersistedDevices) {
        self.replacesAll = replacesAll
        self.sliceCount = sliceCount
        self.slice = slice
    }
}
