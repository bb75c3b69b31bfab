import Foundation
import KerbsideTesting
import Testing

@testable import KerbsideCore

@Suite("Light group rollups: energy, level, burning hours, faults, nights")
struct GroupRollupTests {
    /// 2027-01-15T08:00:00Z, a multiple of every bucket length.
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }

    func state(_ level: Int, watts: Double? = nil, faulty: Bool = false) -> LightRollupState {
        LightRollupState(level: level, faulty: faulty, estimatedWatts: watts, ratedWatts: 100)
    }

    @Test func levelBurningTimeAndEstimatedEnergyAreTimeWeighted() throws {
        var rollups = GroupRollupAccumulator(group: "g", lights: 2, bucketLength: 60, states: [], now: at(0))
        // Light A at 50 % drawing 40 W from 0 s; light B at 100 % drawing 90 W from 30 s.
        _ = rollups.apply(from: nil, to: state(50, watts: 40), at: at(0))
        _ = rollups.apply(from: nil, to: state(100, watts: 90), at: at(30))
        let closed = try #require(rollups.advance(to: at(60)).first)
        #expect(closed.knownLightSeconds == 90)
        #expect(closed.unknownLightSeconds == 30)
        #expect(closed.levelLightSeconds == 50 * 60 + 100 * 30)
        let levelAverage: Double = (50 * 60 + 100 * 30) / 90
        #expect(closed.levelAverage == levelAverage)
        #expect(closed.burningLightSeconds == 90)
        let drawn: Double = (40 * 60 + 90 * 30) / 3600
        #expect(abs(closed.energyWattHours - drawn) < 1e-12)
        // At rated power (100 W each) the same 90 light-seconds would have drawn 2.5 Wh.
        #expect(closed.fullPowerWattHours == 100.0 * 90 / 3600)
        #expect(closed.savedWattHours == closed.fullPowerWattHours - closed.energyWattHours)
    }

    @Test func anOfflineSpanIsUnknownAndDrawsNothing() throws {
        var rollups = GroupRollupAccumulator(
            group: "g",
            lights: 1,
            bucketLength: 60,
            states: [state(100, watts: 60)],
            now: at(0)
        )
        _ = rollups.apply(from: state(100, watts: 60), to: nil, at: at(20))
        _ = rollups.apply(from: nil, to: state(100, watts: 60), at: at(50))
        let closed = try #require(rollups.advance(to: at(60)).first)
        #expect(closed.knownLightSeconds == 30)
        #expect(closed.unknownLightSeconds == 30)
        #expect(closed.energyWattHours == 60.0 * 30 / 3600)
    }

    @Test func meteredEnergyIsBookedWhereTheReadingArrivesAndAResetIsNotNegative() throws {
        #expect(LightState.meterDelta(from: 1000, to: 1012.5) == 12.5)
        // The meter went back to 3 Wh: it was reset and counted 3 Wh since, not -997 Wh.
        #expect(LightState.meterDelta(from: 1000, to: 3) == 3)
        #expect(LightState.meterDelta(from: nil, to: 3) == 0)

        var rollups = GroupRollupAccumulator(group: "g", lights: 1, bucketLength: 60, states: [], now: at(0))
        _ = rollups.apply(from: nil, to: state(30), at: at(0))
        _ = rollups.book(wattHours: 12.5, at: at(10))
        let closed = rollups.book(wattHours: 3, at: at(70))
        #expect(closed.map(\.energyWattHours) == [12.5])
        #expect(rollups.openBucket(at: at(90)).energyWattHours == 3)
        // Metered lights add no estimate, but still their full-power baseline.
        #expect(closed.first?.fullPowerWattHours == 100.0 * 60 / 3600)
    }

    @Test func faultMinutesCountOnlyWhileAFaultIsReported() throws {
        var rollups = GroupRollupAccumulator(group: "g", lights: 1, bucketLength: 60, states: [state(0)], now: at(0))
        _ = rollups.apply(from: state(0), to: state(0, faulty: true), at: at(15))
        let closed = try #require(rollups.advance(to: at(120)).last)
        #expect(closed.faultMinutes == 1)
        #expect(closed.burningHours == 0)
    }

    @Test func liveStateFeedsGroupsFromMetersPowerOrLevelAndMarksSilentLightsUnknown() throws {
        let start = t0
        var state = LiveState(
            inventory: Fixtures.smallCity(),
            policy: IngestPolicy(),
            timeZone: TimeZone(identifier: "Europe/Paris") ?? .gmt,
            startedAt: start
        )
        // ctl-1 has a meter; ctl-2 reports only its level, so it is estimated from 60 W rated at 50 %.
        _ = state.ingest(
            Array(#"{"level":100,"energy_wh":500}"#.utf8),
            route: .lighting(controller: "ctl-1"),
            receivedAt: start
        )
        _ = state.ingest(Array(#"{"level":50}"#.utf8), route: .lighting(controller: "ctl-2"), receivedAt: start)
        _ = state.ingest(
            Array(#"{"level":100,"energy_wh":501}"#.utf8),
            route: .lighting(controller: "ctl-1"),
            receivedAt: start.addingTimeInterval(60)
        )
        let snapshot = state.tick(now: start.addingTimeInterval(120))
        let minutes = snapshot.closedGroupRollups
        #expect(minutes.count == 2)
        let estimatedPerMinute: Double = 30.0 * 60 / 3600
        #expect(minutes.map(\.energyWattHours) == [estimatedPerMinute, 1 + estimatedPerMinute])
        #expect(minutes.map(\.burningLightSeconds) == [120, 120])
        #expect(minutes.first?.levelAverage == 75)

        // Both go silent; the group's offline_after is 30 min, so they turn unknown from then on, not from the tick.
        let late = state.tick(now: start.addingTimeInterval(3600)).closedGroupRollups
        let afterSilence = late.filter { $0.start >= start.addingTimeInterval(60 + 1800) }
        #expect(afterSilence.allSatisfy { $0.knownLightSeconds == 0 && $0.energyWattHours == 0 })
        #expect(late.first?.knownLightSeconds == 120)
    }

    @Test func nightsRunFromLocalNoonToNoonAndLast23Or25HoursOverDST() throws {
        let paris = try #require(TimeZone(identifier: "Europe/Paris"))
        // 2026-03-28T12:00+01:00 is 11:00Z; the clocks go forward that night, so the next noon is 10:00Z.
        let springEvening = try RFC3339.parse("2026-03-28T11:00:00Z")
        let spring = LightingNight.nights(from: springEvening, to: springEvening.addingTimeInterval(1), timeZone: paris)
        #expect(spring.count == 1)
        #expect(spring.first?.evening.description == "2026-03-28")
        let springNight = try #require(spring.first)
        #expect(springNight.end.timeIntervalSince(springNight.start) == 23 * 3600)

        let autumn = LightingNight.nights(
            from: try RFC3339.parse("2026-10-24T22:00:00Z"),
            to: try RFC3339.parse("2026-10-26T09:00:00Z"),
            timeZone: paris
        )
        #expect(autumn.map(\.evening.description) == ["2026-10-24", "2026-10-25"])
        let autumnNight = try #require(autumn.first)
        #expect(autumnNight.end.timeIntervalSince(autumnNight.start) == 25 * 3600)
        #expect(autumn.first?.start == (try RFC3339.parse("2026-10-24T10:00:00Z")))
    }

    @Test func mergingIntoNightsSumsEnergyAndBaseline() throws {
        let parts = (0..<3).map { index in
            GroupRollup(
                group: "g",
                start: at(Double(index) * 60),
                duration: 60,
                lights: 1,
                energyWattHours: 1,
                fullPowerWattHours: 2,
                knownLightSeconds: 60,
                burningLightSeconds: 60
            )
        }
        let merged = mergeRollups(parts, into: [(at(0), at(3600))])
        #expect(merged.count == 1)
        #expect(merged.first?.energyWattHours == 3)
        #expect(merged.first?.savedWattHours == 3)
        // Cut where the data ends, so the newest bucket does not read as unknown until its end.
        #expect(merged.first?.duration == 180)
    }
}
