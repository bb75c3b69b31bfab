import Foundation
import KerbsideCore
import Testing

@testable import KerbsideDaemon

@Suite("Zone history end to end", .timeLimit(.minutes(2)))
struct HistoryEndToEndTests {
    @Test func historyAnswersAreTimeWeightedAndIncludeTheOpenMinute() async throws {
        let harness = try await DaemonHarness()
        let t0 = harness.clock.now()  // a UTC minute boundary
        let iso = { (seconds: TimeInterval) in RFC3339.format(t0.addingTimeInterval(seconds)) }
        for sensor in ["s-c1", "s-c2", "s-c3", "s-c4"] { try harness.park(sensor, #"{"occupied":false}"#) }
        try await harness.waitForMessages(4)
        harness.clock.advance(by: 30)
        try harness.park("s-c1", #"{"occupied":true}"#)
        try await harness.waitForMessages(5)
        harness.clock.advance(by: 60)
        try harness.park("s-c1", #"{"occupied":false}"#)
        try await harness.waitForMessages(6)
        harness.clock.advance(by: 30)
        harness.aggregate()
        harness.daemon.storeWriter.flushNow()

        let minutes = try await harness.getJSONArray(
            "/api/v1/parking/zones/centre/history?from=\(iso(0))&to=\(iso(120))&step=1m"
        )
        #expect(
            minutes.map { $0["start"] as? String }
                == [iso(0), iso(60)].map { $0.replacingOccurrences(of: "Z", with: ".000Z") }
        )
        // Minute 0: c1 occupied for 30 of 60 s over 4 known bays = 30/240. Minute 1: occupied 30 s again.
        #expect(minutes.map { $0["occupancy_avg"] as? Double } == [0.125, 0.125])
        #expect(minutes.map { $0["arrivals"] as? Int } == [1, 0])
        #expect(minutes.map { $0["departures"] as? Int } == [0, 1])
        #expect(minutes.map { $0["occupied_max"] as? Int } == [1, 1])

        let quarter = try await harness.getJSONArray(
            "/api/v1/parking/zones/centre/history?from=\(iso(0))&to=\(iso(900))&step=15m"
        )
        #expect(quarter.count == 1)
        #expect(quarter.first?["occupancy_avg"] as? Double == 0.125)
        #expect(quarter.first?["arrivals"] as? Int == 1)
        #expect(quarter.first?["departures"] as? Int == 1)

        // The open minute counts before it closes: c2 arrives, 30 s pass, no tick closes the bucket.
        try harness.park("s-c2", #"{"occupied":true}"#)
        try await harness.waitForMessages(7)
        harness.clock.advance(by: 30)
        harness.aggregate()
        let open = try await harness.getJSONArray(
            "/api/v1/parking/zones/centre/history?from=\(iso(120))&to=\(iso(240))&step=1m"
        )
        #expect(open.count == 1)
        #expect(open.first?["arrivals"] as? Int == 1)
        #expect(open.first?["occupancy_avg"] as? Double == 30.0 / 120)

        // c1's stay from 30 s to 90 s is a session of one minute; c2's is still going.
        let sessions = try await harness.getJSON(
            "/api/v1/parking/zones/centre/sessions?from=\(iso(0))&to=\(iso(3600))"
        )
        let statistics = try #require(sessions["statistics"] as? [String: Any])
        #expect(statistics["sessions"] as? Int == 1)
        #expect(statistics["median_minutes"] as? Double == 1)
        #expect(statistics["overstays"] as? Int == 0)
        let listed = try #require(sessions["sessions"] as? [[String: Any]])
        #expect(listed.first?["bay"] as? String == "c1")
        #expect(listed.first?["duration_minutes"] as? Double == 1)
        #expect(
            try harness.daemon.storeWriter.database.sessions(zone: "centre", from: t0, to: t0.addingTimeInterval(3600))
                .count == 1
        )

        let stored = try harness.daemon.storeWriter.database.minuteRollups(
            zone: "centre",
            from: t0,
            to: t0.addingTimeInterval(120)
        )
        #expect(stored.count == 2, "closed minutes are in SQLite")
        try await harness.shutdown()
    }

    @Test func closedQuarterHoursComeFromTheStoreAndNewerOnesFromMinutes() async throws {
        let harness = try await DaemonHarness()
        let t0 = harness.clock.now()
        for sensor in ["s-c1", "s-c2", "s-c3", "s-c4"] { try harness.park(sensor, #"{"occupied":true}"#) }
        try await harness.waitForMessages(4)
        harness.clock.advance(by: 20 * 60)
        try harness.park("s-c1", #"{"occupied":true}"#)  // a heartbeat keeps c1 fresh; the others stay known too
        try await harness.waitForMessages(5)
        harness.aggregate()
        harness.daemon.storeWriter.flushNow()
        let stored = try harness.daemon.storeWriter.database.rollups(
            .quarterHour,
            zone: "centre",
            from: t0,
            to: t0.addingTimeInterval(3600)
        )
        #expect(stored.count == 1, "the first quarter hour has closed and was derived")
        let from = RFC3339.format(t0)
        let to = RFC3339.format(t0.addingTimeInterval(1800))
        let quarters = try await harness.getJSONArray(
            "/api/v1/parking/zones/centre/history?from=\(from)&to=\(to)&step=15m"
        )
        #expect(quarters.count == 2)
        #expect(quarters.map { $0["occupancy_avg"] as? Double } == [1, 1])
        #expect(quarters.first?["arrivals"] as? Int == 0, "unknown → occupied is no arrival")
        try await harness.shutdown()
    }

    @Test func badHistoryQueriesAreClear400s() async throws {
        let harness = try await DaemonHarness()
        for query in [
            "step=5m", "from=yesterday", "from=2026-11-21T10:00:00Z&to=2026-11-21T09:00:00Z",
            "from=2000-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&step=1m",
        ] {
            let (status, body) = try await harness.get("/api/v1/parking/zones/centre/history?\(query)")
            #expect(status == 400, "\(query)")
            #expect(String(decoding: body, as: UTF8.self).contains("bad_request"))
        }
        let (status, _) = try await harness.get("/api/v1/parking/zones/nowhere/history")
        #expect(status == 404)
        try await harness.shutdown()
    }
}
