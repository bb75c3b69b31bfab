import Foundation
import GRDB
import KerbsideCore

extension KerbsideDatabase {
    /// Stores the coarser levels (15 min, 1 h, local days) of every bucket that closed by `until` and is not stored
    /// yet, then deletes each level's buckets older than its retention, and sessions older than the daily level's;
    /// one transaction.
    ///
    /// Every level is summed from the minutes, which is exact because buckets keep integrals; a level's bucket is
    /// derived once, when it has closed, so pruned minutes are never needed again.
    ///
    /// - Parameters:
    ///   - until: the end of the newest closed minute.
    ///   - timeZone: the site's zone, for local days.
    ///   - retention: how long each level is kept.
    /// - Throws: `StoreError` with code `write`.
    public func maintainLevels(until: Date, timeZone: TimeZone, retention: RetentionPolicy) throws(StoreError) {
        do {
            try pool.write { db in
                for step in [RollupStep.quarterHour, .hour, .day] {
                    try Self.derive(step, until: until, timeZone: timeZone, in: db)
                }
                // Sessions are kept as long as the daily level they add up to.
                try db.execute(
                    sql: "DELETE FROM parking_session WHERE departed < ?",
                    arguments: [until.addingTimeInterval(-retention.day).timeIntervalSince1970]
                )
                for step in RollupStep.allCases {
                    try db.execute(
                        sql: "DELETE FROM zone_rollup WHERE level = ? AND start < ?",
                        arguments: [
                            step.rawValue, Int64(until.addingTimeInterval(-retention.keep(step)).timeIntervalSince1970),
                        ]
                    )
                }
            }
        } catch {
            throw StoreError(.write, "maintaining rollup levels: \(error)")
        }
    }

    private static func derive(_ step: RollupStep, until: Date, timeZone: TimeZone, in db: Database) throws {
        let lastDerived = try Int64.fetchOne(
            db,
            sql: "SELECT MAX(start) FROM zone_rollup WHERE level = ?",
            arguments: [step.rawValue]
        )
        let firstMinute = try Int64.fetchOne(
            db,
            sql: "SELECT MIN(start) FROM zone_rollup WHERE level = ?",
            arguments: [minuteLevel]
        )
        let from: Date
        if let lastDerived {
            // Resume after the last derived bucket.
            let last = Date(timeIntervalSince1970: TimeInterval(lastDerived))
            guard let end = step.buckets(from: last, to: last.addingTimeInterval(1), timeZone: timeZone).first?.end
            else { return }
            from = end
        } else if let firstMinute {
            from = Date(timeIntervalSince1970: TimeInterval(firstMinute))
        } else {
            return
        }
        for bucket in step.buckets(from: from, to: until, timeZone: timeZone) where bucket.end <= until {
            let minutes = try rollups(
                level: minuteLevel,
                zone: nil,
                from: bucket.start,
                to: bucket.end,
                in: db
            )
            let byZone = Dictionary(grouping: minutes, by: \.zone)
            let merged = byZone.values.compactMap {
                ZoneRollup.merging($0, start: bucket.start, duration: bucket.end.timeIntervalSince(bucket.start))
            }
            try insert(merged, level: step.rawValue, into: db)
        }
    }

    /// The stored buckets of one level (and one zone, or all) that start in `from..<to`, oldest first.
    ///
    /// - Parameters:
    ///   - step: the level.
    ///   - zone: the zone's id.
    ///   - from: the first instant wanted.
    ///   - to: the instant after the last one wanted.
    /// - Returns: the buckets, oldest first.
    /// - Throws: `StoreError` with code `read`.
    public func rollups(_ step: RollupStep, zone: String, from: Date, to: Date) throws(StoreError) -> [ZoneRollup] {
        do {
            return try pool.read { db in
                try Self.rollups(level: step.rawValue, zone: zone, from: from, to: to, in: db)
            }
        } catch {
            throw StoreError(.read, "\(error)")
        }
    }
}
