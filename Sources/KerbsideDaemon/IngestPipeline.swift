import Foundation
import KerbsideCore
import KerbsideStore
import Logging
import MQTT
import Synchronization

/// Takes every inbound MQTT message on libmosquitto's thread, and applies it to the live state under one short
/// lock: nothing here waits on SQLite, HTTP or the network.
final class IngestPipeline: Sendable {
    /// The live state and the journal, under one lock: a reading is journaled in the same critical section that
    /// applies it, so the journal's order is the order of application.
    private struct Core {
        var live: LiveState
        var journal: IngestJournal?
        var lastCheckpoint: Date
        /// Whether a checkpoint of this run was taken yet: the first stores every device, the rest what changed.
        var tookFirstCheckpoint = false
        var journalFailureReported = false

        /// A copy of the state costs nothing here; the writer turns it into rows on its own queue.
        mutating func takeCheckpoint(at now: Date) -> PendingCheckpoint {
            lastCheckpoint = now
            let changes = live.takeDeviceChanges()
            defer { tookFirstCheckpoint = true }
            return PendingCheckpoint(
                state: live,
                journal: journalPosition,
                takenAt: now,
                changes: changes,
                replacesAllDevices: !tookFirstCheckpoint
            )
        }

        /// Without a journal, a position past any segment: a restart then replays nothing.
        var journalPosition: JournalPosition {
            journal?.position ?? JournalPosition(segment: UInt64(Int64.max), offset: 0)
        }
    }

    /// The live state as of a tick and the journal position after it, for the rollup writer to store.
    struct PendingCheckpoint: Sendable {
        /// Devices a checkpoint's slice turns into rows at once.
        static let devicesPerSlice = 10_000

        let state: LiveState
        let journal: JournalPosition
        let takenAt: Date
        /// The devices changed since the previous checkpoint, which are all that need storing, unless
        /// `replacesAllDevices`.
        let changes: DeviceChanges
        let replacesAllDevices: Bool

        /// This checkpoint, standing in for `older`, which was never stored: the devices that changed for either.
        func replacing(_ older: PendingCheckpoint) -> PendingCheckpoint {
            PendingCheckpoint(
                state: state,
                journal: journal,
                takenAt: takenAt,
                changes: replacesAllDevices || older.replacesAllDevices ? changes : changes.union(older.changes),
                replacesAllDevices: replacesAllDevices || older.replacesAllDevices
            )
        }

        func stored() -> StoredCheckpoint {
            let state = state
            let changes =
                replacesAllDevices
                ? DeviceChanges.all(bayCount: state.inventory.bays.count, lightCount: state.inventory.lights.count)
                : changes
            let size = Self.devicesPerSlice
            let baySlices = (changes.bays.count + size - 1) / size
            let lightSlices = (changes.lights.count + size - 1) / size
            return StoredCheckpoint(
                state: state.checkpoint(at: takenAt, includingDevices: false),
                journal: journal,
                deviceRows: CheckpointDeviceRows(
                    replacesAll: replacesAllDevices,
                    sliceCount: baySlices + lightSlices
                ) { slice in
                    if slice < baySlices {
                        let start = slice * size
                        let bays = Array(changes.bays[start..<min(start + size, changes.bays.count)])
                        return state.persistedDevices(DeviceChanges(bays: bays))
                    }
                    let start = (slice - baySlices) * size
                    let lights = Array(changes.lights[start..<min(start + size, changes.lights.count)])
                    return state.persistedDevices(DeviceChanges(lights: lights))
                }
            )
        }
    }

    private let core: Mutex<Core>
    private let checkpointInterval: TimeInterval
    private let rejectLog = Mutex(RejectLog())
    private let logLimiter = Mutex(RateLimitedLog())
    private let router: TopicRouter
    private let clock: @Sendable () -> Date
    private let metrics: DaemonMetrics
    private let logger: Logger

    /// - Parameters:
    ///   - state: the live state, restored and replayed.
    ///   - journal: where accepted readings are journaled; `nil` runs without crash safety.
    ///   - checkpointInterval: how often a tick hands a checkpoint to the writer.
    ///   - router: maps topics to devices.
    ///   - clock: the wall clock.
    ///   - metrics: the daemon's metrics.
    ///   - logger: for rejections and journal failures.
    init(
        state: LiveState,
        journal: IngestJournal?,
        checkpointInterval: TimeInterval,
        router: TopicRouter,
        clock: @escaping @Sendable () -> Date,
        metrics: DaemonMetrics,
        logger: Logger
    ) {
        core = Mutex(Core(live: state, journal: journal, lastCheckpoint: state.startedAt))
        self.checkpointInterval = checkpointInterval
        self.router = router
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
    }

    /// Handles one message; called from the MQTT client's network thread.
    func handle(_ message: MQTTMessage) {
        metrics.messagesIn.increment()
        let receivedAt = clock()
        message.payload.withUnsafeBytes { payload in
            guard let route = router.route(message.topic) else {
                reject(Rejection(.schema, "topic is not a Kerbside state topic"), message.topic, payload, receivedAt)
                return
            }
            let result = core.withLock { core in
                let result = core.live.ingest(payload, route: route, receivedAt: receivedAt)
                if case .rejected = result { return result }
                let (kind, device) = Self.journalKey(of: route)
                core.journal?.appendMessage(kind: kind, device: device, payload: payload, receivedAt: receivedAt)
                return result
            }
            switch result {
            case .parking(_, let occurredAt, _), .lighting(_, let occurredAt, _):
                metrics.readingsAccepted.increment()
                metrics.ingestLag.record(max(0, receivedAt.timeIntervalSince(occurredAt)))
            case .ignored:
                metrics.readingsIgnored.increment()
            case .rejected(let rejection):
                reject(rejection, message.topic, payload, receivedAt)
            }
        }
    }

    /// How a route is journaled; replay turns it back with `route(journaled:device:)`.
    static func journalKey(of route: InboundRoute) -> (JournalRouteKind, Substring) {
        switch route {
        case .parking(let sensor): (.parking, sensor)
        case .lighting(let controller): (.lighting, controller)
        case .networkServer(.chirpStackV4, let topic): (.chirpStackV4, topic)
        case .networkServer(.chirpStackV3, let topic): (.chirpStackV3, topic)
        case .networkServer(.theThingsStackV3, let topic): (.theThingsStackV3, topic)
        }
    }

    static func route(journaled kind: JournalRouteKind, device: String) -> InboundRoute {
        switch kind {
        case .parking: .parking(sensor: device[...])
        case .lighting: .lighting(controller: device[...])
        case .chirpStackV4: .networkServer(.chirpStackV4, topic: device[...])
        case .chirpStackV3: .networkServer(.chirpStackV3, topic: device[...])
        case .theThingsStackV3: .networkServer(.theThingsStackV3, topic: device[...])
        }
    }

    private func reject(_ rejection: Rejection, _ topic: String, _ payload: UnsafeRawBufferPointer, _ at: Date) {
        metrics.rejects[rejection.reason]?.increment()
        rejectLog.withLock { $0.record(rejection, topic: topic, payload: payload, at: at) }
        switch logLimiter.withLock({ $0.decide(rejection.reason, at: at) }) {
        case .suppress:
            break
        case .log(let suppressedBefore):
            logger.warning(
                "rejected message",
                metadata: [
                    "mqtt.topic": "\(topic)",
                    "ingest.reason": "\(rejection.reason.rawValue)",
                    "ingest.detail": "\(rejection.detail)",
                    "ingest.suppressed_before": "\(suppressedBefore)",
                ]
            )
        }
    }

    /// One aggregation step over the live state, journaled; every `checkpointInterval` it also returns a checkpoint.
    func tick(now: Date) -> (snapshot: LiveSnapshot, checkpoint: PendingCheckpoint?) {
        let (frame, checkpoint, journalFailure) = core.withLock { core in
            let frame = core.live.advance(now: now)
            core.journal?.appendTick(now: now)
            var checkpoint: PendingCheckpoint?
            if now.timeIntervalSince(core.lastCheckpoint) >= checkpointInterval {
                checkpoint = core.takeCheckpoint(at: now)
            }
            // Reported when the journal stops and when it starts again, not at every tick in between.
            var change: String??
            let failure = core.journal?.failure
            if (failure != nil) != core.journalFailureReported {
                core.journalFailureReported = failure != nil
                change = .some(failure)
            }
            return (frame, checkpoint, change)
        }
        // Outside the lock: a reading arriving now waits for the state's own work only, not for bay lists and
        // alarm texts (one per bay when a whole city flaps).
        let snapshot = frame.snapshot()
        switch journalFailure {
        case .some(.some(let failure)):
            logger.error(
                "ingest journal stopped; readings since the last checkpoint are lost if the daemon crashes",
                metadata: ["store.error": "\(failure)"]
            )
        case .some(.none):
            logger.notice("ingest journal writes again")
        case .none:
            break
        }
        return (snapshot, checkpoint)
    }

    func setDimmingPolicy(_ policy: DimmingPolicy) {
        core.withLock { $0.live.dimmingPolicy = policy }
    }

    /// The commands due now, recorded as sent (see `LiveState.planCommands`).
    func planCommands(targets: [(level: Int, reason: String)?], now: Date, budget: Int) -> [OutgoingCommand] {
        core.withLock { core in
            core.live.planCommands(targets: targets, now: now, policy: core.live.dimmingPolicy, budget: budget)
        }
    }

    /// Takes back commands that could not be published, so the next round sends them first.
    func unsend(_ commands: [OutgoingCommand]) {
        core.withLock { core in
            for command in commands { core.live.unsend(command) }
        }
    }

    /// A checkpoint of the state as it is now, whatever the interval: at shutdown and after replay.
    func checkpointNow(at now: Date) -> PendingCheckpoint {
        core.withLock { $0.takeCheckpoint(at: now) }
    }

    func bayDetail(id: String, now: Date) -> BayDetail? {
        core.withLock { $0.live.bayDetail(id: id, now: now) }
    }

    func lightDetail(id: String, now: Date) -> LightDetail? {
        core.withLock { $0.live.lightDetail(id: id, now: now) }
    }

    func currentRejectLog() -> RejectLog {
        rejectLog.withLock { $0 }
    }
}
