import Foundation
import KerbsideCore
import MQTT
import Testing

@testable import KerbsideDaemon

@Suite("Dimming loop end to end", .timeLimit(.minutes(2)))
struct DimmingLoopEndToEndTests {
    @Test func scheduleStepsBecomeAcknowledgedCommandsAndDisobedienceIsAlarmed() async throws {
        let harness = try await DaemonHarness(
            dimming: DimmingPolicy(maxAttempts: 3, retryAfter: 10, maxRetryDelay: 60, offTargetAfter: 120)
        )
        let commands = try await TopicRecorder(broker: harness.broker, filter: "kerbside/lighting/+/set")
        // 18:00Z is 19:00 in Paris: the schedule says 100 % until 23:00, then 40 %.
        let night =
            #"{"steps": [{"at": "18:00", "level": 100}, {"at": "23:00", "level": 40}, {"at": "06:00", "level": 0}]}"#
        #expect(try await harness.send("PUT", "/api/v1/lighting/schedules/night", json: night).status == 200)
        #expect(
            try await harness.send("PUT", "/api/v1/lighting/groups/avenue/schedule", json: #"{"schedule": "night"}"#)
                .status == 204
        )
        // The assignment alone starts a round: both controllers are told 100.
        try await waitUntil("both controllers are commanded") { commands.messages.count == 2 }
        let first = Dictionary(uniqueKeysWithValues: commands.messages.map { ($0.topic, commands.json($0)) })
        let toFirst = try #require(first["kerbside/lighting/ctl-1/set"])
        #expect(toFirst["level"] as? Int == 100)
        #expect(toFirst["reason"] as? String == "schedule:night")
        #expect(toFirst["ts"] as? String == "2025-11-21T18:00:00Z")
        let firstID = try #require(toFirst["id"] as? String)

        // ctl-1 obeys and acknowledges; ctl-2 stays silent.
        try harness.light("ctl-1", #"{"level":100,"ack":"\#(firstID)"}"#)
        try await harness.waitForMessages(1)
        #expect(try await harness.getJSON("/api/v1/lighting/lights/l1")["acked"] as? Bool == true)

        // Retries after 10 s then 20 s go to ctl-2 only, with the same id; after the third send it is alarmed, and
        // still sent at the longest delay, so that it gets the level when it comes back.
        harness.clock.advance(by: 10)
        #expect(harness.daemon.dimming.tickNow().map(\.controller) == ["ctl-2"])
        harness.clock.advance(by: 20)
        let retry = harness.daemon.dimming.tickNow()
        #expect(retry.map(\.controller) == ["ctl-2"])
        #expect(retry.first?.id == first["kerbside/lighting/ctl-2/set"]?["id"] as? String)
        harness.clock.advance(by: 40)
        #expect(harness.daemon.dimming.tickNow().map(\.controller) == ["ctl-2"])
        #expect(harness.aggregate().alarms.map(\.id).contains("command_unacknowledged:l2"))

        // ctl-1 drifts to 70 %: after two minutes off target, that is an alarm too.
        try harness.light("ctl-1", #"{"level":70}"#)
        try await harness.waitForMessages(2)
        harness.clock.advance(by: 60)
        #expect(harness.aggregate().alarms.map(\.id).contains("level_off_target:l1"))

        // At 23:00 local, a new step: both get 40 with new ids.
        harness.clock.set(try RFC3339.parse("2025-11-21T22:00:00Z"))
        let step = harness.daemon.dimming.tickNow()
        #expect(Set(step.map(\.controller)) == ["ctl-1", "ctl-2"])
        #expect(step.allSatisfy { $0.level == 40 && $0.id != firstID })
        let light = try await harness.getJSON("/api/v1/lighting/lights/l2")
        #expect(light["commanded_level"] as? Int == 40)
        #expect(light["acked"] as? Bool == false)

        // An override wins at once, and is paced like everything else.
        let (status, _) = try await harness.send(
            "POST",
            "/api/v1/lighting/groups/avenue/override",
            json: #"{"level": 100, "until": "2025-11-22T01:00:00Z"}"#
        )
        #expect(status == 200)
        // Earlier rounds already sent 100 (the first step and ctl-2's retries), so wait on the override's own reason.
        let overridden: @Sendable () -> [MQTTMessage] = {
            commands.messages.filter { commands.json($0)["reason"] as? String == "override:engineer" }
        }
        try await waitUntil("the override is commanded to both controllers") { overridden().count >= 2 }
        #expect(Set(overridden().map(\.topic)) == ["kerbside/lighting/ctl-1/set", "kerbside/lighting/ctl-2/set"])
        #expect(overridden().allSatisfy { commands.json($0)["level"] as? Int == 100 })
        try await harness.shutdown()
    }

    @Test func commandsArePacedSoARestartDoesNotFloodTheBroker() throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let city = Inventory(
            zones: [],
            signs: [],
            groups: [LightGroupDefinition(id: "g", name: "G", offlineAfter: 600)],
            bays: [],
            lights: (1...10).map { Light(id: "l\($0)", group: "g", controller: "c\($0)", ratedPowerWatts: 50) }
        )
        var state = LiveState(inventory: city, policy: IngestPolicy(), timeZone: .gmt, startedAt: start)
        let policy = DimmingPolicy()
        let first = state.planCommands(targets: [(60, "schedule:s")], now: start, policy: policy, budget: 4)
        let second = state.planCommands(
            targets: [(60, "schedule:s")],
            now: start.addingTimeInterval(1),
            policy: policy,
            budget: 4
        )
        let third = state.planCommands(
            targets: [(60, "schedule:s")],
            now: start.addingTimeInterval(2),
            policy: policy,
            budget: 4
        )
        #expect((first.count, second.count, third.count) == (4, 4, 2))
        #expect(Set((first + second + third).map(\.controller)).count == 10)
        // Nothing is due again before its retry delay.
        #expect(
            state.planCommands(
                targets: [(60, "schedule:s")],
                now: start.addingTimeInterval(3),
                policy: policy,
                budget: 4
            ).isEmpty
        )

        // After a restart from a checkpoint, what was commanded is not sent again.
        var restarted = LiveState(
            inventory: city,
            policy: IngestPolicy(),
            timeZone: .gmt,
            startedAt: start.addingTimeInterval(5)
        )
        restarted.restore(state.checkpoint(at: start.addingTimeInterval(4)))
        for command in first + second + third {
            _ = restarted.ingest(
                Array(#"{"level":60,"ack":"\#(command.id)"}"#.utf8),
                route: .lighting(controller: command.controller[...]),
                receivedAt: start.addingTimeInterval(5)
            )
        }
        #expect(
            restarted.planCommands(
                targets: [(60, "schedule:s")],
                now: start.addingTimeInterval(60),
                policy: policy,
                budget: 4
            ).isEmpty
        )

        // c1 reboots and forgets its level: it is told again once, then only alarmed.
        let ackedC1 = try #require((first + second + third).first { $0.controller == "c1" })
        _ = restarted.ingest(
            Array(#"{"level":0}"#.utf8),
            route: .lighting(controller: "c1"),
            receivedAt: start.addingTimeInterval(10)
        )
        let again = restarted.planCommands(
            targets: [(60, "schedule:s")],
            now: start.addingTimeInterval(40),
            policy: policy,
            budget: 4
        )
        #expect(again.map(\.controller) == ["c1"])
        #expect(again.first?.id != ackedC1.id)
        _ = restarted.ingest(
            Array(#"{"level":0,"ack":"\#(again.first?.id ?? "")"}"#.utf8),
            route: .lighting(controller: "c1"),
            receivedAt: start.addingTimeInterval(41)
        )
        #expect(
            restarted.planCommands(
                targets: [(60, "schedule:s")],
                now: start.addingTimeInterval(400),
                policy: policy,
                budget: 4
            ).isEmpty
        )
        #expect(restarted.tick(now: start.addingTimeInterval(400)).alarms.map(\.id) == ["level_off_target:l1"])
    }
}
