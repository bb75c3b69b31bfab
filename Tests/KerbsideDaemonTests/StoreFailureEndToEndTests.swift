import Foundation
import GRDB
import KerbsideCore
import KerbsideTesting
import Logging
import Synchronization
import Testing

@testable import KerbsideDaemon
@testable import KerbsideStore

/// The store's bad conditions, end to end: a database locked by another connection, a full database, a failure
/// deriving the coarser levels, and a disk that stays away until the bounded queue overflows. The daemon keeps
/// serving, keeps buckets pending, says so in `/readyz`, the metrics and the log, and catches up without writing
/// any minute twice.
@Suite("StoreFailure end to end", .timeLimit(.minutes(1)))
struct StoreFailureEndToEndTests {
    /// The small city without its lights, so every minute closes exactly one bucket per zone.
    static var parkingOnly: Inventory {
        let city = Fixtures.smallCity()
        return Inventory(zones: city.zones, signs: city.signs, groups: [], bays: city.bays, lights: [])
    }

    @Test func aLockedDatabaseKeepsBucketsPendingAndCatchesUpWhenReleased() async throws {
        let (logger, logs) = CapturedLogs.makeLogger()
        let harness = try await DaemonHarness(inventory: Self.parkingOnly, logger: logger)
        let t0 = harness.clock.now()  // an hour boundary
        try await Self.reportAllFree(harness)
        harness.clock.advance(by: 60)
        harness.aggregate()
        harness.daemon.storeWriter.flushNow()
        #expect(harness.metricValue("kerbside_rollups_written_total") == 2, "minute 0 of both zones is stored")
        #expect(try await Self.readiness(harness) == ReadyAnswer(status: 200, ready: true, storeOpen: true))

        // Another connection takes the write lock (what `sqlite3 kerbside.sqlite` with an open transaction does).
        let lock = try SQLiteWriteLock(path: harness.storagePath)
        try lock.acquire()

        // Minute 1: c1 arrives; closing the minute makes the writer wait out its 5 s busy timeout, then fail.
        try harness.park("s-c1", #"{"occupied":true}"#)
        try await harness.waitForMessages(7)
        harness.clock.advance(by: 60)
        harness.aggregate()
        try await waitUntil("the first write fails on the lock", timeout: .seconds(20)) {
            harness.metricValue("kerbside_rollup_write_failures_total") == 1
                && harness.metricValue("kerbside_rollups_pending") == 2
        }
        #expect(try await Self.readiness(harness) == ReadyAnswer(status: 503, ready: false, storeOpen: false))
        #expect(harness.daemon.storeWriter.lastError?.code == .write)

        // Live state goes on: c1 leaves at 2:30, which ends a session while the disk is away.
        let zone = try await harness.getJSON("/api/v1/parking/zones/centre")
        #expect(zone["occupied"] as? Int == 1)
        #expect(zone["free"] as? Int == 3)
        harness.clock.advance(by: 30)
        try harness.park("s-c1", #"{"occupied":false}"#)
        try await harness.waitForMessages(8)
        let bay = try await harness.getJSON("/api/v1/parking/bays/c1")
        #expect(bay["state"] as? String == "free")
        harness.clock.advance(by: 30)
        harness.aggregate()
        try await waitUntil("the second write fails too, with more pending", timeout: .seconds(20)) {
            harness.metricValue("kerbside_rollup_write_failures_total") == 2
                && harness.metricValue("kerbside_rollups_pending") == 5  // 4 buckets and 1 session
        }
        #expect(try await Self.readiness(harness) == ReadyAnswer(status: 503, ready: false, storeOpen: false))

        // History and sessions answer from what waits in memory.
        let whileLocked = try await Self.minutes(harness, zone: "centre", from: t0, to: t0.addingTimeInterval(240))
        #expect(whileLocked.map(\.start) == Self.stamps(t0, minutes: 3))
        #expect(whileLocked.map(\.arrivals) == [0, 1, 0])
        #expect(whileLocked.map(\.departures) == [0, 0, 1])
        let sessions = try await harness.getJSON(
            "/api/v1/parking/zones/centre/sessions?from=\(RFC3339.format(t0))&to=\(RFC3339.format(t0 + 3600))"
        )
        let listed = try #require(sessions["sessions"] as? [[String: Any]])
        #expect(listed.map { $0["duration_minutes"] as? Double } == [1.5])

        // The failure is logged once per outage, not once per attempt, and says why.
        let failures = logs.entries.filter { $0.message == "rollup write failed; keeping buckets pending" }
        #expect(failures.count == 1)
        #expect(failures.first?.level == .error)
        #expect(failures.first?.metadata["store.error"]?.description.contains("database is locked") == true)

        // Released: the next minute's hand-off writes everything, once.
        try lock.release()
        harness.clock.advance(by: 60)
        harness.aggregate()
        try await waitUntil("the writer has caught up") {
            harness.metricValue("kerbside_rollups_pending") == 0 && harness.daemon.storeWriter.lastError == nil
        }
        #expect(try await Self.readiness(harness) == ReadyAnswer(status: 200, ready: true, storeOpen: true))
        #expect(harness.metricValue("kerbside_rollup_write_failures_total") == 2)
        #expect(
            harness.metricValue("kerbside_rollups_written_total") == 8,
            "4 minutes of 2 zones, each written exactly once"
        )
        #expect(logs.entries.contains { $0.message == "rollup writes recovered" && $0.level == .notice })

        for zone in ["centre", "gare"] {
            let caughtUp = try await Self.minutes(harness, zone: zone, from: t0, to: t0.addingTimeInterval(240))
            #expect(caughtUp.map(\.start) == Self.stamps(t0, minutes: 4), "\(zone): every minute exactly once")
            let stored = try harness.daemon.storeWriter.database.minuteRollups(
                zone: zone,
                from: t0,
                to: t0.addingTimeInterval(240)
            )
            #expect(stored.map(\.start) == (0..<4).map { t0.addingTimeInterval(Double($0) * 60) })
        }
        let centre = try await Self.minutes(harness, zone: "centre", from: t0, to: t0.addingTimeInterval(240))
        #expect(centre.map(\.arrivals) == [0, 1, 0, 0])
        #expect(centre.map(\.departures) == [0, 0, 1, 0])
        #expect(try harness.daemon.storeWriter.database.sessions(zone: "centre", from: t0, to: t0 + 3600).count == 1)
        try await harness.shutdown()
    }

    /// SQLite's own "database or disk is full" (SQLITE_FULL), raised by capping the daemon's writer connection at
    /// the pages it has: the same error a full disk gives, without filling one.
    @Test func aFullDatabaseKeepsADayPendingAndCatchesUpWithEveryLevel() async throws {
        let (logger, logs) = CapturedLogs.makeLogger()
        let harness = try await DaemonHarness(inventory: Self.parkingOnly, logger: logger)
        let t0 = harness.clock.now()  // an hour boundary
        try await Self.reportAllFree(harness)
        harness.clock.advance(by: 60)
        harness.aggregate()
        harness.daemon.storeWriter.flushNow()
        #expect(harness.metricValue("kerbside_rollups_written_total") == 2)

        let pool = harness.daemon.storeWriter.database.pool
        let (limit, free) = try await pool.write { db in
            let limit = try Int.fetchOne(db, sql: "PRAGMA max_page_count")
            // Never below the pages in use: this caps the file at its present size.
            try db.execute(sql: "PRAGMA max_page_count = 1")
            return (limit, try Int.fetchOne(db, sql: "PRAGMA freelist_count"))
        }
        #expect(free == 0, "no free page left to reuse: the next pages must grow the file")

        // A day goes by and closes in one hand-off: 2 × 1,440 buckets, more bytes than the whole file holds
        // (SQLite packs a bucket in about 25 bytes, so an hour of them would still fit in the last pages).
        let outage = 24 * 60
        harness.clock.advance(by: Double(outage) * 60)
        harness.aggregate()
        try await waitUntil("the write fails for lack of room") {
            harness.metricValue("kerbside_rollup_write_failures_total") == 1
                && harness.metricValue("kerbside_rollups_pending") == 2 * outage
        }
        #expect(try await Self.readiness(harness) == ReadyAnswer(status: 503, ready: false, storeOpen: false))
        let failure = logs.entries.first { $0.message == "rollup write failed; keeping buckets pending" }
        #expect(failure?.metadata["store.error"]?.description.contains("database or disk is full") == true)

        // Ingest and the live view carry on.
        try harness.park("s-c2", #"{"occupied":true}"#)
        try await harness.waitForMessages(7)
        harness.aggregate()
        let zone = try await harness.getJSON("/api/v1/parking/zones/centre")
        #expect(zone["occupied"] as? Int == 1)
        let sign = try await harness.get("/api/v1/signs/centre-sign/text", token: nil)
        #expect(sign.status == 200)
        let end = t0.addingTimeInterval(Double(outage + 1) * 60)
        let whileFull = try await Self.minutes(harness, zone: "centre", from: t0, to: end)
        #expect(whileFull.map(\.start) == Self.stamps(t0, minutes: outage + 1))

        // Room again: the next minute's hand-off writes the day, then derives its quarters, hours and local day.
        let restored = try #require(limit)
        try await pool.write { db in try db.execute(sql: "PRAGMA max_page_count = \(restored)") }
        harness.clock.advance(by: 60)
        harness.aggregate()
        try await waitUntil("the writer has caught up") {
            harness.metricValue("kerbside_rollups_pending") == 0 && harness.daemon.storeWriter.lastError == nil
        }
        #expect(try await Self.readiness(harness) == ReadyAnswer(status: 200, ready: true, storeOpen: true))
        #expect(
            harness.metricValue("kerbside_rollups_written_total") == 2 * (outage + 2),
            "every minute of both zones, written once"
        )
        #expect(harness.metricValue("kerbside_rollup_write_failures_total") == 1)
        let later = end.addingTimeInterval(60)
        let caughtUp = try await Self.minutes(harness, zone: "centre", from: t0, to: later)
        #expect(caughtUp.map(\.start) == Self.stamps(t0, minutes: outage + 2), "every minute exactly once")
        let database = harness.daemon.storeWriter.database
        #expect(try database.minuteRollups(zone: "gare", from: t0, to: later).count == outage + 2)
        #expect(try database.rollups(.quarterHour, zone: "centre", from: t0, to: later).count == outage / 15)
        #expect(try database.rollups(.hour, zone: "gare", from: t0, to: later).count == outage / 60)
        // t0 is 19:00 in Paris: the local day it fell in has closed since.
        #expect(try database.rollups(.day, zone: "centre", from: t0 - 86_400, to: later).count == 1)
        try await harness.shutdown()
    }

    /// The minutes are written in one transaction and the coarser levels derived in a second: when only the second
    /// fails (the disk fills up or another connection takes the lock in between), the minutes are written, counted
    /// as written and not kept pending, and the missed quarter hour is derived on the next write.
    @Test func aFailureDerivingTheLevelsLosesNothingAndIsCaughtUp() async throws {
        let harness = try await DaemonHarness(inventory: Self.parkingOnly)
        let t0 = harness.clock.now()  // an hour boundary
        try await Self.reportAllFree(harness)
        harness.clock.advance(by: 60)
        harness.aggregate()
        harness.daemon.storeWriter.flushNow()

        // Stands for a failure that hits the level buckets only.
        var configuration = GRDB.Configuration()
        configuration.busyMode = .timeout(5)
        let other = try DatabaseQueue(path: harness.storagePath, configuration: configuration)
        try await other.write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER refuse_levels BEFORE INSERT ON zone_rollup WHEN NEW.level <> '1m'
                    BEGIN SELECT RAISE(ABORT, 'level buckets refused by the test'); END
                    """
            )
        }
        // Minutes 1 to 14 close with the first quarter hour, whose derivation fails.
        harness.clock.advance(by: 14 * 60)
        harness.aggregate()
        try await waitUntil("deriving the quarter hour fails") {
            harness.metricValue("kerbside_rollup_write_failures_total") == 1
        }
        harness.daemon.storeWriter.flushNow()
        #expect(harness.metricValue("kerbside_rollups_pending") == 0, "the minutes themselves were written")
        #expect(harness.metricValue("kerbside_rollups_written_total") == 30, "and are counted: 15 minutes of 2 zones")
        #expect(try await Self.readiness(harness) == ReadyAnswer(status: 503, ready: false, storeOpen: false))
        let database = harness.daemon.storeWriter.database
        #expect(try database.minuteRollups(zone: "centre", from: t0, to: t0 + 900).count == 15)
        #expect(try database.rollups(.quarterHour, zone: "centre", from: t0, to: t0 + 900).isEmpty)

        try await other.write { db in try db.execute(sql: "DROP TRIGGER refuse_levels") }
        harness.clock.advance(by: 60)
        harness.aggregate()
        try await waitUntil("the writer has caught up") { harness.daemon.storeWriter.lastError == nil }
        #expect(try await Self.readiness(harness) == ReadyAnswer(status: 200, ready: true, storeOpen: true))
        #expect(harness.metricValue("kerbside_rollups_written_total") == 32)
        #expect(try database.rollups(.quarterHour, zone: "centre", from: t0, to: t0 + 900).count == 1)
        let quarters = try await harness.getJSONArray(
            "/api/v1/parking/zones/gare/history?from=\(RFC3339.format(t0))&to=\(RFC3339.format(t0 + 960))&step=15m"
        )
        #expect(quarters.count == 2, "the stored quarter hour, then the newer minutes")
        #expect(quarters.first?["occupancy_avg"] as? Double == 0)
        try await harness.shutdown()
    }

    /// With room for 6 entries, 8 minutes of 2 zones wait for a locked database: the 10 oldest are dropped and
    /// counted, the newest 3 minutes are written once the lock goes, and nothing is written twice.
    @Test func aFullQueueDropsTheOldestBucketsAndCountsThem() async throws {
        let harness = try await DaemonHarness(inventory: Self.parkingOnly, storeCapacity: 6)
        let t0 = harness.clock.now()
        try await Self.reportAllFree(harness)
        harness.clock.advance(by: 60)
        harness.aggregate()
        harness.daemon.storeWriter.flushNow()
        #expect(harness.metricValue("kerbside_rollups_written_total") == 2)

        let lock = try SQLiteWriteLock(path: harness.storagePath)
        try lock.acquire()
        // The first hand-off's write waits on the lock; the queue overflows meanwhile, trimmed at each hand-off.
        for _ in 1...8 {
            harness.clock.advance(by: 60)
            harness.aggregate()
        }
        #expect(harness.metricValue("kerbside_store_dropped_total") == 10)
        let waiting = try await Self.minutes(harness, zone: "centre", from: t0, to: t0.addingTimeInterval(540))
        let stamps = Self.stamps(t0, minutes: 9)
        #expect(waiting.map(\.start) == [0, 6, 7, 8].map { stamps[$0] }, "minutes 1 to 5 are gone already")
        // The gauge is set once a write attempt ends; later attempts may fail too while the lock is held.
        try await waitUntil("the write fails on the lock, with the queue full", timeout: .seconds(20)) {
            harness.metricValue("kerbside_rollup_write_failures_total") >= 1
                && harness.metricValue("kerbside_rollups_pending") == 6
        }
        #expect(try await Self.readiness(harness) == ReadyAnswer(status: 503, ready: false, storeOpen: false))

        // Released: the writes already queued by the later hand-offs catch up, no further minute needed.
        try lock.release()
        try await waitUntil("the writer has caught up") {
            harness.metricValue("kerbside_rollups_pending") == 0 && harness.daemon.storeWriter.lastError == nil
        }
        #expect(try await Self.readiness(harness) == ReadyAnswer(status: 200, ready: true, storeOpen: true))
        #expect(harness.metricValue("kerbside_rollups_written_total") == 8)
        #expect(harness.metricValue("kerbside_store_dropped_total") == 10)
        let kept = [0, 6, 7, 8].map { t0.addingTimeInterval(Double($0) * 60) }
        for zone in ["centre", "gare"] {
            let stored = try harness.daemon.storeWriter.database.minuteRollups(
                zone: zone,
                from: t0,
                to: t0.addingTimeInterval(540)
            )
            #expect(stored.map(\.start) == kept, "\(zone): minutes 1 to 5 were dropped, the rest written once")
        }
        try await harness.shutdown()
    }

    // MARK: Helpers

    /// What `/readyz` answered.
    struct ReadyAnswer: Equatable {
        var status: Int
        var ready: Bool?
        var storeOpen: Bool?
    }

    /// One bucket of a `step=1m` history answer.
    struct Minute {
        var start: String
        var arrivals: Int?
        var departures: Int?
    }

    static func readiness(_ harness: DaemonHarness) async throws -> ReadyAnswer {
        let (status, body) = try await harness.get("/readyz", token: nil)
        let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect(json["broker_connected"] as? Bool == true, "the broker is not what fails here")
        return ReadyAnswer(status: status, ready: json["ready"] as? Bool, storeOpen: json["store_open"] as? Bool)
    }

    static func minutes(_ harness: DaemonHarness, zone: String, from: Date, to: Date) async throws -> [Minute] {
        let answer = try await harness.getJSONArray(
            "/api/v1/parking/zones/\(zone)/history?from=\(RFC3339.format(from))&to=\(RFC3339.format(to))&step=1m"
        )
        return answer.map {
            Minute(
                start: $0["start"] as? String ?? "",
                arrivals: $0["arrivals"] as? Int,
                departures: $0["departures"] as? Int
            )
        }
    }

    /// The `start` stamps of `minutes` consecutive minutes from `t0`, as the API writes them.
    static func stamps(_ t0: Date, minutes: Int) -> [String] {
        (0..<minutes).map {
            RFC3339.format(t0.addingTimeInterval(Double($0) * 60)).replacingOccurrences(of: "Z", with: ".000Z")
        }
    }

    /// Every bay of both zones reports free, so each minute has known figures.
    static func reportAllFree(_ harness: DaemonHarness) async throws {
        for sensor in ["s-c1", "s-c2", "s-c3", "s-c4", "s-g1", "s-g2"] {
            try harness.park(sensor, #"{"occupied":false}"#)
        }
        try await harness.waitForMessages(6)
    }
}

/// Another connection to the daemon's database holding its write lock, as a backup script or a `sqlite3` shell with
/// an open transaction would: in WAL mode readers go on, writers wait out their busy timeout and fail.
final class SQLiteWriteLock: Sendable {
    private let queue: DatabaseQueue

    /// - Parameter path: the daemon's SQLite file.
    /// - Throws: `DatabaseError` when it cannot be opened.
    init(path: String) throws {
        var configuration = GRDB.Configuration()
        // The transaction outlives one access on purpose.
        configuration.allowsUnsafeTransactions = true
        configuration.busyMode = .timeout(5)
        queue = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Takes the write lock; returns once it holds it.
    func acquire() throws {
        try queue.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }
    }

    /// Lets the lock go, having written nothing.
    func release() throws {
        try queue.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }
    }
}

/// A log handler keeping every entry in memory, so a test can read what the daemon logged without bootstrapping.
struct CapturedLogs: LogHandler {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    /// The entries of one logger and its copies.
    final class Store: Sendable {
        private let all = Mutex<[Entry]>([])

        var entries: [Entry] { all.withLock { $0 } }

        func append(_ entry: Entry) { all.withLock { $0.append(entry) } }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .notice

    /// A logger at `notice`, so recoveries show, writing into a new store.
    static func makeLogger() -> (Logger, Store) {
        let store = Store()
        return (Logger(label: "e2e") { _ in CapturedLogs(store: store) }, store)
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        store.append(Entry(level: event.level, message: "\(event.message)", metadata: merged))
    }
}
