import Foundation
import KerbsideCore
import MQTT
import Testing

@testable import KerbsideDaemon

/// A primary and its hot standby on one broker: the standby takes in everything and answers alike, publishes no sign
/// and commands no light while the primary is online, takes both over when the primary goes, and hands them back;
/// lighting settings changed on either reach the other.
@Suite("Hot standby end to end", .timeLimit(.minutes(2)))
struct HotStandbyEndToEndTests {
    static let night = #"{"steps": [{"at": "18:00", "level": 100}, {"at": "06:00", "level": 0}]}"#

    func assignNightSchedule(on harness: DaemonHarness) async throws -> Int {
        let put = try await harness.send("PUT", "/api/v1/lighting/schedules/night", json: Self.night).status
        guard put == 200 else { return put }
        return try await harness.send(
            "PUT",
            "/api/v1/lighting/groups/avenue/schedule",
            json: #"{"schedule": "night"}"#
        ).status
    }

    func group(of harness: DaemonHarness) async throws -> [String: Any] {
        try await harness.getJSON("/api/v1/lighting/groups/avenue")
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
        // Lighting changes are the primary's while it is online; the standby adopts them.
        #expect(try await assignNightSchedule(on: standby) == 409)
        #expect(try await assignNightSchedule(on: primary) == 204)
        try await waitUntil("the standby has adopted the primary's settings") {
            try await group(of: standby)["schedule"] as? String == "night"
        }

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
        // Now it takes changes itself.
        let override = #"{"level": 30, "until": "2025-11-21T20:00:00Z"}"#
        #expect(try await standby.send("POST", "/api/v1/lighting/groups/avenue/override", json: override).status == 200)

        // The primary comes back (its instance, a new process): the standby stands by again.
        let returned = try await DaemonHarness(broker: primary.broker, instance: "city")
        try await waitUntil("the standby has handed back") {
            try await readiness(of: standby)["publishing"] as? Bool == false
        }
        // The returning primary (an empty database here) adopts what was set while it was away.
        try await waitUntil("the primary has adopted the standby's settings") {
            let avenue = try await group(of: returned)
            return avenue["schedule"] as? String == "night" && avenue["target_level"] as? Int == 30
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
