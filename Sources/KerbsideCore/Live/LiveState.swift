import Foundation

/// Every device's live record and the aggregates over them: the pure core the ingest thread and the aggregation
/// loop share. Not thread-safe by itself: its owner serialises access (one short lock), and readers use the
/// snapshots `tick(now:)` returns.
public struct LiveState: Sendable {
    public let inventory: Inventory
    public let policy: IngestPolicy
    /// When the daemon started; a sensor never heard from since then is offline once its silence limit passes.
    public let startedAt: Date

    var bays: [BayState]
    var lights: [LightState]
    /// Devices changed since the last `takeDeviceChanges()`.
    var changedBays: DeviceChangeSet
    var changedLights: DeviceChangeSet
    var signStatuses: [SignStatus]
    /// One minute-bucket integrator per zone, fed by every bay transition.
    var zoneRollups: [ZoneRollupAccumulator]
    /// Buckets closed by ingest since the last tick, handed out by the tick.
    var closedRollups: [ZoneRollup] = []
    /// One minute-bucket integrator per light group, fed by every change of a light's state.
    var groupRollups: [GroupRollupAccumulator]
    /// What each light adds to its group's rollups; `nil` while unknown (never heard, or offline).
    var lightRollupStates: [LightRollupState?]
    var closedGroupRollups: [GroupRollup] = []
    /// What each light was last commanded.
    var commands: [LightCommand?]
    /// Makes command ids unique across runs: the start time, in seconds.
    let commandPrefix: String
    var commandCounter: UInt64 = 0
    /// Where the next `planCommands` starts, so lights take turns when the budget runs out.
    var commandCursor = 0
    public var dimmingPolicy = DimmingPolicy()
    /// The device models of the catalog, by id, for devices behind a network server.
    public var deviceModels: [String: DeviceModel] = [:]
    /// For each light behind a network server, where its downlinks go; learnt from its uplinks.
    var networkServerRoutes: [NetworkServerRoute?]
    /// Parking sessions ended since the last tick, handed out by the tick.
    var endedSessions: [ParkingSession] = []
    var dayFinder: LocalDayFinder

    let zoneOfBay: [Int]
    let groupOfLight: [Int]
    let baysOfZone: [[Int]]
    let lightsOfGroup: [[Int]]
    let thresholdsOfSign: [SignThresholds]
    let zonesOfSign: [[Int]]

    public init(inventory: Inventory, policy: IngestPolicy, timeZone: TimeZone, startedAt: Date) {
        self.inventory = inventory
        self.policy = policy
        self.startedAt = startedAt
        zoneOfBay = inventory.bays.map { inventory.zoneIndexByID[$0.zone] ?? 0 }
        groupOfLight = inventory.lights.map { inventory.groupIndexByID[$0.group] ?? 0 }
        baysOfZone = inventory.bayIndicesByZone()
        lightsOfGroup = inventory.lightIndicesByGroup()
        let zonesOfSign = inventory.signs.map { sign in sign.zones.compactMap { inventory.zoneIndexByID[$0] } }
        self.zonesOfSign = zonesOfSign
        let baysOfZone = baysOfZone
        thresholdsOfSign = zip(inventory.signs, zonesOfSign).map { sign, zones in
            sign.thresholds ?? .defaults(forCapacity: zones.reduce(0) { $0 + baysOfZone[$1].count })
        }
        bays = zoneOfBay.map { zoneIndex in
            BayState(
                historyCapacity: policy.historyCapacity,
                flappingMaxChanges: inventory.zones[zoneIndex].health.flappingMaxChanges,
                seqWindowCapacity: policy.seqWindowCapacity
            )
        }
        lights = Array(
            repeating: LightState(historyCapacity: policy.historyCapacity, seqWindowCapacity: policy.seqWindowCapacity),
            count: inventory.lights.count
        )
        changedBays = DeviceChangeSet(capacity: inventory.bays.count)
        changedLights = DeviceChangeSet(capacity: inventory.lights.count)
        signStatuses = Array(repeating: .unknown, count: inventory.signs.count)
        // Every bay is unknown at start: nothing is known until its sensor speaks.
        zoneRollups = zip(inventory.zones, baysOfZone).map { zone, members in
            ZoneRollupAccumulator(
                zone: zone.id,
                capacity: members.count,
                bucketLength: LiveState.rollupBucketLength,
                occupied: 0,
                free: 0,
                now: startedAt
            )
        }
        lightRollupStates = Array(repeating: nil, count: inventory.lights.count)
        commands = Array(repeating: nil, count: inventory.lights.count)
        networkServerRoutes = Array(repeating: nil, count: inventory.lights.count)
        // Milliseconds, so that even a crash loop restarting within one second never reuses an id.
        commandPrefix = String(Int64(startedAt.timeIntervalSince1970 * 1000), radix: 36)
        groupRollups = Self.groupAccumulators(
            inventory: inventory,
            lightsOfGroup: lightsOfGroup,
            states: [],
            at: startedAt
        )
        dayFinder = LocalDayFinder(timeZone: timeZone)
    }

    static func groupAccumulators(
        inventory: Inventory,
        lightsOfGroup: [[Int]],
        states: [LightRollupState?],
        at now: Date
    ) -> [GroupRollupAccumulator] {
        zip(inventory.groups, lightsOfGroup).map { group, members in
            GroupRollupAccumulator(
                group: group.id,
                lights: members.count,
                bucketLength: LiveState.rollupBucketLength,
                states: members.compactMap { states.indices.contains($0) ? states[$0] : nil },
                now: now
            )
        }
    }

    /// Feeds a light's new rollup state (and any metered energy) to its group's rollups.
    mutating func recordForRollups(light lightIndex: Int, state: LightRollupState?, meteredWattHours: Double, at: Date)
    {
        let groupIndex = groupOfLight[lightIndex]
        if meteredWattHours > 0 {
            closedGroupRollups += groupRollups[groupIndex].book(wattHours: meteredWattHours, at: at)
        }
        let previous = lightRollupStates[lightIndex]
        guard previous != state else { return }
        closedGroupRollups += groupRollups[groupIndex].apply(from: previous, to: state, at: at)
        lightRollupStates[lightIndex] = state
    }

    /// The finest rollup level: one minute, aligned to UTC.
    public static let rollupBucketLength: TimeInterval = 60

    /// Feeds a bay transition to its zone's rollups; never later than the daemon's own clock, so a device clock
    /// that runs ahead cannot close buckets early.
    mutating func recordForRollups(_ transition: BayTransition, receivedAt: Date) {
        let zoneIndex = zoneOfBay[transition.bayIndex]
        closedRollups += zoneRollups[zoneIndex].apply(
            from: transition.from,
            to: transition.to,
            at: min(transition.at, receivedAt)
        )
    }

    func healthPolicy(ofBay bayIndex: Int) -> SensorHealthPolicy {
        inventory.zones[zoneOfBay[bayIndex]].health
    }

    func maxStayMinutes(ofBay bayIndex: Int) -> Int? {
        inventory.bays[bayIndex].maxStayMinutes ?? inventory.zones[zoneOfBay[bayIndex]].maxStayMinutes
    }

    func offlineAfter(ofLight lightIndex: Int) -> TimeInterval {
        inventory.groups[groupOfLight[lightIndex]].offlineAfter
    }
}
