import Dispatch
import Foundation
import KerbsideCore
import Logging
import ServiceLifecycle
import Synchronization

/// The hot aggregation loop: a Dispatch timer on its own serial queue calls `tick`, which turns the live state into
/// a snapshot, publishes it for readers and hands sign changes to MQTT. Tests call `tickNow()` instead of waiting.
final class AggregationLoop: Service, Sendable {
    private let queue = DispatchQueue(label: "kerbside.aggregation")
    private let timer = Mutex<(any DispatchSourceTimer)?>(nil)
    private let signPublisher = Mutex(SignPublisher())
    private let interval: TimeInterval
    private let pipeline: IngestPipeline
    private let store: SnapshotStore
    private let clock: @Sendable () -> Date
    private let publishSign: @Sendable (_ signID: String, _ payload: [UInt8]) -> Bool
    private let isPublishing: @Sendable (Date) -> Bool
    private let handOffToStore: @Sendable (LiveSnapshot, IngestPipeline.PendingCheckpoint?) -> Void
    private let metrics: DaemonMetrics
    private let logger: Logger

    init(
        interval: TimeInterval,
        pipeline: IngestPipeline,
        store: SnapshotStore,
        clock: @escaping @Sendable () -> Date,
        publishSign: @escaping @Sendable (String, [UInt8]) -> Bool,
        isPublishing: @escaping @Sendable (Date) -> Bool = { _ in true },
        handOffToStore: @escaping @Sendable (LiveSnapshot, IngestPipeline.PendingCheckpoint?) -> Void,
        metrics: DaemonMetrics,
        logger: Logger
    ) {
        self.interval = interval
        self.pipeline = pipeline
        self.store = store
        self.clock = clock
        self.publishSign = publishSign
        self.isPublishing = isPublishing
        self.handOffToStore = handOffToStore
        self.metrics = metrics
        self.logger = logger
    }

    func run() async throws {
        start()
        try? await gracefulShutdown()
        stop()
    }

    func start() {
        timer.withLock { timer in
            guard timer == nil else { return }
            let source = DispatchSource.makeTimerSource(queue: queue)
            source.schedule(deadline: .now(), repeating: interval, leeway: .milliseconds(10))
            source.setEventHandler { [weak self] in self?.tick() }
            source.resume()
            timer = source
        }
    }

    func stop() {
        timer.withLock { timer in
            timer?.cancel()
            timer = nil
        }
    }

    /// Runs one tick synchronously on the loop's queue and returns what it published.
    @discardableResult
    func tickNow() -> LiveSnapshot {
        queue.sync { tick() }
    }

    /// Makes the next tick republish every sign, e.g. after the broker lost its retained messages.
    func republishSigns() {
        signPublisher.withLock { $0.forgetPublished() }
    }

    @discardableResult
    private func tick() -> LiveSnapshot {
        let started = DispatchTime.now()
        let now = clock()
        let (snapshot, checkpoint) = pipeline.tick(now: now)
        store.publish(snapshot)
        handOffToStore(snapshot, checkpoint)
        guard isPublishing(now) else {
            // A standby: the primary publishes. Whatever it published, every sign is stated again on taking over.
            signPublisher.withLock { $0.forgetPublished() }
            recordDuration(since: started)
            return snapshot
        }
        let changes = signPublisher.withLock { $0.changes(in: snapshot.signs) }
        var failed: [String] = []
        for change in changes where !publishSign(change.signID, change.payload) {
            failed.append(change.signID)
        }
        if !failed.isEmpty {
            // Not published now: make sure the next tick tries them again.
            signPublisher.withLock { $0.forgetPublished() }
            logger.debug("sign publish deferred", metadata: ["sign.ids": "\(failed)"])
        }
        metrics.signPublishes.increment(by: changes.count - failed.count)
        recordDuration(since: started)
        return snapshot
    }

    private func recordDuration(since started: DispatchTime) {
        metrics.aggregationDuration.recordNanoseconds(
            Int64(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds)
        )
    }
}
