import Foundation
import KerbsideCore
import KerbsideStore
import Logging
import MQTT
import Synchronization

/// Takes every inbound MQTT message on libmosquitto's thread, journals and queues it (see `IngestInbox`), and
/// applies the queue to the live state on a drainer thread of its own, under one lock that is never held across
/// SQLite, HTTP or the network. Whoever else takes that lock (a tick, a reader, the dimming loop) applies the queue
/// first, so nothing reads a state older than what was received.
final class IngestPipeline: Sendable {
    /// The live state and how far into the journal it reaches.
    private struct Core {
        var live: LiveState
        /// The journal position the live state includes: everything queued before the last `applyArrivals`.
        var appliedJournal: JournalPosition
        var lastCheckpoint: Date
        /// Whether a checkpoint of this run was taken yet: the first stores every device, the rest what changed.
        var tookFirstCheckpoint = false
        var journalFailureReported = false

        /// Applies what `inbox` holds, in its order.
        ///
        /// - Parameters:
        ///   - inbox: where the arrivals wait.
        ///   - tick: when given, a tick at that time is journaled after the arrivals taken, in the same critical
        ///     section, so that replay puts it between the same readings as here.
        /// - Returns: the arrivals with their results, for the caller to count and log once the lock is released.
        mutating func applyArrivals(
            from inbox: borrowing Mutex<IngestInbox>,
            journalingTickAt tick: Date? = nil
        ) -> AppliedArrivals {
            let (arrivals, position) = inbox.withLock { $0.take(journalingTickAt: tick) }
            appliedJournal = position
            var results: [IngestResult] = []
            results.reserveCapacity(arrivals.count)
            arrivals.forEach { arrival in
                let route = IngestPipeline.route(
                    journaled: arrival.kind,
                    device: String(decoding: arrival.key, as: UTF8.self)
                )
                results.append(live.ingest(arrival.payload, route: route, receivedAt: arrival.receivedAt))
            }
            return AppliedArrivals(arrivals: arrivals, results: results)
        }

        /// A copy of the state costs nothing here; the writer turns it into rows on its own queue.
        mutating func takeCheckpoint(at now: Date) -> PendingCheckpoint {
            lastCheckpoint = now
            let changes = live.takeDeviceChanges()
            defer { tookFirstCheckpoint = true }
            return PendingCheckpoint(
                state: live,
                journal: appliedJournal,
                takenAt: now,
                changes: changes,
                replacesAllDevices: !tookFirstCheckpoint
            )
        }
    }

    /// Arrivals taken from the inbox and applied, each with its result, in the same order.
    private struct AppliedArrivals {
        var arrivals: ArrivalBatch
        let results: [IngestResult]
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

    /// Arrivals beyond this many wait for the network thread to apply them itself: back-pressure on the broker
    /// rather than unbounded memory, should the drainer ever stall.
    static let maxWaitingArrivals = 100_000
    /// How often a busy drainer looks at the queue: the most a reading waits before it is applied. Polling, not a
    /// signal per message, because a wake-up costs the network thread a system call each time.
    static let drainerPollInterval: DispatchTimeInterval = .milliseconds(1)
    /// Empty polls after which the drainer sleeps until the next message signals it.
    static let idlePollsBeforeSleep = 20

    private let core: Mutex<Core>
    private let inbox: Mutex<IngestInbox>
    private let drainerWakeUp = DispatchSemaphore(value: 0)
    private let checkpointInterval: TimeInterval
    private let rejectLog = Mutex(RejectLog())
    private let logLimiter = Mutex(RateLimitedLog())
    private let router: TopicRouter
    private let clock: @Sendable () -> Date
    private let metrics: DaemonMetrics
    private let logger: Logger

    /// - Parameters:
    ///   - state: the live state, restored and replayed.
    ///   - journal: where received readings are journaled; `nil` runs without crash safety.
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
        let start = IngestInbox(journal: journal, journaledPayloadLimit: state.policy.maxPayloadBytes)
        core = Mutex(Core(live: state, appliedJournal: start.journalPosition, lastCheckpoint: state.startedAt))
        inbox = Mutex(start)
        self.checkpointInterval = checkpointInterval
        self.router = router
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
        let wakeUp = drainerWakeUp
        Thread.detachNewThread { [weak self] in
            Self.runDrainer(of: { self }, wakeUp: wakeUp)
        }
    }

    deinit {
        // The drainer holds no reference while it waits: woken, it finds the pipeline gone and ends.
        drainerWakeUp.signal()
    }

    /// Handles one message, still in libmosquitto's buffers; called from the MQTT client's network thread.
    func handle(_ message: MQTTBorrowedMessage) {
        let receivedAt = clock()
        guard let match = router.match(utf8: message.topic) else {
            let topic = String(decoding: message.topic, as: UTF8.self)
            reject(Rejection(.schema, "topic is not a Kerbside state topic"), topic, message.payload, receivedAt)
            metrics.messagesIn.increment()
            return
        }
        let key = UnsafeRawBufferPointer(rebasing: message.topic[match.key])
        let kind = Self.journalKind(of: match.kind)
        let (wakeDrainer, waiting) = inbox.withLock {
            $0.add(kind: kind, key: key, payload: message.payload, receivedAt: receivedAt)
        }
        if wakeDrainer { drainerWakeUp.signal() }
        if waiting >= Self.maxWaitingArrivals { applyArrivals() }
    }

    /// Handles one message held in storage of its own (tests, replays of captured traffic).
    func handle(_ message: MQTTMessage) {
        message.withBorrowed { handle($0) }
    }

    /// The drainer's loop. It keeps a strong reference only while it works, so the pipeline can go away while it
    /// waits.
    private static func runDrainer(of pipeline: () -> IngestPipeline?, wakeUp: DispatchSemaphore) {
        var idlePolls = 0
        while true {
            guard let sleeps = pipeline()?.drainerRound(idlePolls: &idlePolls) else { return }
            if sleeps {
                wakeUp.wait()
            } else {
                _ = wakeUp.wait(timeout: .now() + drainerPollInterval)
            }
        }
    }

    /// Applies what is queued; returns whether the drainer may now sleep until signalled.
    private func drainerRound(idlePolls: inout Int) -> Bool {
        if applyArrivals() > 0 {
            keepJournalAhead()
            idlePolls = 0
            return false
        }
        idlePolls += 1
        guard idlePolls >= Self.idlePollsBeforeSleep else { return false }
        idlePolls = 0
        return inbox.withLock { inbox in
            guard inbox.waiting.isEmpty else { return false }
            inbox.drainerAsleep = true
            return true
        }
    }

    /// Maps the journal's next segment before it is needed and unmaps full ones, outside the inbox lock, so that
    /// libmosquitto's thread never waits for either.
    private func keepJournalAhead() {
        guard let upkeep = inbox.withLock({ $0.journal?.takeUpkeep() }) else { return }
        let prepared = upkeep.perform()
        inbox.withLock { $0.journal?.install(prepared) }
    }

    /// Applies what is queued, now, on the calling thread.
    @discardableResult
    private func applyArrivals() -> Int {
        let outcomes = core.withLock { $0.applyArrivals(from: inbox) }
        let count = outcomes.results.count
        report(outcomes)
        return count
    }

    /// Runs `body` on the live state once everything received is applied.
    private func withCore<Result: Sendable>(_ body: (inout Core) -> Result) -> Result {
        let (result, outcomes) = core.withLock { core in
            let outcomes = core.applyArrivals(from: inbox)
            return (body(&core), outcomes)
        }
        report(outcomes)
        return result
    }

    /// Counts and logs what applying arrivals gave, outside the state's lock, then hands their buffer back.
    private func report(_ outcomes: consuming AppliedArrivals) {
        guard !outcomes.results.isEmpty else { return }
        var index = 0
        var accepted = 0
        var ignored = 0
        outcomes.arrivals.forEach { arrival in
            defer { index += 1 }
            switch outcomes.results[index] {
            case .parking(_, let occurredAt, _), .lighting(_, let occurredAt, _):
                accepted += 1
                metrics.ingestLag.record(max(0, arrival.receivedAt.timeIntervalSince(occurredAt)))
            case .ignored:
                ignored += 1
            case .rejected(let rejection):
                let route = Self.route(journaled: arrival.kind, device: String(decoding: arrival.key, as: UTF8.self))
                reject(rejection, router.topic(of: route), arrival.payload, arrival.receivedAt)
            }
        }
        if accepted > 0 { metrics.readingsAccepted.increment(by: Int64(accepted)) }
        if ignored > 0 { metrics.readingsIgnored.increment(by: Int64(ignored)) }
        // Last, so that whoever waits for a message count sees its effects.
        metrics.messagesIn.increment(by: Int64(outcomes.results.count))
        let batch = outcomes.arrivals
        inbox.withLock { $0.recycle(batch) }
    }

    /// How a topic's route is journaled; replay turns it back with `route(journaled:device:)`.
    static func journalKind(of kind: TopicMatch.Kind) -> JournalRouteKind {
        switch kind {
        case .parking: .parking
        case .lighting: .lighting
        case .networkServer(.chirpStackV4): .chirpStackV4
        case .networkServer(.chirpStackV3): .chirpStackV3
        case .networkServer(.theThingsStackV3): .theThingsStackV3
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
        let (frame, checkpoint, journalFailure, outcomes) = core.withLock { core in
            let outcomes = core.applyArrivals(from: inbox, journalingTickAt: now)
            let frame = core.live.advance(now: now)
            var checkpoint: PendingCheckpoint?
            if now.timeIntervalSince(core.lastCheckpoint) >= checkpointInterval {
                checkpoint = core.takeCheckpoint(at: now)
            }
            // Reported when the journal stops and when it starts again, not at every tick in between.
            var change: String??
            let failure = inbox.withLock { $0.journal?.failure }
            if (failure != nil) != core.journalFailureReported {
                core.journalFailureReported = failure != nil
                change = .some(failure)
            }
            return (frame, checkpoint, change, outcomes)
        }
        report(outcomes)
        // Outside the lock: the drainer waits for the state's own work only, not for bay lists and alarm texts (one
        // per bay when a whole city flaps).
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
        withCore { $0.live.dimmingPolicy = policy }
    }

    /// The commands due now, recorded as sent (see `LiveState.planCommands`).
    func planCommands(targets: [(level: Int, reason: String)?], now: Date, budget: Int) -> [OutgoingCommand] {
        withCore { core in
            core.live.planCommands(targets: targets, now: now, policy: core.live.dimmingPolicy, budget: budget)
        }
    }

    /// Takes back commands that could not be published, so the next round sends them first.
    func unsend(_ commands: [OutgoingCommand]) {
        withCore { core in
            for command in commands { core.live.unsend(command) }
        }
    }

    /// A checkpoint of the state as it is now, whatever the interval: at shutdown and after replay.
    func checkpointNow(at now: Date) -> PendingCheckpoint {
        withCore { $0.takeCheckpoint(at: now) }
    }

    func bayDetail(id: String, now: Date) -> BayDetail? {
        withCore { $0.live.bayDetail(id: id, now: now) }
    }

    func lightDetail(id: String, now: Date) -> LightDetail? {
        withCore { $0.live.lightDetail(id: id, now: now) }
    }

    func currentRejectLog() -> RejectLog {
        rejectLog.withLock { $0 }
    }
}
