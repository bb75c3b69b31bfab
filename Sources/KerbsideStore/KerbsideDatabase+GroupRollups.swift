import Foundation
import GRDB
import KerbsideCore

extension KerbsideDatabase {
    static func insert(_ rollups: [GroupRollup], level: String = minuteLevel, into db: Database) throws {
        guard !rollups.isEmpty else { return }
        let statement = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO group_rollup (level, light_group, start, duration, lights,
                    energy_wh, full_power_wh, level_light_seconds, known_light_seconds, unknown_light_seconds,
                    burning_light_seconds, fault_light_seconds)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        for rollup in rollups {
            try statement.execute(arguments: [
                level, rollup.group, Int64(rollup.start.timeIntervalSince1970), rollup.duration, rollup.lights,
                rollup.energyWattHours, rollup.fullPowerWattHours, rollup.levelLightSeconds,
                rollup.knownLightSeconds, rollup.unknownLightSeconds, rollup.burningLightSeconds,
                rollup.faultLightSeconds,
            ])
        }
    }

    /// The stored buckets of one level of a light group that start in `from..<to`, oldest first.
    ///
    /// - Parameters:
    ///   - step: the level.
    ///   - group: the light group's id.
    ///   - from: the first instant wanted.
    ///   - to: the instant after the last one wanted.
    /// - Returns: the buckets, oldest first.
    /// - Throws: `StoreError` with code `read`.
    public func groupRollups(
        _ step: RollupStep,
        group: String,
        from: Date,
        to: Date
    ) throws(StoreError) -> [GroupRollup] {
        do {
            return try pool.read { db in
                try Self.groupRollups(level: step.rawValue, group: group, from: from, to: to, in: db)
            }
        } catch {
            throw StoreError(.read, "\(error)")
        }
    }

    static func groupRollups(
        level: String,
        group: String?,
        from: Date,
        to: Date,
        in db: Database
    ) throws -> [GroupRollup] {
        var sql = "SELECT * FROM group_rollup WHERE level = ? AND start >= ? AND start < ?"
        var arguments: [any DatabaseValueConvertible] = [
            level, Int64(from.timeIntervalSince1970.rounded(.down)), Int64(to.timeIntervalSince1970.rounded(.up)),
        ]
        if let group {
            sql += " AND light_group = ?"
            arguments.append(group)
        }
        return try Row.fetchAll(db, sql: sql + " ORDER BY start", arguments: StatementArguments(arguments)).map { row in
            GroupRollup(
                group: row["light_group"],
                start: Date(timeIntervalSince1970: TimeInterval(row["start"] as Int64)),
                duration: row["duration"],
                lights: row["lights"],
                energyWattHours: row["energy_wh"],
                fullPowerWattHours: row["full_power_wh"],
                levelLightSeconds: row["level_light_seconds"],
                knownLightSeconds: row["known_light_seconds"],
                unknownLightSeconds: row["unknown_light_seconds"],
                burningLightSeconds: row["burning_light_seconds"],
                faultLightSeconds: row["fault_light_seconds"]
            )
        }
    }
}
