import Foundation
import KerbsideCore
import KerbsideStore
import Logging

/// Brings the live state back after a stop or a crash: the last checkpoint from SQLite, then every journaled
/// reading and tick after it, applied in their original order with their original receive times.
enum Recovery {
    /// - Parameters:
    ///   - state: a fresh live state, restored and replayed in place.
    ///   - database: where the checkpoint is.
    ///   - journalDirectory: the ingest journal.
    ///   - logger: for what was restored and replayed.
    /// - Returns: the buckets and sessions replay closed, for the writer (stored ones are replaced, never doubled).
    /// - Throws: `StoreError` when the checkpoint cannot be read.
    static func run(
        state: inout LiveState,
        database: KerbsideDatabase,
        journalDirectory: String,
        logger: Logger
    ) throws(StoreError) -> StoreBatch {
        let replayFrom: JournalPosition?
        if let checkpoint = try database.checkpoint() {
            let restored = state.restore(checkpoint.state)
            replayFrom = checkpoint.journal
            logger.info(
                "restored the checkpoint",
                metadata: [
                    "store.bays": "\(restored.bays)", "store.lights": "\(restored.lights)",
                    "store.taken_at": "\(RFC3339.format(checkpoint.state.takenAt))",
                    "store.journal": "\(checkpoint.journal)",
                ]
            )
        } else {
            // A database from before checkpoints, or a first run that died before its first one.
            state.restore(try database.savedDevices())
            replayFrom = IngestJournal.segments(in: journalDirectory).first.map {
                JournalPosition(segment: $0, offset: 0)
            }
        }
        var closed = StoreBatch()
        guard let replayFrom else { return closed }
        var readings = 0
        var rejected = 0
        let end = IngestJournal.replay(directory: journalDirectory, from: replayFrom) { record in
            switch record {
            case .message(let kind, let device, let payload, let receivedAt):
                let route = IngestPipeline.route(journaled: kind, device: device)
                let result = state.ingest(payload, route: route, receivedAt: Date(timeIntervalSince1970: receivedAt))
                if case .rejected = result { rejected += 1 } else { readings += 1 }
            case .tick(let now):
                closed.append(StoreBatch(closedIn: state.tick(now: Date(timeIntervalSince1970: now))))
            }
        }
        if readings + rejected > 0 || end != replayFrom {
            logger.notice(
                "replayed the ingest journal",
                metadata: [
                    "store.readings": "\(readings)", "store.rejected": "\(rejected)",
                    "store.from": "\(replayFrom)", "store.to": "\(end)",
                ]
            )
        }
        return closed
    }
}

extension StoreBatch {
    /// The buckets and sessions a tick closed.
    init(closedIn snapshot: LiveSnapshot) {
        self.init(
            zoneRollups: snapshot.closedRollups,
            groupRollups: snapshot.closedGroupRollups,
            sessions: snapshot.endedSessions
        )
    }

    mutating func append(_ other: StoreBatch) {
        zoneRollups += other.zoneRollups
        groupRollups += other.groupRollups
        sessions += other.sessions
    }
}
