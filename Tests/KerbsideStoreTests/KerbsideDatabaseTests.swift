import Foundation
import KerbsideCore
import Testing

@testable import KerbsideStore

@Suite("SQLite store")
struct KerbsideDatabaseTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func temporaryPath() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kerbside-store-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("kerbside.sqlite").path
    }

    func minute(_ index: Int, zone: String = "z", occupied: Double = 30) -> ZoneRollup {
        ZoneRollup(
            zone: zone,
            start: t0.addingTimeInterval(Double(index) * 60),
            duration: 60,
            capacity: 2,
            occupiedBaySeconds: occupied,
            knownBaySeconds: 120,
            occupiedMax: 1,
            freeMin: 1,
            arrivals: 1
        )
    }

    @Test func minuteRollupsRoundTripAndRewritesReplace() throws {
        let path = try temporaryPath()
        let database = try KerbsideDatabase(path: path)
        try database.write(minuteRollups: [minute(0), minute(1), minute(2), minute(0, zone: "other")])
        try database.write(minuteRollups: [minute(1, occupied: 90)])
        let read = try database.minuteRollups(zone: "z", from: t0, to: t0.addingTimeInterval(180))
        #expect(read == [minute(0), minute(1, occupied: 90), minute(2)])
        #expect(
            try database.minuteRollups(zone: "z", from: t0.addingTimeInterval(60), to: t0.addingTimeInterval(120))
                == [minute(1, occupied: 90)]
        )
    }

    @Test func reopeningKeepsTheDataAndUsesWAL() throws {
        let path = try temporaryPath()
        do {
            let database = try KerbsideDatabase(path: path)
            try database.write(minuteRollups: [minute(0)])
        }
        let reopened = try KerbsideDatabase(path: path)
        #expect(try reopened.minuteRollups(zone: "z", from: t0, to: t0.addingTimeInterval(60)).count == 1)
        let mode = try reopened.pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test func aDatabaseFromANewerKerbsideIsRefused() throws {
        let path = try temporaryPath()
        do {
            let database = try KerbsideDatabase(path: path)
            try database.pool.write {
                try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-from-the-future')")
            }
        }
        #expect {
            _ = try KerbsideDatabase(path: path)
        } throws: { error in
            (error as? StoreError)?.code == .schemaNewer
        }
    }

    @Test func anUnopenablePathIsAClearError() {
        #expect {
            _ = try KerbsideDatabase(path: "/nonexistent-dir/kerbside.sqlite")
        } throws: { error in
            (error as? StoreError)?.code == .open
        }
    }

    @Test func sessionsRoundTripByDepartureAndRewritesReplace() throws {
        let database = try KerbsideDatabase(path: try temporaryPath())
        let sessions = [
            ParkingSession(bay: "b1", zone: "z", arrived: t0, departed: t0.addingTimeInterval(600), maxStayMinutes: 5),
            ParkingSession(
                bay: "b2",
                zone: "z",
                arrived: t0,
                departed: t0.addingTimeInterval(7200),
                maxStayMinutes: nil
            ),
            ParkingSession(bay: "b3", zone: "y", arrived: t0, departed: t0.addingTimeInterval(60), maxStayMinutes: nil),
        ]
        try database.write(sessions: sessions)
        try database.write(sessions: [sessions[0]])
        let read = try database.sessions(zone: "z", from: t0, to: t0.addingTimeInterval(3600))
        #expect(read == [sessions[0]])
        #expect(read.first?.isOverstay == true)
        #expect(try database.sessions(zone: "z", from: t0, to: t0.addingTimeInterval(86_400)).count == 2)
    }

    @Test func coarserLevelsAreDerivedOnceClosedAndEachLevelIsPruned() throws {
        let database = try KerbsideDatabase(path: try temporaryPath())
        let paris = TimeZone(identifier: "Europe/Paris") ?? .gmt
        try database.write(minuteRollups: (0..<30).map { minute($0, occupied: $0 < 15 ? 120 : 0) })
        let until = t0.addingTimeInterval(1800)
        let retention = RetentionPolicy(minute: 900, quarterHour: 86_400, hour: 86_400, day: 86_400)
        try database.maintainLevels(until: until, timeZone: paris, retention: retention)
        let quarters = try database.rollups(.quarterHour, zone: "z", from: t0, to: until)
        #expect(quarters.map(\.occupancyAverage) == [1, 0])
        #expect(quarters.map(\.arrivals) == [15, 15])
        #expect(try database.rollups(.hour, zone: "z", from: t0, to: until).isEmpty, "the hour has not closed")
        #expect(try database.minuteRollups(zone: "z", from: t0, to: until).count == 15, "minutes past 900 s pruned")
        // Running again derives nothing twice.
        try database.maintainLevels(until: until, timeZone: paris, retention: retention)
        #expect(try database.rollups(.quarterHour, zone: "z", from: t0, to: until).count == 2)
        try database.write(sessions: [
            ParkingSession(bay: "b", zone: "z", arrived: t0, departed: t0.addingTimeInterval(60), maxStayMinutes: nil)
        ])
        try database.maintainLevels(
            until: t0.addingTimeInterval(86_400 + 120),
            timeZone: paris,
            retention: retention
        )
        #expect(try database.sessions(zone: "z", from: t0, to: until).isEmpty, "sessions go with the daily level")
    }
}
