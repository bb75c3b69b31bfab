import Foundation
import KerbsideCore
import Testing

@testable import KerbsideDaemon

@Suite("Lighting history end to end", .timeLimit(.minutes(2)))
struct LightingHistoryEndToEndTests {
    @Test func historyAndNightsAddMeteredAndEstimatedEnergyAgainstFullPower() async throws {
        let harness = try await DaemonHarness()
        let t0 = harness.clock.now()  // 2025-11-21T18:00:00Z, 19:00 in Paris
        let iso = { (seconds: TimeInterval) in RFC3339.format(t0.addingTimeInterval(seconds)) }
        // The fixture's two lights are rated 60 W. ctl-1 has a meter; ctl-2 reports only its power.
        try harness.light("ctl-1", #"{"level":100,"energy_wh":1000}"#)
        try harness.light("ctl-2", #"{"level":50,"power_w":30}"#)
        try await harness.waitForMessages(2)
        harness.clock.advance(by: 3600)
        try harness.light("ctl-1", #"{"level":100,"energy_wh":1060}"#)
        try await harness.waitForMessages(3)
        harness.clock.advance(by: 3600)
        // ctl-1's meter was replaced and restarts from zero: 50 Wh drawn, not -1010 Wh. ctl-2 switches off.
        try harness.light("ctl-1", #"{"level":100,"energy_wh":50}"#)
        try harness.light("ctl-2", #"{"level":0,"power_w":0}"#)
        try await harness.waitForMessages(5)
        harness.clock.advance(by: 60)
        harness.aggregate()
        harness.daemon.storeWriter.flushNow()

        let hours = try await harness.getJSONArray(
            "/api/v1/lighting/groups/avenue/history?from=\(iso(0))&to=\(iso(7260))&step=1h"
        )
        #expect(hours.count == 3)
        // A meter delta is booked in the bucket where the reading that reports it arrived.
        #expect(hours.map { $0["energy_wh"] as? Double } == [30, 90, 50])
        #expect(hours.map { $0["full_power_wh"] as? Double } == [120, 120, 1])
        #expect(hours.map { $0["level_avg"] as? Double } == [75, 75, 50])
        #expect(hours.map { $0["burning_hours"] as? Double } == [2, 2, 1.0 / 60])
        #expect(hours.map { $0["fault_minutes"] as? Double } == [0, 0, 0])

        let nights = try await harness.getJSONArray(
            "/api/v1/lighting/groups/avenue/nights?from=\(iso(0))&to=\(iso(7260))"
        )
        #expect(nights.count == 1)
        let night = try #require(nights.first)
        #expect(night["night"] as? String == "2025-11-21")
        #expect(night["start"] as? String == "2025-11-21T11:00:00.000Z")
        #expect(night["end"] as? String == "2025-11-22T11:00:00.000Z")
        #expect(night["energy_kwh"] as? Double == 0.17)
        #expect(night["full_power_kwh"] as? Double == 0.241)
        #expect((night["saved_kwh"] as? Double).map { abs($0 - 0.071) < 1e-9 } == true)
        // The daemon started at 18:00Z: the seven hours before are unknown for both lights.
        #expect(night["unknown_light_hours"] as? Double == 14)

        let (status, _) = try await harness.get("/api/v1/lighting/groups/nowhere/nights")
        #expect(status == 404)
        let (badStep, _) = try await harness.get("/api/v1/lighting/groups/avenue/history?step=2m")
        #expect(badStep == 400)
        try await harness.shutdown()
    }
}
