import Foundation
import GRDB
import KerbsideCore

extension KerbsideDatabase {
    /// The level name of minute buckets in `zone_rollup.level`.
    static let minuteLevel = "1m"

    /// Writes closed minute buckets in one transaction; writing a bucket again replaces it, so a retry after a
    /// failure never counts twice.
    ///
    /// - Parameter rollups: closed one-minute buckets.
    /// - Throws: `StoreError` with code `write` (disk full, database locked, …); nothing is written then.
    public func write(minuteRollups rollups: [ZoneRollup]) throws(StoreError) {
        try write(minuteRollups: rollups, sessions: [])
    }

    static func insert(_ rollups: [ZoneRollup], level: String = minuteLevel, into db: Database) throws {
        guard !rollups.isEmpty else { return }
        let statement = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO zone_rollup (level, zone, start, duration, capacity,
                    occupied_bay_seconds, known_bay_seconds, unknown_bay_seconds,
                    occupied_max, free_min, arrivals, departures)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        for rollup in rollups {
            try statement.execute(arguments: [
                level, rollup.zone, Int64(rollup.start.timeIntervalSince1970), rollup.duration,
                rollup.capacity, rollup.occupiedBaySeconds, rollup.knownBaySeconds, rollup.unknownBaySeconds,
                rollup.occupiedMax, rollup.freeMin, rollup.arrivals, rollup.departures,
            ])
        }
    }

    /// The stored minute buckets of `zone` that start in `from..<to`, oldest first.
    ///
    /// - Parameters:
    ///   - zone: the zone's id.
    ///   - from: the first instant wanted.
    ///   - to: the instant after the last one wanted.
    /// - Returns: the buckets, oldest first.
    /// - Throws: `StoreError` with code `read`.
    public func minuteRollups(zone: String, from: Date, to: Date) throws(StoreError) -> [ZoneRollup] {
        try rollups(.minute, zone: zone, from: from, to: to)
    }

    static func rollups(level: String, zone: String?, from: Date, to: Date, in db: Database) throws -> [ZoneRollup] {
        let bounds: [any DatabaseValueConvertible] = [
            Int64(from.timeIntervalSince1970.rounded(.down)), Int64(to.timeIntervalSince1970.rounded(.up)),
        ]
        let rows: [Row]
        if let zone {
            rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM zone_rollup WHERE level = ? AND zone = ? AND start >= ? AND start < ?
                    ORDER BY start
                    """,
                arguments: StatementArguments([level, zone] + bounds)
            )
        } else {
            rows = try Row.fetchAll(
                db,
                sql: "SELECT * FROM zone_rollup WHERE level = ? AND start >= ? AND start < ? ORDER BY start",
                arguments: StatementArguments([level] + bounds)
            )
        }
        return rows.map(rollup(from:))
    }

    private static func rollup(from row: Row) -> ZoneRollup {
        ZoneRollup(
            zone: row["zone"],
            start: Date(timeIntervalSince1970: TimeInterval(row["start"] as Int64)),
            duration: row["duration"],
            capacity: row["capacity"],
            occupiedBaySeconds: row["occupied_bay_seconds"],
            knownBaySeconds: row["known_bay_seconds"],
            unknownBaySeconds: row["unknown_bay_seconds"],
            occupiedMax: row["occupied_max"],
            freeMin: row["free_min"],
            arrivals: row["arrivals"],
            departures: row["departures"]
        )
    }
}
