import Foundation
import KerbsideCore
import MQTT
import Testing

@testable import KerbsideDaemon

/// A primary and its hot standby on one broker: the standby takes in everything and answers alike, publishes no sign
/// and commands no light while the primary is online, takes both over when the primary goes, and hands them back.
@Suite("Hot standby end to end", .timeLimit(.minutes(2)))
struct HotStandbyEndToEndTests {
    static let night = #"{"steps": [{"at": "18:00", "level": 100}, {"at": "06:00", "level": 0}]}"#

    func assignNightSchedule(on harness: DaemonHarness) async throws {
        #expect(try await harness.send("PUT", "/api/v1/lighting/schedules/night", json: Self.night).status == 200)
        let assignment = try await harness.send(
            "PUT",
            "/api/v1/lighting/groups/avenue/schedule",
            json: #"{"schedule": "night"}"#
        )
        #expect(assignment.status == 204)
    }

    func readiness(of harness: DaemonHarness) async throws -> [String: Any] {
        try await harness.getJSON("/readyz", token: nil)
    }

    @Test func theStandbyStaysQuietWhileThePrimaryIsOnlineAndTakesOverWhenItGoes() async throws {
        let primary = try await DaemonHarness(instance: "city")
        let standby = try await DaemonHarness(broker: primary.broker, instance: "city-standby", standbyFor: "city")
        let signs = try await TopicRecorder(broker: primary.broker, filter: "kerbside/signs/#")
        try await waitUntil("the standby has heard its primary") {
            try await readiness(of: standby)["publishing"] as? Bool == false
        }
        #expect(try await readiness(of: standby)["standby_for"] as? String == "city")
        #expect(try await readiness(of: standby)["ready"] as? Bool == true, "a standby serves reads")
        #expect(try await readiness(of: primary)["publishing"] as? Bool == true)
        for harness in [primary, standby] { try await assignNightSchedule(on: harness) }

        // Both take in the same readings and answer the same.
        for (index, sensor) in ["s-c1", "s-c2", "s-g1"].enumerated() {
            try primary.park(sensor, #"{"occupied":\#(index != 1),"seq":1}"#)
        }
        for harness in [primary, standby] { try await harness.waitForMessages(3) }
        let fromPrimary = primary.aggregate()
        #expect(standby.aggregate().zones == fromPrimary.zones)
        #expect(fromPrimary.signs == standby.aggregate().signs)

        // Only the primary published signs and commanded lights (18:00Z is night in Paris).
        #expect(primary.metricValue("kerbside_sign_publishes_total") > 0)
        #expect(standby.metricValue("kerbside_sign_publishes_total") == 0)
        #expect(standby.daemon.dimming.tickNow().isEmpty)
        #expect(standby.metricValue("kerbside_dimming_commands_total") == 0)

        // The primary goes (a crash would have the broker publish its will, `offline`, the same way).
        try await primary.shutdown()
        try await waitUntil("the standby has taken over") {
            try await readiness(of: standby)["publishing"] as? Bool == true
        }
        let signsBefore = signs.messages.count
        standby.aggregate()
        #expect(standby.metricValue("kerbside_sign_publishes_total") == fromPrimary.signs.count, "every sign stated")
        try await waitUntil("the standby's sign states arrive") { signs.messages.count > signsBefore }
        #expect(Set(standby.daemon.dimming.tickNow().map(\.controller)) == ["ctl-1", "ctl-2"])

        // The primary comes back (its instance, a new process): the standby stands by again.
        let returned = try await DaemonHarness(broker: primary.broker, instance: "city")
        try await waitUntil("the standby has handed back") {
            try await readiness(of: standby)["publishing"] as? Bool == false
        }
        let published = standby.metricValue("kerbside_sign_publishes_total")
        try returned.park("s-c2", #"{"occupied":true,"seq":2}"#)
        try await standby.waitForMessages(4)
        standby.aggregate()
        #expect(standby.metricValue("kerbside_sign_publishes_total") == published)
        try await returned.shutdown()
        try await standby.shutdown()
    }
}
