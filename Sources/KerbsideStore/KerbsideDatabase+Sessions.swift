import Foundation
import GRDB
import KerbsideCore

extension KerbsideDatabase {
    /// Writes ended parking sessions in one transaction; a session written again (same bay and arrival) replaces
    /// itself, so a retry never counts twice.
    ///
    /// - Parameter sessions: sessions that ended.
    /// - Throws: `StoreError` with code `write`; nothing is written then.
    public func write(sessions: [ParkingSession]) throws(StoreError) {
        try write(minuteRollups: [], sessions: sessions)
    }

    /// Writes closed buckets and ended sessions together, in one transaction.
    ///
    /// - Parameters:
    ///   - rollups: closed one-minute buckets.
    ///   - sessions: ended parking sessions.
    /// - Throws: `StoreError` with code `write`; nothing is written then.
    public func write(minuteRollups rollups: [ZoneRollup], sessions: [ParkingSession]) throws(StoreError) {
        try write(StoreBatch(zoneRollups: rollups, sessions: sessions))
    }

    /// Writes a batch in one transaction; writing a row again replaces it, so a retry never counts twice.
    ///
    /// - Parameter batch: closed minute buckets and ended sessions.
    /// - Throws: `StoreError` with code `write`; nothing is written then.
    public func write(_ batch: StoreBatch) throws(StoreError) {
        guard !batch.isEmpty else { return }
        do {
            // Encoded before the transaction: the write lock is held no longer than the rows take.
            let checkpoint = try batch.checkpoint.map { ($0, try CheckpointEncoding.encode($0.state)) }
            try pool.write { db in
                if let (stored, state) = checkpoint { try Self.write(stored, encodedState: state, into: db) }
                try Self.insert(batch.zoneRollups, into: db)
                try Self.insert(batch.groupRollups, into: db)
                let statement = try db.cachedStatement(
                    sql: """
                        INSERT OR REPLACE INTO parking_session (bay, zone, arrived, departed, max_stay_minutes)
                        VALUES (?, ?, ?, ?, ?)
                        """
                )
                for session in batch.sessions {
                    try statement.execute(arguments: [
                        session.bay, session.zone, session.arrived.timeIntervalSince1970,
                        session.departed.timeIntervalSince1970, session.maxStayMinutes,
                    ])
                }
            }
        } catch {
            throw StoreError(.write, "\(error)")
        }
    }

    /// The sessions of `zone` that ended in `from..<to`, by departure.
    ///
    /// - Parameters:
    ///   - zone: the zone's id.
    ///   - from: the first departure instant wanted.
    ///   - to: the instant after the last one wanted.
    /// - Returns: the sessions, oldest departure first.
    /// - Throws: `StoreError` with code `read`.
    public func sessions(zone: String, from: Date, to: Date) throws(StoreError) -> [ParkingSession] {
        do {
            return try pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM parking_session WHERE zone = ? AND departed >= ? AND departed < ?
                        ORDER BY departed
                        """,
                    arguments: [zone, from.timeIntervalSince1970, to.timeIntervalSince1970]
                ).map { row in
                    ParkingSession(
                        bay: row["bay"],
                        zone: row["zone"],
                        arrived: Date(timeIntervalSince1970: row["arrived"]),
                        departed: Date(timeIntervalSince1970: row["departed"]),
                        maxStayMinutes: row["max_stay_minutes"]
                    )
                }
            }
        } catch {
            throw StoreError(.read, "\(error)")
        }
    }
}
