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
    private struct Pending {
        var rollups: [ZoneRollup] = []
        var sessions: [ParkingSession] = []
        var lastError: StoreError?
        /// Oldest entries dropped so far because the queue was full; they were at the front.
        var droppedRollups = 0
        var droppedSessions = 0

        mutating func trim(to capacity: Int) {
            let excess = rollups.count + sessions.count - capacity
            guard excess > 0 else { return }
            let fromRollups = min(excess, rollups.count)
            let fromSessions = min(excess - fromRollups, sessions.count)
            rollups.removeFirst(fromRollups)
            sessions.removeFirst(fromSessions)
            droppedRollups += fromRollups
            droppedSessions += fromSessions
        }

        /// Removes a written batch that was taken from the front, minus what a trim already dropped meanwhile.
        mutating func removeWritten(rollups written: Int, sessions writtenSessions: Int, droppedBefore: (Int, Int)) {
            rollups.removeFirst(min(rollups.count, max(0, written - (droppedRollups - droppedBefore.0))))
            sessions.removeFirst(
                min(sessions.count, max(0, writtenSessions - (droppedSessions - droppedBefore.1)))
            )
        }
    }

    private let queue = DispatchQueue(label: "kerbside.store-writer")

    private let pending = Mutex(Pending())
    let database: KerbsideDatabase
    private let devices: @Sendable () -> PersistedDevices
    private let timeZone: TimeZone
    private let retention: RetentionPolicy
    private let capacity: Int
    private let metrics: DaemonMetrics
    private let logger: Logger

    /// - Parameters:
    ///   - database: where buckets go.
    ///   - devices: every device's state, saved at shutdown.
    ///   - timeZone: the site's zone, for the local-day level.
    ///   - retention: how long each level is kept.
    ///   - capacity: how many buckets may wait for a failing disk before the oldest are dropped (and counted).
    ///   - metrics: the daemon's metrics.
    ///   - logger: for write failures and recoveries.
    init(
        database: KerbsideDatabase,
        devices: @escaping @Sendable () -> PersistedDevices,
        timeZone: TimeZone,
        retention: RetentionPolicy,
        capacity: Int = 1_000_000,
        metrics: DaemonMetrics,
        logger: Logger
    ) {
        self.database = database
        self.devices = devices
        self.timeZone = timeZone
        self.retention = retention
        self.capacity = capacity
        self.metrics = metrics
        self.logger = logger
    }

    /// Queues buckets and sessions and schedules a write; returns at once.
    func enqueue(rollups: [ZoneRollup], sessions: [ParkingSession]) {
        guard !rollups.isEmpty || !sessions.isEmpty else { return }
        let dropped = pending.withLock { pending in
            let before = pending.droppedRollups + pending.droppedSessions
            pending.rollups += rollups
            pending.sessions += sessions
            pending.trim(to: capacity)
            return pending.droppedRollups + pending.droppedSessions - before
        }
        if dropped > 0 { metrics.storeDropped.increment(by: dropped) }
        queue.async { self.flush() }
    }

    /// Writes everything pending now, on the writer's queue; for shutdown and tests.
    func flushNow() {
        queue.sync { flush() }
    }

    /// The last write error, while writes keep failing.
    var lastError: StoreError? { pending.withLock { $0.lastError } }

    /// Buckets written neither yet nor lost: history answers include them.
    func pendingRollups(zone: String) -> [ZoneRollup] {
        pending.withLock { $0.rollups.filter { $0.zone == zone } }
    }

    /// Sessions not written yet, for history answers.
    func pendingSessions(zone: String) -> [ParkingSession] {
        pending.withLock { $0.sessions.filter { $0.zone == zone } }
    }

    func run() async throws {
        try? await gracefulShutdown()
        flushNow()
        saveDevicesNow()
    }

    /// Saves every device's state, on the writer's queue: at shutdown, so the next start resumes where this one ended.
    func saveDevicesNow() {
        queue.sync {
            let saved = devices()
            do {
                try database.save(saved)
                logger.info(
                    "saved device states",
                    metadata: ["store.bays": "\(saved.bays.count)", "store.lights": "\(saved.lights.count)"]
                )
            } catch {
                logger.error("could not save device states", metadata: ["store.error": "\(error)"])
            }
        }
    }

    private func flush() {
        let (batch, sessions, droppedBefore) = pending.withLock {
            ($0.rollups, $0.sessions, ($0.droppedRollups, $0.droppedSessions))
        }
        guard !batch.isEmpty || !sessions.isEmpty else { return }
        do {
            try database.write(minuteRollups: batch, sessions: sessions)
            pending.withLock {
                $0.removeWritten(rollups: batch.count, sessions: sessions.count, droppedBefore: droppedBefore)
            }
            // Counted now: the minutes are in SQLite even if deriving the coarser levels fails below.
            metrics.rollupsWritten.increment(by: batch.count)
            if let until = batch.map(\.end).max() {
                try database.maintainLevels(until: until, timeZone: timeZone, retention: retention)
            }
            let recovered = pending.withLock { pending -> Bool in
                defer { pending.lastError = nil }
                return pending.lastError != nil
            }
            if recovered { logger.notice("rollup writes recovered", metadata: ["store.rows": "\(batch.count)"]) }
        } catch {
            let isNew = pending.withLock { pending -> Bool in
                defer { pending.lastError = error }
                return pending.lastError == nil
            }
            metrics.rollupWriteFailures.increment()
            if isNew {
                logger.error("rollup write failed; keeping buckets pending", metadata: ["store.error": "\(error)"])
            }
        }
        metrics.rollupsPending.record(pending.withLock { $0.rollups.count + $0.sessions.count })
    }
}
