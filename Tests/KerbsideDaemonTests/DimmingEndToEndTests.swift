import Foundation
import KerbsideCore
import Testing

@testable import KerbsideDaemon

@Suite("Dimming schedules over HTTP", .timeLimit(.minutes(2)))
struct DimmingEndToEndTests {
    static let ecoNight = """
        {"name": "Eco night",
         "steps": [{"at": "sunset", "level": 100}, {"at": "23:00", "level": 50}, {"at": "05:30", "level": 80},
                   {"at": "sunrise+15m", "level": 0}],
         "exceptions": [{"name": "Fête", "dates": ["2025-11-22"], "steps": [{"at": "civil_dusk-10m", "level": 100}]}]}
        """

    @Test func writesNeedTheLightingRoleAndEveryChangeIsAudited() async throws {
        let harness = try await DaemonHarness()
        let writes: [(String, String, String?)] = [
            ("PUT", "/api/v1/lighting/schedules/eco-night", Self.ecoNight),
            ("DELETE", "/api/v1/lighting/schedules/eco-night", nil),
            ("PUT", "/api/v1/lighting/groups/avenue/schedule", #"{"schedule": "eco-night"}"#),
            ("POST", "/api/v1/lighting/groups/avenue/override", #"{"level": 100, "until": "2025-11-21T23:00:00Z"}"#),
            ("DELETE", "/api/v1/lighting/groups/avenue/override", nil),
        ]
        for (method, path, body) in writes {
            #expect(try await harness.send(method, path, json: body, token: nil).status == 401, "\(method) \(path)")
            #expect(try await harness.send(method, path, json: body, token: "wrong").status == 401, "\(method) \(path)")
            #expect(
                try await harness.send(method, path, json: body, token: DaemonHarness.viewerSecret).status == 403,
                "\(method) \(path)"
            )
        }

        let (created, schedule) = try await harness.send(
            "PUT",
            "/api/v1/lighting/schedules/eco-night",
            json: Self.ecoNight
        )
        #expect(created == 200)
        #expect(
            (schedule?["steps"] as? [[String: Any]])?.map { $0["at"] as? String } == [
                "sunset", "23:00", "05:30", "sunrise+15m",
            ]
        )
        let (invalid, problem) = try await harness.send(
            "PUT",
            "/api/v1/lighting/schedules/broken",
            json: #"{"steps": [{"at": "sunsett", "level": 120}]}"#
        )
        #expect(invalid == 400)
        let message = (problem?["error"] as? [String: Any])?["message"] as? String ?? ""
        #expect(message.contains("steps[0].at: unknown event \"sunsett\""), "\(message)")
        #expect(message.contains("steps[0].level"), "\(message)")

        #expect(
            try await harness.send(
                "PUT",
                "/api/v1/lighting/groups/avenue/schedule",
                json: #"{"schedule": "eco-night"}"#
            ).status == 204
        )
        #expect(try await harness.send("DELETE", "/api/v1/lighting/schedules/eco-night").status == 409)
        // 18:00Z on 2025-11-21 is 19:00 in Paris, after sunset: the group is at 100 %.
        let group = try await harness.getJSON("/api/v1/lighting/groups/avenue")
        #expect(group["schedule"] as? String == "eco-night")
        #expect(group["target_level"] as? Int == 100)

        let (overridden, override) = try await harness.send(
            "POST",
            "/api/v1/lighting/groups/avenue/override",
            json: #"{"level": 30, "until": "2025-11-21T19:00:00Z"}"#
        )
        #expect(overridden == 200)
        #expect(override?["set_by"] as? String == "engineer")
        #expect(try await harness.getJSON("/api/v1/lighting/groups/avenue")["target_level"] as? Int == 30)
        // It ends by itself at `until`.
        harness.clock.advance(by: 3600)
        #expect(try await harness.getJSON("/api/v1/lighting/groups/avenue")["target_level"] as? Int == 100)

        let audit = try await harness.getJSONArray("/api/v1/lighting/audit")
        #expect(audit.map { $0["action"] as? String } == ["override.set", "group.schedule", "schedule.put"])
        #expect(audit.allSatisfy { $0["actor"] as? String == "engineer" })
        try await harness.shutdown()
    }

    @Test func thePlanResolvesTheSunAndTheExceptionsOfALocalDay() async throws {
        let harness = try await DaemonHarness()
        #expect(
            try await harness.send("PUT", "/api/v1/lighting/schedules/eco-night", json: Self.ecoNight).status == 200
        )
        #expect(
            try await harness.send(
                "PUT",
                "/api/v1/lighting/groups/avenue/schedule",
                json: #"{"schedule": "eco-night"}"#
            ).status == 204
        )

        let plan = try await harness.getJSONArray("/api/v1/lighting/groups/avenue/plan?date=2025-11-21")
        #expect(plan.map { $0["level"] as? Int } == [50, 80, 0, 100, 50])
        #expect(plan.first?["source"] as? String == "carried over")
        #expect(plan.map { $0["step"] as? String } == [nil, "05:30", "sunrise+15m", "sunset", "23:00"])
        #expect(plan[2]["solar"] as? String == "computed")
        // 05:30 in Paris in November is 04:30Z; NOAA puts Niort's sunset near 16:20Z that day.
        #expect(plan[1]["at"] as? String == "2025-11-21T04:30:00.000Z")
        let sunset = try RFC3339.parse(try #require(plan[3]["at"] as? String))
        #expect(abs(sunset.timeIntervalSince(try RFC3339.parse("2025-11-21T16:20:00Z"))) < 600)

        let festival = try await harness.getJSONArray("/api/v1/lighting/groups/avenue/plan?date=2025-11-22")
        #expect(festival.last?["source"] as? String == "schedule:eco-night exception:Fête")
        #expect(festival.last?["step"] as? String == "civil_dusk-10m")

        #expect(try await harness.get("/api/v1/lighting/groups/avenue/plan?date=2025-02-30").status == 400)
        #expect(try await harness.get("/api/v1/lighting/groups/nowhere/plan?date=2025-11-21").status == 404)
        try await harness.shutdown()
    }

    @Test func schedulesAssignmentsAndOverridesSurviveARestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kerbside-dimming-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let storage = directory.appendingPathComponent("kerbside.sqlite").path
        let first = try await DaemonHarness(storagePath: storage)
        #expect(try await first.send("PUT", "/api/v1/lighting/schedules/eco-night", json: Self.ecoNight).status == 200)
        #expect(
            try await first.send("PUT", "/api/v1/lighting/groups/avenue/schedule", json: #"{"schedule": "eco-night"}"#)
                .status == 204
        )
        let override = #"{"level": 20, "until": "2025-11-21T20:00:00Z"}"#
        #expect(try await first.send("POST", "/api/v1/lighting/groups/avenue/override", json: override).status == 200)
        try await first.shutdown()

        let second = try await DaemonHarness(storagePath: storage)
        #expect(try await second.get("/api/v1/lighting/schedules/eco-night").status == 200)
        let group = try await second.getJSON("/api/v1/lighting/groups/avenue")
        #expect(group["schedule"] as? String == "eco-night")
        #expect(group["target_level"] as? Int == 20)
        #expect((group["override"] as? [String: Any])?["set_by"] as? String == "engineer")
        try await second.shutdown()
    }
}
