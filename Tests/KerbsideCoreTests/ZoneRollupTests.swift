import Foundation
import Testing

@testable import KerbsideCore

@Suite("Zone rollups: time-weighted buckets")
struct ZoneRollupTests {
    /// 2027-01-15T08:00:00Z, a multiple of every bucket length.
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }

    func accumulator(occupied: Int = 0, free: Int = 2, startingAt seconds: TimeInterval = 0) -> ZoneRollupAccumulator {
        ZoneRollupAccumulator(
            zone: "z",
            capacity: 2,
            bucketLength: 60,
            occupied: occupied,
            free: free,
            now: at(seconds)
        )
    }

    @Test func aBayOccupiedFor45SecondsOfAMinuteContributesThreeQuarters() throws {
        var rollups = accumulator()
        #expect(rollups.apply(from: .free, to: .occupied, at: at(15)).isEmpty)
        let closed = try #require(rollups.advance(to: at(60)).first)
        #expect(closed.occupiedBaySeconds == 45)
        #expect(closed.knownBaySeconds == 120)
        #expect(closed.occupancyAverage == 45.0 / 120)
        #expect((closed.occupiedMax, closed.freeMin, closed.arrivals, closed.departures) == (1, 1, 1, 0))
        #expect(closed.start == t0)
    }

    @Test func offlineSpansAreUnknownNotFreeAndTransitionsFromUnknownAreNoArrivals() throws {
        var rollups = accumulator(occupied: 1, free: 1)
        _ = rollups.apply(from: .occupied, to: .unknown, at: at(30))
        _ = rollups.apply(from: .unknown, to: .occupied, at: at(45))
        let closed = try #require(rollups.advance(to: at(60)).first)
        #expect(closed.unknownBaySeconds == 15)
        #expect(closed.unknownAverage == 0.25)
        #expect(closed.knownBaySeconds == 105)
        #expect(closed.occupiedBaySeconds == 45)
        #expect((closed.arrivals, closed.departures) == (0, 0))
    }

    @Test func quietBucketsCloseWithTheStateThatHeld() {
        var rollups = accumulator(occupied: 2, free: 0)
        let closed = rollups.advance(to: at(180))
        #expect(closed.map(\.start) == [t0, at(60), at(120)])
        #expect(closed.allSatisfy { $0.occupancyAverage == 1 && $0.freeMin == 0 && $0.occupiedMax == 2 })
    }

    @Test func aChangeInALaterBucketClosesTheEarlierOnesFirst() throws {
        var rollups = accumulator()
        let closed = rollups.apply(from: .free, to: .occupied, at: at(90))
        #expect(closed.count == 1)
        #expect(try #require(closed.first).occupiedBaySeconds == 0)
        let second = try #require(rollups.advance(to: at(120)).first)
        #expect(second.occupiedBaySeconds == 30)
        #expect(second.arrivals == 1)
    }

    @Test func startingMidBucketLeavesTheUncountedPartUnknown() throws {
        var rollups = accumulator(occupied: 1, free: 1, startingAt: 20)
        let closed = try #require(rollups.advance(to: at(60)).first)
        #expect(closed.unknownBaySeconds == 40)
        #expect(closed.occupiedBaySeconds == 40)
        #expect(closed.occupancyAverage == 0.5)
    }

    @Test func aLateTransitionIsAppliedAtTheLastIntegratedInstant() throws {
        var rollups = accumulator()
        _ = rollups.apply(from: .free, to: .occupied, at: at(30))
        _ = rollups.apply(from: .free, to: .occupied, at: at(20))  // from another sensor, arriving late
        let closed = try #require(rollups.advance(to: at(60)).first)
        #expect(closed.occupiedBaySeconds == 30 + 30)
        #expect(closed.arrivals == 2)
    }

    @Test func theOpenBucketIsCutAtNow() {
        var rollups = accumulator()
        _ = rollups.apply(from: .free, to: .occupied, at: at(10))
        let open = rollups.openBucket(at: at(40))
        #expect(open.duration == 40)
        #expect(open.occupiedBaySeconds == 30)
        #expect(open.knownBaySeconds == 80)
        #expect(rollups.openBucket(at: at(50)).occupiedBaySeconds == 40, "reading the open bucket changes nothing")
    }

    @Test func coarserBucketsAreExactSumsAndGapsCountAsUnknown() throws {
        let parts = [
            ZoneRollup(
                zone: "z",
                start: t0,
                duration: 60,
                capacity: 2,
                occupiedBaySeconds: 60,
                knownBaySeconds: 120,
                occupiedMax: 1,
                freeMin: 1,
                arrivals: 1
            ),
            ZoneRollup(
                zone: "z",
                start: at(60),
                duration: 60,
                capacity: 2,
                occupiedBaySeconds: 120,
                knownBaySeconds: 120,
                occupiedMax: 2,
                freeMin: 0,
                arrivals: 1,
                departures: 1
            ),
        ]
        let merged = try #require(ZoneRollup.merging(parts, start: t0, duration: 180))
        #expect(merged.occupiedBaySeconds == 180)
        #expect(merged.knownBaySeconds == 240)
        #expect(merged.occupancyAverage == 0.75)
        #expect((merged.occupiedMax, merged.freeMin, merged.arrivals, merged.departures) == (2, 0, 2, 1))
        #expect(merged.unknownBaySeconds == 120, "the third minute had no data: 60 s × 2 bays unknown")
        #expect(ZoneRollup.merging([], start: t0, duration: 60) == nil)
    }

    @Test(arguments: [60.0, 900, 3600])
    func bucketsAlignToUTCMultiples(length: TimeInterval) {
        let instant = at(length * 3 + 7)
        #expect(ZoneRollupAccumulator.bucketStart(of: instant, length: length) == at(length * 3))
    }
}
