import CoreMetrics
import Foundation
import Hummingbird
import KerbsideConfiguration
import KerbsideCore
import KerbsideHTTP
import KerbsideStore
import Logging
import MQTT
import ServiceLifecycle
import Synchronization

/// Kerbside assembled from a validated configuration: the MQTT session, the ingest pipeline, the aggregation loop
/// and the HTTP API, as services for one `ServiceGroup`.
public final class Daemon: Sendable {
    public let configuration: DaemonConfiguration
    let pipeline: IngestPipeline
    let store: SnapshotStore
    let aggregation: AggregationLoop
    let broker: BrokerConnection
    let storeWriter: StoreWriter
    let lighting: LightingControl
    let dimming: DimmingLoop
    private let http: any Service
    private let boundHTTPPort = LockedValue<Int?>(nil)
    private let clock: @Sendable () -> Date

    /// - Parameters:
    ///   - configuration: the validated configuration and inventory.
    ///   - logger: the root logger; components add their own metadata.
    ///   - metricsFactory: where metrics go; the executable bootstraps Prometheus, tests pass their own.
    ///   - metricsExposition: renders every metric for `/metrics`.
    ///   - clock: the wall clock, read here and nowhere below.
    /// - Throws: `MQTTError` when the broker settings cannot make an MQTT client.
    public convenience init(
        configuration: DaemonConfiguration,
        logger: Logger,
        metricsFactory: any MetricsFactory,
        metricsExposition: @escaping @Sendable () -> String,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        try self.init(
            configuration: configuration,
            logger: logger,
            metricsFactory: metricsFactory,
            metricsExposition: metricsExposition,
            clock: clock,
            storeCapacity: 1_000_000
        )
    }

    /// - Parameters:
    ///   - configuration: the validated configuration and inventory.
    ///   - logger: the root logger; components add their own metadata.
    ///   - metricsFactory: where metrics go; the executable bootstraps Prometheus, tests pass their own.
    ///   - metricsExposition: renders every metric for `/metrics`.
    ///   - clock: the wall clock, read here and nowhere below.
    ///   - storeCapacity: how many buckets and sessions may wait for a failing disk before the oldest are dropped;
    ///     a million in service, small in tests of the overflow.
    /// - Throws: `MQTTError` when the broker settings cannot make an MQTT client.
    init(
        configuration: DaemonConfiguration,
        logger: Logger,
        metricsFactory: any MetricsFactory,
        metricsExposition: @escaping @Sendable () -> String,
        clock: @escaping @Sendable () -> Date,
        storeCapacity: Int
    ) throws {
        self.configuration = configuration
        self.clock = clock
        let metrics = DaemonMetrics(factory: metricsFactory)
        let router = TopicRouter(
            prefix: configuration.topicPrefix,
            networkServers: configuration.networkServers.map { ($0.format, TopicFilter($0.uplinkTopic)) }
        )
        let startedAt = clock()
        var state = LiveState(
            inventory: configuration.inventory,
            policy: configuration.ingest,
            timeZone: configuration.site.timeZone,
            startedAt: startedAt
        )
        state.deviceModels = configuration.deviceModels
        let database = try KerbsideDatabase(path: configuration.storagePath)
        let journalDirectory = configuration.storagePath + ".journal.d"
        // The live view is right at once after a restart or a crash, and a redelivered reading is still a duplicate.
        let recovered = try Recovery.run(
            state: &state,
            database: database,
            journalDirectory: journalDirectory,
            logger: logger
        )
        state.resume(at: startedAt)
        let journal: IngestJournal?
        do {
            journal = try IngestJournal(directory: journalDirectory)
        } catch {
            logger.error(
                "cannot open the ingest journal; running without crash safety",
                metadata: ["store.error": "\(error)"]
            )
            journal = nil
        }
        let pipeline = IngestPipeline(
            state: state,
            journal: journal,
            checkpointInterval: configuration.checkpointInterval,
            router: router,
            clock: clock,
            metrics: metrics,
            logger: logger
        )
        self.pipeline = pipeline
        let storeWriter = StoreWriter(
            database: database,
            checkpointNow: { pipeline.checkpointNow(at: clock()) },
            journalDirectory: journal == nil ? nil : journalDirectory,
            timeZone: configuration.site.timeZone,
            retention: configuration.retention,
            capacity: storeCapacity,
            metrics: metrics,
            logger: logger
        )
        self.storeWriter = storeWriter
        let gate = PublishingGate(standingByFor: configuration.standbyFor, metrics: metrics, logger: logger)
        let lighting = try LightingControl(
            database: database,
            site: configuration.site,
            inventory: configuration.inventory,
            seeds: (configuration.scheduleSeeds, configuration.scheduleAssignments),
            defaultSchedule: configuration.defaultSchedule,
            standingByFor: { gate.isPublishing(at: clock()) ? nil : gate.primaryInstance },
            clock: clock,
            logger: logger
        )
        self.lighting = lighting
        store = SnapshotStore(initial: .empty(at: startedAt))
        let broker = try BrokerConnection(
            configuration: configuration.broker.mqttConfiguration,
            router: router,
            instance: configuration.instance,
            standbyFor: configuration.standbyFor,
            logger: logger
        )
        let settingsSync = LightingSettingsSync(
            lighting: lighting,
            instance: configuration.instance,
            isPublishing: { gate.isPublishing(at: clock()) },
            publish: { broker.publishLightingSettings($0) },
            logger: logger
        )
        self.broker = broker
        let aggregation = AggregationLoop(
            interval: configuration.aggregationInterval,
            pipeline: pipeline,
            store: store,
            clock: clock,
            publishSign: { broker.publishSign($0, payload: $1) },
            isPublishing: { gate.isPublishing(at: $0) },
            handOffToStore: { storeWriter.enqueue(StoreBatch(closedIn: $0), checkpoint: $1) },
            metrics: metrics,
            logger: logger
        )
        var dimmingPolicy = configuration.dimming
        dimmingPolicy.commandsPerSecond = max(dimmingPolicy.commandsPerSecond, 0.001)
        pipeline.setDimmingPolicy(dimmingPolicy)
        dimming = DimmingLoop(
            interval: configuration.dimmingInterval,
            commandsPerSecond: dimmingPolicy.commandsPerSecond,
            pipeline: pipeline,
            lighting: lighting,
            // A standby commands nothing while its primary does.
            isConnected: { broker.isConnected && gate.isPublishing(at: clock()) },
            publish: { broker.publishCommand($0) },
            clock: clock,
            metrics: metrics,
            logger: logger
        )
        self.aggregation = aggregation
        broker.prepare(
            onMessage: { [pipeline] in pipeline.handle($0) },
            onConnectionChange: { isConnected in
                gate.noteConnection(isConnected, at: clock())
                metrics.brokerConnected.record(isConnected ? 1 : 0)
                guard isConnected else { return }
                settingsSync.connected()
                // The broker may have lost its retained messages while we were away: state every sign again.
                aggregation.republishSigns()
            },
            onLightingSettings: { settingsSync.received($0) },
            onPrimaryStatus: { gate.noteStatus($0, at: clock()) }
        )
        let first = pipeline.tick(now: startedAt).snapshot
        store.publish(first)
        // What replay closed, and the gap while the daemon was down; then a checkpoint, so the replayed journal
        // segments can go.
        var caughtUp = recovered
        caughtUp.append(StoreBatch(closedIn: first))
        storeWriter.enqueue(caughtUp, checkpoint: pipeline.checkpointNow(at: startedAt))
        let provider = DaemonStateProvider(
            pipeline: pipeline,
            store: store,
            broker: broker,
            gate: gate,
            storeWriter: storeWriter,
            timeZone: configuration.site.timeZone,
            clock: clock,
            renderMetrics: metricsExposition
        )
        let boundHTTPPort = boundHTTPPort
        let signs = SignAnswers(provider: provider)
        let serverName = "kerbsided"
        http = Application(
            router: KerbsideRouter.make(
                provider: provider,
                signs: signs,
                lighting: lighting,
                tokens: configuration.tokens,
                maxBodyBytes: configuration.http.maxBodyBytes,
                logger: logger
            ),
            // Sign reads are answered on the event loop, before the router (SignReadFastPath).
            server: .http1(
                configuration: .init(additionalChannelHandlers: [signs.makeFastPath(serverName: serverName)])
            ),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.http.host, port: configuration.http.port),
                serverName: serverName
            ),
            onServerRunning: { channel in
                boundHTTPPort.set(channel.localAddress?.port)
            },
            logger: logger
        )
    }

    /// The services in start order; a `ServiceGroup` stops them in reverse: HTTP, the dimming and aggregation loops,
    /// the broker (which says `offline` and stops ingest), then the store, which writes the final checkpoint last so
    /// no reading is missed.
    public var services: [any Service] { [storeWriter, broker, aggregation, dimming, http] }

    /// The port the HTTP API listens on, once it does (the configuration may ask for port 0).
    public var httpPort: Int? { boundHTTPPort.value }

    /// Runs one aggregation tick now and returns its snapshot: for tests and tools that drive time by hand.
    @discardableResult
    public func aggregateNow() -> LiveSnapshot {
        aggregation.tickNow()
    }
}

/// What the HTTP API reads, served from the published snapshot and short copies under the ingest lock.
struct DaemonStateProvider: LiveStateProviding {
    let pipeline: IngestPipeline
    let store: SnapshotStore
    let broker: BrokerConnection
    let gate: PublishingGate
    let storeWriter: StoreWriter
    let timeZone: TimeZone
    let clock: @Sendable () -> Date
    let renderMetrics: @Sendable () -> String

    func currentSnapshot() -> PublishedSnapshot { store.current }
    func bayDetail(id: String) -> BayDetail? { pipeline.bayDetail(id: id, now: clock()) }
    func lightDetail(id: String) -> LightDetail? { pipeline.lightDetail(id: id, now: clock()) }
    func rejectLog() -> RejectLog { pipeline.currentRejectLog() }
    func readiness() -> Readiness {
        Readiness(
            brokerConnected: broker.isConnected,
            storeOpen: storeWriter.lastError == nil,
            publishing: gate.isPublishing(at: clock()),
            standbyFor: gate.primaryInstance
        )
    }

    func zoneSessions(zone: String, from: Date, to: Date) throws -> (sessions: [ParkingSession], bays: Int)? {
        guard let figures = store.current.snapshot.zones.first(where: { $0.id == zone }) else { return nil }
        // Pending before stored: the writer stores a batch and only then drops it from pending, so reading in this
        // order never misses one that moves in between.
        let pending = storeWriter.pendingBatch
        var sessions = try storeWriter.database.sessions(zone: zone, from: from, to: to)
        let stored = Set(sessions.map { "\($0.bay)@\($0.arrived.timeIntervalSince1970)" })
        for session in pending.sessions
        where session.zone == zone && session.departed >= from && session.departed < to
            && !stored.contains("\(session.bay)@\(session.arrived.timeIntervalSince1970)")
        {
            sessions.append(session)
        }
        return (sessions.sorted { $0.departed < $1.departed }, figures.capacity)
    }

    func zoneHistory(zone: String, from: Date, to: Date, step: RollupStep) throws -> [ZoneRollup]? {
        let snapshot = store.current.snapshot
        guard snapshot.zones.contains(where: { $0.id == zone }) else { return nil }
        // Whole buckets only: a `from` inside a bucket reaches back to its start.
        let from = step.buckets(from: from, to: to, timeZone: timeZone).first?.start ?? from
        // Closed buckets of coarser levels are stored; what is newer is summed from the minutes.
        let stored = step == .minute ? [] : try storeWriter.database.rollups(step, zone: zone, from: from, to: to)
        let minutesFrom = stored.last?.end ?? from
        let fresh = try minuteHistory(zone: zone, from: minutesFrom, to: to, snapshot: snapshot)
        return stored + step.group(fresh, from: minutesFrom, to: to, timeZone: timeZone)
    }

    /// The minutes of `from..<to`: stored, then waiting for the disk, then the open one, newest source winning.
    private func minuteHistory(zone: String, from: Date, to: Date, snapshot: LiveSnapshot) throws -> [ZoneRollup] {
        // Pending before stored (see `zoneSessions`).
        let pending = storeWriter.pendingBatch.zoneRollups.filter { $0.zone == zone }
        return Self.newestWins(
            [
                try storeWriter.database.minuteRollups(zone: zone, from: from, to: to),
                pending,
                snapshot.openRollups.filter { $0.zone == zone && $0.duration > 0 },
            ],
            from: from,
            to: to
        )
    }

    func groupHistory(group: String, from: Date, to: Date, step: RollupStep) throws -> [GroupRollup]? {
        let snapshot = store.current.snapshot
        guard snapshot.groups.contains(where: { $0.id == group }) else { return nil }
        let from = step.buckets(from: from, to: to, timeZone: timeZone).first?.start ?? from
        let stored =
            step == .minute ? [] : try storeWriter.database.groupRollups(step, group: group, from: from, to: to)
        let minutesFrom = stored.last?.end ?? from
        let fresh = try groupMinutes(group: group, from: minutesFrom, to: to, snapshot: snapshot)
        return stored + step.group(fresh, from: minutesFrom, to: to, timeZone: timeZone)
    }

    func groupNights(group: String, from: Date, to: Date) throws -> [(night: LightingNight, figures: GroupRollup)]? {
        let snapshot = store.current.snapshot
        guard snapshot.groups.contains(where: { $0.id == group }) else { return nil }
        let nights = LightingNight.nights(from: from, to: to, timeZone: timeZone)
        guard let first = nights.first, let last = nights.last else { return [] }
        // Nights start at local noon, which the quarter-hour level always reaches (every zone offset is a
        // multiple of 15 min); what is newer than it is summed from the minutes.
        let quarters = try storeWriter.database.groupRollups(
            .quarterHour,
            group: group,
            from: first.start,
            to: last.end
        )
        let minutesFrom = quarters.last?.end ?? first.start
        let fresh = try groupMinutes(group: group, from: minutesFrom, to: last.end, snapshot: snapshot)
        let merged = mergeRollups(quarters + fresh, into: nights.map { ($0.start, $0.end) })
        return nights.compactMap { night in
            merged.first { $0.start == night.start }.map { (night, $0) }
        }
    }

    private func groupMinutes(group: String, from: Date, to: Date, snapshot: LiveSnapshot) throws -> [GroupRollup] {
        // Pending before stored (see `zoneSessions`).
        let pending = storeWriter.pendingBatch.groupRollups.filter { $0.group == group }
        return Self.newestWins(
            [
                try storeWriter.database.groupRollups(.minute, group: group, from: from, to: to),
                pending,
                snapshot.openGroupRollups.filter { $0.group == group && $0.duration > 0 },
            ],
            from: from,
            to: to
        )
    }

    /// The buckets of `from..<to` from several sources, a later source's bucket replacing an earlier one's unless
    /// the earlier one covers more time: the snapshot taken first may hold a minute still open that a tick since has
    /// closed and handed to the writer.
    private static func newestWins<Bucket: RollupBucket>(_ sources: [[Bucket]], from: Date, to: Date) -> [Bucket] {
        var byStart: [Date: Bucket] = [:]
        for source in sources {
            for bucket in source where bucket.start >= from && bucket.start < to {
                if let earlier = byStart[bucket.start], earlier.duration > bucket.duration { continue }
                byStart[bucket.start] = bucket
            }
        }
        return Array(byStart.values)
    }

    func metricsExposition() -> String { renderMetrics() }
}
