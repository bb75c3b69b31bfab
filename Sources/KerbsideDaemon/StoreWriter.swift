import Dispatch
import Foundation
import KerbsideCore
import KerbsideStore
import Logging
import ServiceLifecycle
import Synchronization

/// Hands closed minute buckets and ended parking sessions to SQLite on its own serial queue, so neither ingest nor
/// the aggregation loop ever waits on the disk. When a write fails (disk full, database locked) they stay pending,
/// in a bounded queue, and go out with the next attempt; the failure shows in `/readyz` and the metrics until then.
final class StoreWriter: Service, Sendable {
    /// Dropped counts per kind of row, so a written batch taken from the front can be removed exactly even when the
    /// full queue dropped its oldest rows meanwhile.
    private struct DropCounts: Equatable {
        var zoneRollups = 0
        var groupRollups = 0
        var sessions = 0
        var total: Int { zoneRollups + groupRollups + sessions }
    }

    private struct Pending {
        var batch = StoreBatch()
        /// The newest checkpoint not stored yet; a newer one replaces it, taking over the devices it would have
        /// stored.
        var checkpoint: IngestPipeline.PendingCheckpoint?
        var lastError: StoreError?
        /// When a failed write is tried again without waiting for new rows.
        var retryAfter: DispatchTime?
        var dropped = DropCounts()

        /// Drops the oldest rows beyond `capacity`, oldest first whatever their kind (a session by its departure).
        mutating func trim(to capacity: Int) {
            var excess = batch.count - capacity
            while excess > 0 {
                let ages = [
                    batch.zoneRollups.first?.start, batch.groupRollups.first?.start, batch.sessions.first?.departed,
                ]
                let candidates = ages.enumerated().compactMap { index, age in age.map { (index, $0) } }
                guard let oldest = candidates.min(by: { $0.1 < $1.1 })?.0 else { return }
                switch oldest {
                case 0:
                    batch.zoneRollups.removeFirst()
                    dropped.zoneRollups += 1
                case 1:
                    batch.groupRollups.removeFirst()
                    dropped.groupRollups += 1
                default:
                    batch.sessions.removeFirst()
                    dropped.sessions += 1
                }
                excess -= 1
            }
        }

        /// Removes a written batch that was taken from the front, minus what a trim already dropped meanwhile.
        mutating func removeWritten(_ written: StoreBatch, droppedBefore: DropCounts) {
            func remaining(_ count: Int, _ droppedNow: Int, _ droppedThen: Int, _ available: Int) -> Int {
                min(available, max(0, count - (droppedNow - droppedThen)))
            }
            batch.zoneRollups.removeFirst(
                remaining(
                    written.zoneRollups.count,
                    dropped.zoneRollups,
                    droppedBefore.zoneRollups,
                    batch.zoneRollups.count
                )
            )
            batch.groupRollups.removeFirst(
                remaining(
                    written.groupRollups.count,
                    dropped.groupRollups,
                    droppedBefore.groupRollups,
                    batch.groupRollups.count
                )
            )
            batch.sessions.removeFirst(
                remaining(written.sessions.count, dropped.sessions, droppedBefore.sessions, batch.sessions.count)
            )
        }
    }

    private let queue = DispatchQueue(label: "kerbside.store-writer")
    static let retryInterval: DispatchTimeInterval = .seconds(5)

    private let pending = Mutex(Pending())
    let database: KerbsideDatabase
    private let checkpointNow: @Sendable () -> IngestPipeline.PendingCheckpoint
    private let journalDirectory: String?
    private let timeZone: TimeZone
    private let retention: RetentionPolicy
    private let capacity: Int
    private let metrics: DaemonMetrics
    private let logger: Logger

    /// - Parameters:
    ///   - database: where buckets go.
    ///   - checkpointNow: the live state now, stored at shutdown.
    ///   - journalDirectory: the ingest journal, whose segments a stored checkpoint makes obsolete.
    ///   - timeZone: the site's zone, for the local-day level.
    ///   - retention: how long each level is kept.
    ///   - capacity: how many buckets may wait for a failing disk before the oldest are dropped (and counted).
    ///   - metrics: the daemon's metrics.
    ///   - logger: for write failures and recoveries.
    init(
        database: KerbsideDatabase,
        checkpointNow: @escaping @Sendable () -> IngestPipeline.PendingCheckpoint,
        journalDirectory: String?,
        timeZone: TimeZone,
        retention: RetentionPolicy,
        capacity: Int = 1_000_000,
        metrics: DaemonMetrics,
        logger: Logger
    ) {
        self.database = database
        self.checkpointNow = checkpointNow
        self.journalDirectory = journalDirectory
        self.timeZone = timeZone
        self.retention = retention
        self.capacity = capacity
        self.metrics = metrics
        self.logger = logger
    }

    /// Queues buckets and sessions and schedules a write; returns at once.
    func enqueue(_ batch: StoreBatch, checkpoint: IngestPipeline.PendingCheckpoint? = nil) {
        guard !batch.isEmpty || checkpoint != nil else {
            // Nothing new, but a failed write is tried again every few seconds, so the catch-up after a disk comes
            // back does not wait for the next closed minute.
            let retry = pending.withLock { pending -> Bool in
                guard pending.lastError != nil, let due = pending.retryAfter, DispatchTime.now() >= due else {
                    return false
                }
                pending.retryAfter = nil
                return true
            }
            if retry { queue.async { self.flushAndTrim() } }
            return
        }
        let dropped = pending.withLock { pending in
            if let checkpoint { pending.checkpoint = pending.checkpoint.map(checkpoint.replacing) ?? checkpoint }
            let before = pending.dropped.total
            pending.batch.zoneRollups += batch.zoneRollups
            pending.batch.groupRollups += batch.groupRollups
            pending.batch.sessions += batch.sessions
            pending.trim(to: capacity)
            return pending.dropped.total - before
        }
        if dropped > 0 { metrics.storeDropped.increment(by: dropped) }
        queue.async { self.flushAndTrim() }
    }

    /// Writes everything pending now, on the writer's queue; for shutdown and tests.
    func flushNow() {
        queue.sync { flushAndTrim() }
    }

    /// The last write error, while writes keep failing.
    var lastError: StoreError? { pending.withLock { $0.lastError } }

    /// Rows written neither yet nor lost: history answers include them.
    var pendingBatch: StoreBatch { pending.withLock { $0.batch } }

    func run() async throws {
        try? await gracefulShutdown()
        // The services after this one have stopped: nothing arrives any more, so this checkpoint is the last word.
        enqueue(StoreBatch(), checkpoint: checkpointNow())
        flushNow()
        if let error = lastError {
            logger.error("could not store the final checkpoint", metadata: ["store.error": "\(error)"])
        } else {
            logger.info("stored the final checkpoint")
        }
    }

    private func flushAndTrim() {
        // Once a stored checkpoint's copy of the state is let go, the device records ingest copied while it was
        // held are garbage: up to a copy of every device when a whole city reports within a minute.
        if flush() { FreedMemory.returnToSystem() }
    }

    /// - Returns: whether a checkpoint was stored.
    private func flush() -> Bool {
        var (batch, checkpoint, droppedBefore) = pending.withLock { ($0.batch, $0.checkpoint, $0.dropped) }
        guard !batch.isEmpty || checkpoint != nil else { return false }
        var storedCheckpoint = false
        do {
            batch.checkpoint = checkpoint?.stored()
            try database.write(batch)
            pending.withLock { pending in
                pending.removeWritten(batch, droppedBefore: droppedBefore)
                if pending.checkpoint?.takenAt == checkpoint?.takenAt { pending.checkpoint = nil }
            }
            storedCheckpoint = checkpoint != nil
            if let position = checkpoint?.journal, let journalDirectory {
                IngestJournal.discard(before: position, in: journalDirectory)
            }
            // Counted now: the minutes are in SQLite even if deriving the coarser levels fails below.
            metrics.rollupsWritten.increment(by: batch.zoneRollups.count + batch.groupRollups.count)
            if let until = (batch.zoneRollups.map(\.end) + batch.groupRollups.map(\.end)).max() {
                try database.maintainLevels(until: until, timeZone: timeZone, retention: retention)
            }
            let recovered = pending.withLock { pending -> Bool in
                defer { pending.lastError = nil }
                return pending.lastError != nil
            }
            if recovered { logger.notice("rollup writes recovered", metadata: ["store.rows": "\(batch.count)"]) }
        } catch {
            let isNew = pending.withLock { pending -> Bool in
                defer {
                    pending.lastError = error
                    pending.retryAfter = DispatchTime.now() + Self.retryInterval
                }
                return pending.lastError == nil
            }
            metrics.rollupWriteFailures.increment()
            if isNew {
                logger.error("rollup write failed; keeping buckets pending", metadata: ["store.error": "\(error)"])
            }
        }
        metrics.rollupsPending.record(pending.withLock { $0.batch.count })
        return storedCheckpoint
    }
}
