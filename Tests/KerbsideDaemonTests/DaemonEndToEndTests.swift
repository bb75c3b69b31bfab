import Foundation
import KerbsideCore
import MQTT
import Testing

@testable import KerbsideDaemon

@Suite("Daemon end to end, real mosquitto", .timeLimit(.minutes(2)))
struct DaemonEndToEndTests {
    @Test func aSilentBayTurnsUnknownAndLeavesTheFreeCount() async throws {
        let harness = try await DaemonHarness()
        for sensor in ["s-c1", "s-c2", "s-c3", "s-c4"] { try harness.park(sensor, #"{"occupied":false}"#) }
        try await harness.waitForMessages(4)
        harness.aggregate()
        var sign = try await harness.getJSON("/api/v1/signs/centre-sign", token: nil)
        #expect(sign["free"] as? Int == 4)
        #expect(sign["status"] as? String == "spacesAvailable")

        harness.clock.advance(by: 500)
        for sensor in ["s-c1", "s-c2", "s-c3"] { try harness.park(sensor, #"{"occupied":false}"#) }
        try await harness.waitForMessages(7)
        harness.clock.advance(by: 200)  // c4 has now been silent 700 s, beyond offline_after (600 s)
        harness.aggregate()

        sign = try await harness.getJSON("/api/v1/signs/centre-sign", token: nil)
        #expect(sign["free"] as? Int == 3)
        #expect(sign["out_of_service"] as? Int == 1)
        #expect(sign["coverage"] as? Double == 0.75)
        let bay = try await harness.getJSON("/api/v1/parking/bays/c4")
        #expect(bay["state"] as? String == "unknown")
        #expect(bay["offline"] as? Bool == true)
        let zone = try await harness.getJSON("/api/v1/parking/zones/centre")
        #expect(zone["unknown"] as? Int == 1)
        #expect(zone["free"] as? Int == 3)
        let (_, alarmsBody) = try await harness.get("/api/v1/alarms")
        let alarms = try #require(try JSONSerialization.jsonObject(with: alarmsBody) as? [[String: Any]])
        #expect(alarms.contains { $0["kind"] as? String == "sensor_offline" && $0["subject"] as? String == "c4" })
        try await harness.shutdown()
    }

    @Test func theRetainedSignTopicFollowsTheHysteresisUpAndDown() async throws {
        let harness = try await DaemonHarness()
        let recorder = try await TopicRecorder(broker: harness.broker, filter: "kerbside/signs/#")
        // The retained start-up state arriving proves the subscription is in place before anything changes.
        try await waitUntil("the retained start-up state arrived") { recorder.messages.count == 1 }
        // Thresholds of the fixture sign: full ≤ 0 (leaves above 1), almost full ≤ 2 (leaves above 3).
        let steps: [(occupiedCount: Int, expected: String)] = [
            (0, "spacesAvailable"),  // 4 free
            (2, "almostFull"),  // 2 free
            (4, "full"),  // 0 free
            (3, "full"),  // 1 free: not above full_decreasing yet
            (2, "almostFull"),  // 2 free
            (1, "almostFull"),  // 3 free: not above almost_full_decreasing yet
            (0, "spacesAvailable"),  // 4 free
        ]
        var sent = 0
        for step in steps {
            for (index, sensor) in ["s-c1", "s-c2", "s-c3", "s-c4"].enumerated() {
                try harness.park(sensor, #"{"occupied":\#(index < step.occupiedCount)}"#)
                sent += 1
            }
            try await harness.waitForMessages(sent)
            harness.clock.advance(by: 1)
            harness.aggregate()
            let sign = try await harness.getJSON("/api/v1/signs/centre-sign", token: nil)
            #expect(sign["status"] as? String == step.expected, "after \(step.occupiedCount) occupied")
        }
        // Retained messages come on change only: one per distinct visible state, in order, after the `unknown` the
        // daemon published at start when no bay had reported yet.
        try await waitUntil("sign messages arrived") { recorder.messages.count >= 8 }
        let statuses = recorder.messages.map { recorder.json($0)["status"] as? String ?? "?" }
        #expect(
            statuses == [
                "unknown", "spacesAvailable", "almostFull", "full", "full", "almostFull", "almostFull",
                "spacesAvailable",
            ]
        )
        let frees = recorder.messages.map { recorder.json($0)["free"] as? Int ?? -1 }
        #expect(frees == [-1, 4, 2, 0, 1, 2, 3, 4], "no count while unknown")
        #expect(recorder.messages.allSatisfy { $0.topic == "kerbside/signs/centre-sign" })
        // A sign that subscribes later gets the retained state at once.
        let late = try await TopicRecorder(broker: harness.broker, filter: "kerbside/signs/centre-sign")
        try await waitUntil("the retained sign state arrived") { !late.messages.isEmpty }
        #expect(late.messages.first?.retain == true)
        #expect(late.json(try #require(late.messages.first))["free"] as? Int == 4)
        try await harness.shutdown()
    }

    @Test func aDuplicateSeqIsNotCountedTwice() async throws {
        let harness = try await DaemonHarness()
        let reading = #"{"occupied":true,"seq":4711,"ts":"2025-11-21T18:00:00Z"}"#
        harness.clock.set(Date(timeIntervalSince1970: 1_763_748_060))  // 2025-11-21T18:01:00Z
        try harness.park("s-c1", reading)
        try harness.park("s-c1", reading)
        try harness.park("s-c1", #"{"occupied":false,"seq":4712,"ts":"2025-11-21T18:00:30Z"}"#)
        try await harness.waitForMessages(3)
        #expect(harness.rejects(.duplicate) == 1)
        let bay = try await harness.getJSON("/api/v1/parking/bays/c1")
        #expect((bay["recent"] as? [Any])?.count == 2)
        #expect(bay["state"] as? String == "free")
        let rejects = try await harness.getJSON("/api/v1/ingest/rejects")
        #expect((rejects["counts"] as? [String: Int])?["duplicate"] == 1)
        try await harness.shutdown()
    }

    @Test func aFloodOfMalformedPayloadsIsCountedWhileValidReadingsFlow() async throws {
        let harness = try await DaemonHarness()
        let garbage = ["{", "not json", #"{"occupied":"maybe"}"#, "[]", String(repeating: "x", count: 5000)]
        var sent = 0
        for round in 0..<400 {
            try harness.park("s-c\(round % 4 + 1)", garbage[round % garbage.count])
            try harness.park("s-g1", #"{"occupied":\#(round % 2 == 0),"seq":\#(round)}"#)
            try harness.publish("kerbside/parking/ghost-\(round % 3)/state", #"{"occupied":true}"#)
            sent += 3
        }
        try await harness.waitForMessages(sent)
        #expect(harness.rejects(.malformedJSON) == 240)
        #expect(harness.rejects(.schema) == 80)
        #expect(harness.rejects(.tooLarge) == 80)
        #expect(harness.rejects(.unknownDevice) == 400)
        #expect(harness.metricValue("kerbside_readings_accepted_total") == 400)
        let bay = try await harness.getJSON("/api/v1/parking/bays/g1")
        #expect(bay["state"] as? String == "free")  // round 399 said free
        let rejects = try await harness.getJSON("/api/v1/ingest/rejects")
        #expect(rejects["total"] as? Int == 800)
        let unknown = try #require(rejects["unknown_devices"] as? [[String: Any]])
        #expect(Set(unknown.compactMap { $0["topic"] as? String }).count == 3)
        #expect((rejects["recent"] as? [Any])?.isEmpty == false)
        let (metricsStatus, metrics) = try await harness.get("/metrics")
        #expect(metricsStatus == 200)
        #expect(
            String(decoding: metrics, as: UTF8.self).contains(
                #"kerbside_ingest_rejects_total{reason="malformed_json"} 240"#
            )
        )
        try await harness.shutdown()
    }

    @Test func presenceIsOnlineWhileRunningAndOfflineAfterShutdown() async throws {
        let harness = try await DaemonHarness()
        let recorder = try await TopicRecorder(broker: harness.broker, filter: "kerbside/daemon/+/status")
        try await waitUntil("online announced") {
            recorder.messages.contains { String(decoding: $0.payload, as: UTF8.self) == "online" }
        }
        let ready = try await harness.getJSON("/readyz", token: nil)
        #expect(ready["ready"] as? Bool == true)
        try await harness.shutdown()
        try await waitUntil("offline announced") {
            recorder.messages.last.map { String(decoding: $0.payload, as: UTF8.self) } == "offline"
        }
    }

    @Test func lightsAndGroupsAreServed() async throws {
        let harness = try await DaemonHarness()
        try harness.light("ctl-1", #"{"level":60,"power_w":36.5,"energy_wh":1000,"faults":["lamp_failure"],"seq":1}"#)
        try harness.light("ctl-2", #"{"level":0,"power_w":0.4,"energy_wh":10}"#)
        try await harness.waitForMessages(2)
        harness.aggregate()
        let light = try await harness.getJSON("/api/v1/lighting/lights/l1")
        #expect(light["reported_level"] as? Int == 60)
        #expect(light["state"] as? String == "fault")
        #expect(light["faults"] as? [String] == ["lamp_failure"])
        let group = try await harness.getJSON("/api/v1/lighting/groups/avenue")
        #expect(group["lights"] as? Int == 2)
        #expect(group["faulty"] as? Int == 1)
        #expect(group["power_w"] as? Double == 36.9)
        try await harness.shutdown()
    }
}
