import Foundation
import KerbsideTesting
import Testing

@testable import KerbsideCore

@Suite("Parking sessions and dwell statistics")
struct ParkingSessionTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func at(_ seconds: TimeInterval) -> Date { start.addingTimeInterval(seconds) }

    func makeState() -> LiveState {
        LiveState(
            inventory: Fixtures.smallCity(),
            policy: IngestPolicy(),
            timeZone: TimeZone(identifier: "Europe/Paris") ?? .gmt,
            startedAt: start
        )
    }

    func park(_ state: inout LiveState, _ sensor: String, _ occupied: Bool, at seconds: TimeInterval) {
        _ = state.ingest(
            Array(#"{"occupied":\#(occupied)}"#.utf8),
            route: .parking(sensor: Substring(sensor)),
            receivedAt: at(seconds)
        )
    }

    @Test func anArrivalAndTheNextDepartureMakeASession() throws {
        var state = makeState()
        park(&state, "s-g1", false, at: 0)
        park(&state, "s-g1", true, at: 60)
        // Heartbeats every 5 minutes keep the sensor online (offline_after is 10 minutes) and change nothing.
        for minute in stride(from: 6.0, to: 46, by: 5) { park(&state, "s-g1", true, at: minute * 60) }
        park(&state, "s-g1", false, at: 60 + 45 * 60)
        let sessions = state.tick(now: at(3000)).endedSessions
        let session = try #require(sessions.first)
        #expect(sessions.count == 1)
        #expect((session.bay, session.zone) == ("g1", "gare"))
        #expect(session.arrived == at(60))
        #expect(session.duration == 45 * 60)
        #expect(session.isOverstay, "g1 allows 30 minutes")
        #expect(state.tick(now: at(3001)).endedSessions.isEmpty, "handed out once")
    }

    @Test func staysThatBeginOrEndInUnknownAreNoSessions() {
        var state = makeState()
        park(&state, "s-c1", true, at: 0)  // first word: unknown → occupied
        park(&state, "s-c1", false, at: 100)
        park(&state, "s-c2", false, at: 0)
        park(&state, "s-c2", true, at: 10)
        _ = state.tick(now: at(700))  // c2 silent past offline_after (600 s): occupied → unknown
        park(&state, "s-c2", true, at: 800)
        park(&state, "s-c2", false, at: 900)
        #expect(state.tick(now: at(901)).endedSessions.isEmpty)
    }

    @Test func dwellStatistics() throws {
        let sessions = [10.0, 20, 30, 40, 100].map { minutes in
            ParkingSession(bay: "b", zone: "z", arrived: start, departed: at(minutes * 60), maxStayMinutes: 35)
        }
        let stats = DwellStatistics(sessions: sessions, bays: 5, period: 2 * 86_400)
        #expect(stats.sessions == 5)
        #expect(stats.medianMinutes == 30)
        #expect(try #require(stats.p90Minutes) - 76 < 1e-9)
        #expect(stats.overstays == 2)
        #expect(stats.turnoverPerBayPerDay == 0.5)
        let empty = DwellStatistics(sessions: [], bays: 5, period: 86_400)
        #expect(empty.medianMinutes == nil && empty.p90Minutes == nil && empty.turnoverPerBayPerDay == 0)
    }
}
