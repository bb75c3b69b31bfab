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
                    try Self.derive(step, table: Self.zoneTable, until: until, timeZone: timeZone, in: db)
                    try Self.derive(step, table: Self.groupTable, until: until, timeZone: timeZone, in: db)
                }
                // Sessions are kept as long as the daily level they add up to.
                try db.execute(
                    sql: "DELETE FROM parking_session WHERE departed < ?",
                    arguments: [until.addingTimeInterval(-retention.day).timeIntervalSince1970]
                )
                for step in RollupStep.allCases {
                    let oldest = Int64(until.addingTimeInterval(-retention.keep(step)).timeIntervalSince1970)
                    for table in [Self.zoneTable.name, Self.groupTable.name] {
                        try db.execute(
                            sql: "DELETE FROM \(table) WHERE level = ? AND start < ?",
                            arguments: [step.rawValue, oldest]
                        )
                    }
                }
            }
        } catch {
            throw StoreError(.write, "maintaining rollup levels: \(error)")
        }
    }

    /// A rollup table and how to read and write its buckets, so every kind of bucket derives its levels alike.
    struct RollupTable<Bucket: RollupBucket>: Sendable {
        let name: String
        let read: @Sendable (_ level: String, _ from: Date, _ to: Date, _ db: Database) throws -> [Bucket]
        let insert: @Sendable (_ buckets: [Bucket], _ level: String, _ db: Database) throws -> Void
    }

    static let zoneTable = RollupTable<ZoneRollup>(
        name: "zone_rollup",
        read: { level, from, to, db in try rollups(level: level, zone: nil, from: from, to: to, in: db) },
        insert: { buckets, level, db in try insert(buckets, level: level, into: db) }
    )

    static let groupTable = RollupTable<GroupRollup>(
        name: "group_rollup",
        read: { level, from, to, db in try groupRollups(level: level, group: nil, from: from, to: to, in: db) },
        insert: { buckets, level, db in try insert(buckets, level: level, into: db) }
    )

    private static func derive<Bucket>(
        _ step: RollupStep,
        table: RollupTable<Bucket>,
        until: Date,
        timeZone: TimeZone,
        in db: Database
    ) throws {
        let lastDerived = try Int64.fetchOne(
            db,
            sql: "SELECT MAX(start) FROM \(table.name) WHERE level = ?",
            arguments: [step.rawValue]
        )
        let firstMinute = try Int64.fetchOne(
            db,
            sql: "SELECT MIN(start) FROM \(table.name) WHERE level = ?",
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
            let minutes = try table.read(minuteLevel, bucket.start, bucket.end, db)
            let bySubject = Dictionary(grouping: minutes, by: \.subject)
            let merged = bySubject.values.compactMap {
                Bucket.merging($0, start: bucket.start, duration: bucket.end.timeIntervalSince(bucket.start))
            }
            try table.insert(merged, step.rawValue, db)
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
