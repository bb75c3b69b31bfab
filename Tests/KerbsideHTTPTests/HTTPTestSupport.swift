import Foundation
import KerbsideCore
import KerbsideHTTP
import KerbsideTesting
import Synchronization

/// Serves a real `LiveState` fed by the test, without a broker: the HTTP layer's own behaviour under test.
final class LiveStateBox: LiveStateProviding {
    let state: Mutex<LiveState>
    let published: Mutex<PublishedSnapshot>
    let clock: ManualClock

    init(clock: ManualClock = ManualClock()) {
        self.clock = clock
        let state = LiveState(
            inventory: Fixtures.smallCity(),
            policy: IngestPolicy(),
            timeZone: TimeZone(identifier: "Europe/Paris") ?? .gmt,
            startedAt: clock.now()
        )
        self.state = Mutex(state)
        published = Mutex(PublishedSnapshot(generation: 0, snapshot: .empty(at: clock.now())))
        tick()
    }

    func park(_ sensor: String, occupied: Bool) {
        let payload = Array(#"{"occupied":\#(occupied)}"#.utf8)
        _ = state.withLock { $0.ingest(payload, route: .parking(sensor: Substring(sensor)), receivedAt: clock.now()) }
    }

    func tick() {
        let snapshot = state.withLock { $0.tick(now: clock.now()) }
        published.withLock { $0 = PublishedSnapshot(generation: $0.generation + 1, snapshot: snapshot) }
    }

    func currentSnapshot() -> PublishedSnapshot { published.withLock { $0 } }
    func bayDetail(id: String) -> BayDetail? { state.withLock { $0.bayDetail(id: id, now: clock.now()) } }
    func lightDetail(id: String) -> LightDetail? { state.withLock { $0.lightDetail(id: id, now: clock.now()) } }
    func rejectLog() -> RejectLog { RejectLog() }
    func readiness() -> Readiness { Readiness(brokerConnected: false, storeOpen: true) }
    func metricsExposition() -> String { "# no metrics\n" }

    func zoneSessions(zone: String, from: Date, to: Date) throws -> (sessions: [ParkingSession], bays: Int)? {
        currentSnapshot().snapshot.zones.first { $0.id == zone }.map { ([], $0.capacity) }
    }

    func zoneHistory(zone: String, from: Date, to: Date, step: RollupStep) throws -> [ZoneRollup]? {
        let snapshot = currentSnapshot().snapshot
        guard snapshot.zones.contains(where: { $0.id == zone }) else { return nil }
        let minutes = snapshot.openRollups.filter { $0.zone == zone && $0.duration > 0 }
        return step.group(minutes, from: from, to: to, timeZone: .gmt)
    }

    func groupHistory(group: String, from: Date, to: Date, step: RollupStep) throws -> [GroupRollup]? {
        let snapshot = currentSnapshot().snapshot
        guard snapshot.groups.contains(where: { $0.id == group }) else { return nil }
        let minutes = snapshot.openGroupRollups.filter { $0.group == group && $0.duration > 0 }
        return step.group(minutes, from: from, to: to, timeZone: .gmt)
    }

    func groupNights(group: String, from: Date, to: Date) throws -> [(night: LightingNight, figures: GroupRollup)]? {
        let snapshot = currentSnapshot().snapshot
        guard snapshot.groups.contains(where: { $0.id == group }) else { return nil }
        let nights = LightingNight.nights(from: from, to: to, timeZone: .gmt)
        let minutes = snapshot.openGroupRollups.filter { $0.group == group && $0.duration > 0 }
        let merged = mergeRollups(minutes, into: nights.map { ($0.start, $0.end) })
        return nights.compactMap { night in merged.first { $0.start == night.start }.map { (night, $0) } }
    }
}

enum TestTokens {
    static let viewerSecret = "viewer-secret"
    static let lightingSecret = "lighting-secret"
    static let all = [
        AccessToken(name: "ops", sha256: TokenHashing.sha256Hex(of: viewerSecret), role: .viewer),
        AccessToken(name: "engineer", sha256: TokenHashing.sha256Hex(of: lightingSecret), role: .lighting),
    ]
}
