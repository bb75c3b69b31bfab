import Foundation
import KerbsideCore
import KerbsideTesting
import Testing

@testable import KerbsideStore

@Suite("Ingest journal")
struct IngestJournalTests {
    func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("kerbside-journal-\(UUID())").path
    }

    func append(_ text: String, device: String = "s-1", at seconds: Double, to journal: IngestJournal) {
        Array(device.utf8).withUnsafeBytes { deviceBytes in
            Array(text.utf8).withUnsafeBytes { payload in
                journal.appendMessage(
                    kind: .parking,
                    device: deviceBytes,
                    payload: payload,
                    receivedAt: Date(timeIntervalSince1970: seconds)
                )
            }
        }
    }

    func records(in directory: String, from position: JournalPosition, segmentBytes: Int) -> [JournalRecord] {
        var records: [JournalRecord] = []
        IngestJournal.replay(directory: directory, from: position, segmentBytes: segmentBytes) { records.append($0) }
        return records
    }

    @Test func replayGivesBackEveryRecordInOrderAndAReopenedJournalAppendsAfterThem() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let start = JournalPosition(segment: 1, offset: 0)
        do {
            let journal = try IngestJournal(directory: directory, segmentBytes: 4096)
            append(#"{"occupied":true,"seq":1}"#, at: 10.5, to: journal)
            journal.appendTick(now: Date(timeIntervalSince1970: 11))
        }
        let reopened = try IngestJournal(directory: directory, segmentBytes: 4096)
        append(#"{"occupied":false}"#, device: "s-2", at: 12, to: reopened)
        #expect(
            records(in: directory, from: start, segmentBytes: 4096) == [
                .message(
                    kind: .parking,
                    device: "s-1",
                    payload: Array(#"{"occupied":true,"seq":1}"#.utf8),
                    receivedAt: 10.5
                ),
                .tick(now: 11),
                .message(kind: .parking, device: "s-2", payload: Array(#"{"occupied":false}"#.utf8), receivedAt: 12),
            ]
        )
    }

    @Test func aRecordCutShortByACrashEndsTheJournalAndIsOverwritten() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = try IngestJournal(directory: directory, segmentBytes: 4096)
        append(#"{"occupied":true}"#, at: 1, to: journal)
        let cut = journal.position
        append(#"{"occupied":false}"#, at: 2, to: journal)
        // A crash between the body and the length: the body is there, the length is still zero.
        let path = IngestJournal.path(of: 1, in: directory)
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: UInt64(cut.offset))
        try handle.write(contentsOf: Data(count: 4))
        try handle.close()

        #expect(records(in: directory, from: JournalPosition(segment: 1, offset: 0), segmentBytes: 4096).count == 1)
        let reopened = try IngestJournal(directory: directory, segmentBytes: 4096)
        #expect(reopened.position == cut)
    }

    @Test func segmentsRollOverAndACheckpointDiscardsTheOnesItHolds() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = try IngestJournal(directory: directory, segmentBytes: 4096)
        let payload = String(repeating: "x", count: 900)
        for index in 0..<20 { append(payload, at: Double(index), to: journal) }
        #expect(IngestJournal.segments(in: directory).count > 4)
        let all = records(in: directory, from: JournalPosition(segment: 1, offset: 0), segmentBytes: 4096)
        #expect(all.count == 20)

        let checkpoint = journal.position
        append(payload, at: 20, to: journal)
        IngestJournal.discard(before: checkpoint, in: directory)
        #expect(IngestJournal.segments(in: directory).first == checkpoint.segment)
        #expect(records(in: directory, from: checkpoint, segmentBytes: 4096).count == 1)
    }

    @Test func upkeepMapsTheNextSegmentAheadAndRollingOverUsesIt() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = try IngestJournal(directory: directory, segmentBytes: 4096)
        #expect(journal.takeUpkeep() == nil)
        var appended = 0
        while journal.position.offset < 2048 {
            append("reading \(appended)", at: Double(appended), to: journal)
            appended += 1
        }
        // Half full: the next segment is asked for once, made outside the caller's lock, then installed.
        let upkeep = try #require(journal.takeUpkeep())
        #expect(journal.takeUpkeep() == nil)
        journal.install(upkeep.perform())
        #expect(IngestJournal.segments(in: directory) == [1, 2])
        while journal.position.segment == 1 {
            append("reading \(appended)", at: Double(appended), to: journal)
            appended += 1
        }
        // The full segment's mapping waits for the next upkeep to be unmapped.
        #expect(journal.takeUpkeep() != nil)
        let replayed = records(in: directory, from: JournalPosition(segment: 1, offset: 0), segmentBytes: 4096)
        #expect(replayed.count == appended)
        #expect(
            replayed.last
                == .message(
                    kind: .parking,
                    device: "s-1",
                    payload: Array("reading \(appended - 1)".utf8),
                    receivedAt: Double(appended - 1)
                )
        )
    }

    @Test func aNextSegmentThatCannotBeMadeIsNotAskedForAgainAndRollingOverReportsIt() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = try IngestJournal(directory: directory, segmentBytes: 4096)
        // A directory where segment 2's file should be: it can be neither opened nor allocated.
        try FileManager.default.createDirectory(
            atPath: IngestJournal.path(of: 2, in: directory),
            withIntermediateDirectories: false
        )
        while journal.position.offset < 2048 { append("reading", at: 1, to: journal) }
        journal.install(try #require(journal.takeUpkeep()).perform())
        #expect(journal.takeUpkeep() == nil)
        while journal.failure == nil { append("reading", at: 1, to: journal) }
        #expect(journal.position.segment == 1)
        #expect(journal.failure?.contains("000000000002.journal") == true)
    }

    @Test func aJournalReopenedBesideASegmentMadeAheadAppendsThereAndReplaysInOrder() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let journal = try IngestJournal(directory: directory, segmentBytes: 4096)
            while journal.position.offset < 2048 { append("before", at: 1, to: journal) }
            journal.install(try #require(journal.takeUpkeep()).perform())
        }
        // As after a crash: segment 2 exists, empty.
        let reopened = try IngestJournal(directory: directory, segmentBytes: 4096)
        #expect(reopened.position == JournalPosition(segment: 2, offset: 0))
        append("after", at: 2, to: reopened)
        let replayed = records(in: directory, from: JournalPosition(segment: 1, offset: 0), segmentBytes: 4096)
        #expect(replayed.last == .message(kind: .parking, device: "s-1", payload: Array("after".utf8), receivedAt: 2))
        #expect(
            replayed.dropLast().allSatisfy {
                $0 == .message(kind: .parking, device: "s-1", payload: Array("before".utf8), receivedAt: 1)
            }
        )
    }

    @Test func aCheckpointIsStoredWithItsBatchAndReadBack() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kerbside-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let database = try KerbsideDatabase(path: path)
        #expect(try database.checkpoint() == nil)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var state = LiveState(inventory: Fixtures.smallCity(), policy: IngestPolicy(), timeZone: .gmt, startedAt: start)
        _ = state.ingest(Array(#"{"occupied":true,"seq":7}"#.utf8), route: .parking(sensor: "s-c1"), receivedAt: start)
        let position = JournalPosition(segment: 3, offset: 128)
        try database.write(
            StoreBatch(checkpoint: StoredCheckpoint(state: state.checkpoint(at: start), journal: position))
        )

        let stored = try #require(try database.checkpoint())
        #expect(stored.journal == position)
        var restored = LiveState(
            inventory: Fixtures.smallCity(),
            policy: IngestPolicy(),
            timeZone: .gmt,
            startedAt: start.addingTimeInterval(60)
        )
        restored.restore(stored.state)
        // The redelivered reading is a duplicate, and the bay's state came back.
        let again = restored.ingest(
            Array(#"{"occupied":true,"seq":7}"#.utf8),
            route: .parking(sensor: "s-c1"),
            receivedAt: start.addingTimeInterval(61)
        )
        guard case .rejected(let rejection) = again else {
            Issue.record("expected a duplicate, got \(again)")
            return
        }
        #expect(rejection.reason == .duplicate)
    }
}
