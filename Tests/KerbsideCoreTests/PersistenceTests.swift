import Foundation
import KerbsideTesting
import Testing

@testable import KerbsideCore

@Suite("Live state across a restart")
struct PersistenceTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func at(_ seconds: TimeInterval) -> Date { start.addingTimeInterval(seconds) }

    func makeState(startedAt: Date) -> LiveState {
        LiveState(
            inventory: Fixtures.smallCity(),
            policy: IngestPolicy(),
            timeZone: TimeZone(identifier: "Europe/Paris") ?? .gmt,
            startedAt: startedAt
        )
    }

    @Test func aRestoredStateAnswersAsBeforeAndStillKnowsItsSeqs() throws {
        var before = makeState(startedAt: start)
        let reading = Array(#"{"occupied":true,"seq":9,"battery_v":3.4}"#.utf8)
        _ = before.ingest(
            Array(#"{"occupied":false,"seq":8}"#.utf8),
            route: .parking(sensor: "s-c1"),
            receivedAt: at(1)
        )
        _ = before.ingest(reading, route: .parking(sensor: "s-c1"), receivedAt: at(2))
        _ = before.ingest(Array(#"{"occupied":false}"#.utf8), route: .parking(sensor: "s-c2"), receivedAt: at(2))
        _ = before.ingest(
            Array(#"{"level":40,"power_w":24,"energy_wh":100,"faults":["comms"],"seq":3}"#.utf8),
            route: .lighting(controller: "ctl-1"),
            receivedAt: at(3)
        )
        let saved = before.persistedDevices()
        #expect((saved.bays.count, saved.lights.count) == (2, 1), "only devices heard from")

        var after = makeState(startedAt: at(100))
        let restored = after.restore(saved)
        #expect(restored.bays == 2 && restored.lights == 1)
        #expect(after.bayDetail(id: "c1", now: at(101)) == before.bayDetail(id: "c1", now: at(101)))
        #expect(after.lightDetail(id: "l1", now: at(101)) == before.lightDetail(id: "l1", now: at(101)))
        #expect(after.tick(now: at(101)).zones == before.tick(now: at(101)).zones)

        // A redelivery of what was received before the restart is still a duplicate.
        let redelivered = after.ingest(reading, route: .parking(sensor: "s-c1"), receivedAt: at(102))
        #expect(redelivered == .rejected(Rejection(.duplicate, "seq 9 already received")))
        // And the departure that follows ends the session begun before the restart.
        _ = after.ingest(
            Array(#"{"occupied":false,"seq":10}"#.utf8),
            route: .parking(sensor: "s-c1"),
            receivedAt: at(160)
        )
        let sessions = after.tick(now: at(161)).endedSessions
        #expect(sessions.first?.arrived == at(2))
    }

    @Test func rollupsStartFromTheRestoredCounts() throws {
        var before = makeState(startedAt: start)
        _ = before.ingest(Array(#"{"occupied":true}"#.utf8), route: .parking(sensor: "s-c1"), receivedAt: at(1))
        var after = makeState(startedAt: at(60))
        after.restore(before.persistedDevices())
        _ = after.ingest(Array(#"{"occupied":false}"#.utf8), route: .parking(sensor: "s-c1"), receivedAt: at(90))
        let closed = try #require(after.tick(now: at(120)).closedRollups.first { $0.zone == "centre" })
        #expect(closed.occupiedBaySeconds == 30)
        #expect(closed.departures == 1)
    }

    @Test func lightRollupStatesComeBackFromTheDevicesAndTheFewExceptions() throws {
        var state = makeState(startedAt: start)
        for controller in ["ctl-1", "ctl-2"] {
            _ = state.ingest(
                Array(#"{"level":60,"power_w":30,"seq":1}"#.utf8),
                route: .lighting(controller: controller[...]),
                receivedAt: at(0)
            )
        }
        // ctl-2 speaks again; ctl-1 falls silent past the group's 30 min and counts as unknown from then on.
        _ = state.ingest(
            Array(#"{"level":60,"power_w":30,"seq":2}"#.utf8),
            route: .lighting(controller: "ctl-2"),
            receivedAt: at(1500)
        )
        _ = state.tick(now: at(2000))
        let checkpoint = state.checkpoint(at: at(2000))
        // Only the exception is written out: a million lights' states as JSON made most of a restart.
        #expect(checkpoint.lightRollupStates.isEmpty)
        #expect(checkpoint.lightsWithoutRollupState == ["ctl-1"])

        var restored = makeState(startedAt: at(2000))
        let encoded = try JSONEncoder().encode(checkpoint)
        restored.restore(try JSONDecoder().decode(LiveCheckpoint.self, from: encoded))
        #expect(restored.lightRollupStates == state.lightRollupStates)
        #expect(restored.lightRollupStates[0] == nil && restored.lightRollupStates[1] != nil)
    }

    @Test func devicesNoLongerInTheInventoryAreSkipped() {
        var state = makeState(startedAt: start)
        let ghost = PersistedBay(
            sensor: "removed",
            reported: .free,
            since: nil,
            lastSeen: start,
            lastReadingAt: start,
            batteryVolts: nil,
            arrivedAt: nil,
            seqs: [],
            recent: []
        )
        #expect(state.restore(PersistedDevices(bays: [ghost], lights: [])).bays == 0)
    }
}
