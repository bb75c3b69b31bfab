import Foundation
import Testing

@testable import KerbsideCore

@Suite("History steps")
struct RollupStepTests {
    let paris = TimeZone(identifier: "Europe/Paris") ?? .gmt

    func minute(at instant: Date, occupied: Double) -> ZoneRollup {
        ZoneRollup(
            zone: "z",
            start: instant,
            duration: 60,
            capacity: 1,
            occupiedBaySeconds: occupied,
            knownBaySeconds: 60,
            occupiedMax: occupied > 0 ? 1 : 0,
            freeMin: occupied < 60 ? 1 : 0
        )
    }

    func date(_ text: String) throws -> Date { try RFC3339.parse(text) }

    @Test func quarterHoursAreUTCAlignedSumsOfMinutes() throws {
        let start = try date("2026-11-21T18:00:00Z")
        let minutes = (0..<30).map { minute(at: start.addingTimeInterval(Double($0) * 60), occupied: $0 < 15 ? 60 : 0) }
        let quarters = RollupStep.quarterHour.group(
            minutes,
            from: start,
            to: start.addingTimeInterval(1800),
            timeZone: paris
        )
        #expect(quarters.map(\.start) == [start, start.addingTimeInterval(900)])
        #expect(quarters.map(\.occupancyAverage) == [1, 0])
        #expect(quarters.map(\.duration) == [900, 900])
    }

    @Test func theNewestBucketEndsWhereTheDataEnds() throws {
        let start = try date("2026-11-21T18:00:00Z")
        let minutes = (0..<10).map { minute(at: start.addingTimeInterval(Double($0) * 60), occupied: 30) }
        let hour = try #require(
            RollupStep.hour.group(minutes, from: start, to: start.addingTimeInterval(3600), timeZone: paris).first
        )
        #expect(hour.duration == 600)
        #expect(hour.unknownBaySeconds == 0)
        #expect(hour.occupancyAverage == 0.5)
    }

    @Test func daysAreLocalAndDSTDaysHaveTheirRealLength() throws {
        // Europe/Paris: 2026-03-29 has 23 hours, 2026-10-25 has 25.
        let march = RollupStep.day.buckets(
            from: try date("2026-03-29T00:30:00+01:00"),
            to: try date("2026-03-30T00:00:00+02:00"),
            timeZone: paris
        )
        #expect(march.count == 1)
        #expect(march.first.map { $0.end.timeIntervalSince($0.start) } == TimeInterval(23 * 3600))
        #expect(march.first?.start == (try date("2026-03-28T23:00:00Z")))
        let october = RollupStep.day.buckets(
            from: try date("2026-10-25T00:00:00+02:00"),
            to: try date("2026-10-25T12:00:00+01:00"),
            timeZone: paris
        )
        #expect(october.first.map { $0.end.timeIntervalSince($0.start) } == TimeInterval(25 * 3600))
    }

    @Test func aGapInsideABucketCountsAsUnknown() throws {
        let start = try date("2026-11-21T18:00:00Z")
        let minutes = [minute(at: start, occupied: 60), minute(at: start.addingTimeInterval(120), occupied: 60)]
        let quarter = try #require(
            RollupStep.quarterHour.group(minutes, from: start, to: start.addingTimeInterval(900), timeZone: paris).first
        )
        #expect(quarter.duration == 180)
        #expect(quarter.unknownBaySeconds == 60)
        #expect(quarter.occupancyAverage == 1)
    }
}
