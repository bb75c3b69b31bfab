import Foundation
import Testing

@testable import KerbsideCore

@Suite("Bay state machine")
struct BayStateTests {
    let policy = SensorHealthPolicy(
        offlineAfter: 600,
        flappingMaxChanges: 3,
        flappingWindow: 300,
        suspectAfter: 3600,
        lowBatteryVolts: 3.1
    )
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func at(_ seconds: TimeInterval) -> Date { start.addingTimeInterval(seconds) }

    func newBay() -> BayState { BayState(historyCapacity: 8, flappingMaxChanges: policy.flappingMaxChanges) }

    @discardableResult
    func report(
        _ bay: inout BayState,
        occupied: Bool,
        at seconds: TimeInterval,
        battery: Double? = nil
    )
        -> BayTransition?
    {
        bay.apply(
            ParkingReading(occupied: occupied, batteryVolts: battery),
            occurredAt: at(seconds),
            receivedAt: at(seconds),
            policy: policy,
            bayIndex: 0
        )
    }

    @Test func unknownUntilTheFirstReading() {
        let bay = newBay()
        let status = bay.status(at: start, policy: policy, maxStayMinutes: nil)
        #expect(status.state == .unknown)
        #expect(!status.isOffline)
        #expect(!status.isTrusted)
    }

    @Test func firstReadingIsNeitherArrivalNorDeparture() throws {
        var bay = newBay()
        let transition = try #require(report(&bay, occupied: true, at: 0))
        #expect(transition.kind == .other)
        #expect(transition.from == .unknown && transition.to == .occupied)
    }

    @Test func arrivalsAndDepartures() {
        var bay = newBay()
        report(&bay, occupied: false, at: 0)
        #expect(report(&bay, occupied: true, at: 10)?.kind == .arrival)
        #expect(report(&bay, occupied: true, at: 20) == nil, "a repeated state is no transition")
        #expect(report(&bay, occupied: false, at: 30)?.kind == .departure)
        #expect(bay.status(at: at(40), policy: policy, maxStayMinutes: nil).since == at(30))
    }

    @Test func silenceMakesTheBayUnknownAndTheReturnIsNoArrival() throws {
        var bay = newBay()
        report(&bay, occupied: false, at: 0)
        #expect(bay.status(at: at(600), policy: policy, maxStayMinutes: nil).state == .free)
        let silent = bay.status(at: at(601), policy: policy, maxStayMinutes: nil)
        #expect(silent.state == .unknown)
        #expect(silent.isOffline)
        #expect(silent.since == at(600))
        let transition = bay.markOfflineIfSilent(at: at(601), policy: policy, bayIndex: 0)
        let marked = try #require(transition)
        #expect(marked.from == .free && marked.to == .unknown && marked.at == at(600))
        #expect(bay.markOfflineIfSilent(at: at(700), policy: policy, bayIndex: 0) == nil)
        let back = try #require(report(&bay, occupied: true, at: 900))
        #expect(back.kind == .other, "nobody knows when that car came")
    }

    @Test func returnAfterSilenceWithoutATickIsAlsoNoArrival() throws {
        var bay = newBay()
        report(&bay, occupied: false, at: 0)
        let back = try #require(report(&bay, occupied: true, at: 2000))
        #expect(back.from == .unknown)
        #expect(back.kind == .other)
    }

    @Test func flappingWhenChangesExceedTheLimitWithinTheWindow() {
        var bay = newBay()
        report(&bay, occupied: false, at: 0)
        for (offset, occupied) in [true, false, true].enumerated() {
            report(&bay, occupied: occupied, at: Double(10 + offset * 10))
        }
        #expect(!bay.status(at: at(40), policy: policy, maxStayMinutes: nil).isFlapping, "3 changes is the limit")
        report(&bay, occupied: false, at: 40)
        let flapping = bay.status(at: at(41), policy: policy, maxStayMinutes: nil)
        #expect(flapping.isFlapping)
        #expect(!flapping.isTrusted)
        #expect(!bay.status(at: at(400), policy: policy, maxStayMinutes: nil).isFlapping, "the window has passed")
    }

    @Test func stuckSensorIsSuspectAndALongStayIsAnOverstay() {
        var bay = newBay()
        report(&bay, occupied: false, at: 0)
        report(&bay, occupied: true, at: 100)
        // Heartbeats keep it online while it stays occupied.
        for minute in stride(from: 5.0, through: 70, by: 5) { report(&bay, occupied: true, at: 100 + minute * 60) }
        let at30 = bay.status(at: at(100 + 31 * 60), policy: policy, maxStayMinutes: 30)
        #expect(at30.isOverstay)
        #expect(!at30.isSuspect)
        let later = bay.status(at: at(100 + 3601), policy: policy, maxStayMinutes: 30)
        #expect(later.isSuspect)
        #expect(!later.isTrusted)
    }

    @Test func batteryIsKeptAndJudged() {
        var bay = newBay()
        report(&bay, occupied: false, at: 0, battery: 3.6)
        #expect(!bay.status(at: at(1), policy: policy, maxStayMinutes: nil).isBatteryLow)
        report(&bay, occupied: false, at: 10, battery: 3.0)
        report(&bay, occupied: false, at: 20)
        let status = bay.status(at: at(21), policy: policy, maxStayMinutes: nil)
        #expect(status.batteryVolts == 3.0)
        #expect(status.isBatteryLow)
        #expect(bay.history.count == 3)
    }
}
