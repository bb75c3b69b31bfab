import Foundation
import KerbsideCore
import KerbsideStore
import MQTT
import Testing

@testable import KerbsideDaemon

/// The hand-off between libmosquitto's thread and the live state: what was received is journaled at once (so a
/// `kill -9` loses nothing queued; `CrashRecoveryTests` kills), and readers never see a state older than what was
/// received.
@Suite("Ingest inbox", .timeLimit(.minutes(2)))
struct IngestInboxTests {
    static func message(_ sensor: String, _ json: String) -> MQTTMessage {
        MQTTMessage(
            topic: "kerbside/parking/\(sensor)/state",
            payload: Array(json.utf8),
            qos: .atLeastOnce,
            retain: false
        )
    }

    @Test func aBatchGivesBackEveryMessageInOrderAndItsBufferServesTheNextBatch() {
        var inbox = IngestInbox(journal: nil, journaledPayloadLimit: 1024)
        let sent: [(JournalRouteKind, String, String, Date)] = [
            (.parking, "s-c1", #"{"occupied":true}"#, Date(timeIntervalSinceReferenceDate: 1.25)),
            (.lighting, "ul-9", "", Date(timeIntervalSinceReferenceDate: 2)),
            (.chirpStackV4, "application/1/device/a/event/up", "{}", Date(timeIntervalSinceReferenceDate: 3)),
        ]
        for (kind, key, payload, at) in sent {
            var key = key
            var payload = payload
            key.withUTF8 { keyBytes in
                payload.withUTF8 { payloadBytes in
                    _ = inbox.add(
                        kind: kind,
                        key: UnsafeRawBufferPointer(keyBytes),
                        payload: UnsafeRawBufferPointer(payloadBytes),
                        receivedAt: at
                    )
                }
            }
        }
        let (batch, _) = inbox.take()
        var received: [(JournalRouteKind, String, String, Date)] = []
        batch.forEach { arrival in
            received.append(
                (
                    arrival.kind, String(decoding: arrival.key, as: UTF8.self),
                    String(decoding: arrival.payload, as: UTF8.self), arrival.receivedAt
                )
            )
        }
        #expect(received.map { "\($0)" } == sent.map { "\($0)" })
        #expect(inbox.waiting.isEmpty)
        let capacity = batch.capacityBytes
        inbox.recycle(batch)
        // The next take hands the network thread the recycled buffer to fill.
        _ = inbox.take()
        #expect(inbox.waiting.capacityBytes == capacity)
    }

    @Test func aReaderSeesEveryMessageHandledBeforeItWithoutWaitingForTheDrainer() async throws {
        let harness = try await DaemonHarness()
        let pipeline = harness.daemon.pipeline
        for round in 1...200 {
            pipeline.handle(Self.message("s-c1", #"{"occupied":\#(round % 2 == 0),"seq":\#(round)}"#))
            // Straight after the hand-off, on this thread: the reader applies the queue first.
            let detail = try #require(pipeline.bayDetail(id: "c1", now: harness.clock.now()))
            #expect(detail.status.state == (round % 2 == 0 ? .occupied : .free))
        }
        try await harness.shutdown()
    }

    @Test func everyRoutedMessageIsJournaledOnReceiptRejectionsIncluded() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kerbside-inbox-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let storagePath = directory.appendingPathComponent("kerbside.sqlite").path
        let first = try await DaemonHarness(storagePath: storagePath)
        first.daemon.pipeline.handle(Self.message("s-c1", #"{"occupied":true,"seq":1}"#))
        first.daemon.pipeline.handle(Self.message("s-c1", "not json"))
        first.daemon.pipeline.handle(Self.message("s-c2", #"{"occupied":true,"seq":1}"#))
        // Journaled by `handle` itself, on the calling thread, whether or not the drainer has applied them yet.
        var journaled: [JournalRecord] = []
        IngestJournal.replay(
            directory: storagePath + ".journal.d",
            from: JournalPosition(segment: 1, offset: 0)
        ) { journaled.append($0) }
        let messages = journaled.compactMap { record -> String? in
            guard case .message(_, let device, let payload, _) = record else { return nil }
            return "\(device) \(String(decoding: payload, as: UTF8.self))"
        }
        #expect(
            messages.suffix(3) == [
                #"s-c1 {"occupied":true,"seq":1}"#, "s-c1 not json", #"s-c2 {"occupied":true,"seq":1}"#,
            ]
        )
        // And applied in that order: the rejection is counted, the readings around it stand.
        let now = first.clock.now()
        #expect(first.daemon.pipeline.bayDetail(id: "c1", now: now)?.status.state == .occupied)
        #expect(first.daemon.pipeline.bayDetail(id: "c2", now: now)?.status.state == .occupied)
        // Counted by whoever applied it, once it let go of the state.
        try await waitUntil("the rejection is counted") { first.rejects(.malformedJSON) == 1 }
        try await first.shutdown()
    }
}
