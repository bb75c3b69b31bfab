import Foundation
import KerbsideTesting
import Testing

@testable import KerbsideCore

@Suite("Live state: ingest and aggregation")
struct LiveStateTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let paris = TimeZone(identifier: "Europe/Paris") ?? .gmt

    func makeState(minimumCoverage: Double = 0.75) -> LiveState {
        LiveState(
            inventory: Fixtures.smallCity(minimumCoverage: minimumCoverage),
            policy: IngestPolicy(maxPayloadBytes: 512, maxClockSkew: 60, maxAge: 3600, historyCapacity: 4),
            timeZone: paris,
            startedAt: start
        )
    }

    func at(_ seconds: TimeInterval) -> Date { start.addingTimeInterval(seconds) }

    @discardableResult
    func park(_ state: inout LiveState, _ sensor: String, _ json: String, at seconds: TimeInterval) -> IngestResult {
        state.ingest(Array(json.utf8), route: .parking(sensor: Substring(sensor)), receivedAt: at(seconds))
    }

    func rejection(_ result: IngestResult) -> RejectReason? {
        if case .rejected(let rejection) = result { return rejection.reason }
        return nil
    }

    @Test func unknownDeviceIsRejectedNotCreated() {
        var state = makeState()
        #expect(rejection(park(&state, "nobody", #"{"occupied":true}"#, at: 0)) == .unknownDevice)
        let lighting = state.ingest(Array(#"{"level":5}"#.utf8), route: .lighting(controller: "x"), receivedAt: start)
        #expect(rejection(lighting) == .unknownDevice)
        #expect(state.inventory.bays.count == 6)
    }

    @Test func malformedAndSchemaAndSize() {
        var state = makeState()
        #expect(rejection(park(&state, "s-c1", "{not json", at: 0)) == .malformedJSON)
        #expect(rejection(park(&state, "s-c1", #"{"occupied":"yes"}"#, at: 0)) == .schema)
        let big = #"{"occupied":true,"pad":""# + String(repeating: "x", count: 600) + #""}"#
        #expect(rejection(park(&state, "s-c1", big, at: 0)) == .tooLarge)
        #expect(state.bayDetail(id: "c1", now: at(1))?.status.lastSeen == nil, "a rejection changes nothing")
    }

    @Test func timestampsOutsideTheWindowAreRejected() {
        var state = makeState()
        #expect(
            rejection(park(&state, "s-c1", #"{"occupied":true,"ts":"2027-01-15T08:01:01Z"}"#, at: 0))
                == .futureTimestamp
        )
        #expect(rejection(park(&state, "s-c1", #"{"occupied":true,"ts":1799990000000}"#, at: 0)) == .staleTimestamp)
        park(&state, "s-c1", #"{"occupied":true,"ts":1800000000000}"#, at: 5)
        let older = park(&state, "s-c1", #"{"occupied":false,"ts":1799999990000}"#, at: 6)
        #expect(rejection(older) == .staleTimestamp, "older than the device's last reading")
        #expect(state.bayDetail(id: "c1", now: at(7))?.status.state == .occupied)
    }

    @Test func duplicateSeqCountsOnceButACounterResetIsHeard() {
        var state = makeState()
        park(&state, "s-c1", #"{"occupied":false,"seq":6}"#, at: 0)
        #expect(rejection(park(&state, "s-c1", #"{"occupied":true,"seq":7}"#, at: 1)) == nil)
        #expect(rejection(park(&state, "s-c1", #"{"occupied":true,"seq":7}"#, at: 2)) == .duplicate)
        // A reboot restarts the counter: seq 6 again, but a different reading, so it is not a duplicate.
        #expect(rejection(park(&state, "s-c1", #"{"occupied":false,"seq":6,"battery_v":3.5}"#, at: 3)) == nil)
        #expect(state.bayDetail(id: "c1", now: at(4))?.status.state == .free)
    }

    @Test func redeliveredOldReadingIsADuplicateNotStale() {
        var state = makeState()
        let early = #"{"occupied":true,"seq":1,"ts":1800000000000}"#
        park(&state, "s-c1", early, at: 1)
        park(&state, "s-c1", #"{"occupied":false,"seq":2,"ts":1800000001000}"#, at: 2)
        #expect(rejection(park(&state, "s-c1", early, at: 3)) == .duplicate)
    }

    @Test func zonesAndSignsFollowTheBays() {
        var state = makeState()
        for (sensor, occupied) in [("s-c1", true), ("s-c2", false), ("s-c3", false), ("s-c4", true), ("s-g1", true)] {
            park(&state, sensor, #"{"occupied":\#(occupied)}"#, at: 0)
        }
        let snapshot = state.tick(now: at(1))
        let centre = snapshot.zones[0]
        #expect((centre.capacity, centre.occupied, centre.free, centre.unknown) == (4, 2, 2, 0))
        #expect(centre.occupancy == 0.5)
        let gare = snapshot.zones[1]
        #expect((gare.capacity, gare.occupied, gare.free, gare.unknown) == (2, 1, 0, 1))
        let sign = snapshot.signs[0]
        #expect((sign.free, sign.capacity, sign.outOfService, sign.coverage) == (2, 4, 0, 1.0))
        #expect(sign.status == .almostFull)
        #expect(sign.text == "2")
        #expect(snapshot.baysOfZone[0].map(\.state) == [.occupied, .free, .free, .occupied])
    }

    @Test func anOfflineBayLeavesTheFreeCountAndLowCoverageShowsTheFallback() {
        var state = makeState(minimumCoverage: 0.75)
        for sensor in ["s-c1", "s-c2", "s-c3", "s-c4"] { park(&state, sensor, #"{"occupied":false}"#, at: 0) }
        #expect(state.tick(now: at(1)).signs[0].free == 4)
        // Three sensors keep reporting; c4 goes silent past offline_after (600 s).
        for sensor in ["s-c1", "s-c2", "s-c3"] { park(&state, sensor, #"{"occupied":false}"#, at: 500) }
        let snapshot = state.tick(now: at(700))
        let sign = snapshot.signs[0]
        #expect((sign.free, sign.outOfService, sign.coverage) == (3, 1, 0.75))
        #expect(sign.status == .spacesAvailable)
        #expect(snapshot.zones[0].unknown == 1)
        #expect(snapshot.transitions.map(\.bayIndex) == [3])
        #expect(snapshot.alarms.contains { $0.kind == .sensorOffline && $0.subject == "c4" })
        // A second silent sensor takes coverage below 0.75: the sign says unknown and shows no number.
        park(&state, "s-c1", #"{"occupied":false}"#, at: 1000)
        park(&state, "s-c2", #"{"occupied":false}"#, at: 1000)
        let blind = state.tick(now: at(1101)).signs[0]
        #expect(blind.status == .unknown)
        #expect(blind.text == "----")
        #expect(blind.free == 2)
    }

    @Test func neverSeenSensorsRaiseAnAlarmOnceTheirSilenceLimitPasses() {
        var state = makeState()
        #expect(state.tick(now: at(599)).alarms.isEmpty)
        let alarms = state.tick(now: at(601)).alarms
        #expect(alarms.count == 6)
        #expect(alarms.allSatisfy { $0.kind == .sensorOffline })
    }

    @Test func lightsReportLevelsFaultsAndEnergy() throws {
        var state = makeState()
        let light = { (json: String, seconds: TimeInterval) in
            state.ingest(Array(json.utf8), route: .lighting(controller: "ctl-1"), receivedAt: self.at(seconds))
        }
        _ = light(#"{"level":100,"power_w":60,"energy_wh":1000}"#, 0)
        _ = light(#"{"level":50,"power_w":30,"energy_wh":1060}"#, 3600)
        // The meter was replaced: 5 Wh on the new meter is 5 Wh drawn, not −1055.
        _ = light(#"{"level":50,"power_w":30,"energy_wh":5,"faults":["lamp_failure"]}"#, 3700)
        let detail = try #require(state.lightDetail(id: "l1", now: at(3701)))
        #expect(detail.reportedLevel == 50)
        #expect(detail.condition == .fault)
        #expect(detail.faults == ["lamp_failure"])
        let snapshot = state.tick(now: at(3701))
        let group = snapshot.groups[0]
        #expect((group.lights, group.on, group.faulty, group.offline) == (2, 0, 1, 0))
        #expect(group.energyTodayWattHours == 65)
        #expect(snapshot.alarms.contains { $0.kind == .lightFault && $0.subject == "l1" })
        let offline = state.tick(now: at(3700 + 1801)).groups[0]
        #expect(offline.offline == 1)
    }

    @Test func transitionsFeedTimeWeightedMinuteRollups() throws {
        var state = makeState()
        // start is a UTC minute boundary. c1 is occupied from 0 s, c2 free from 0 s, c3 arrives at 45 s.
        park(&state, "s-c1", #"{"occupied":true}"#, at: 0)
        park(&state, "s-c2", #"{"occupied":false}"#, at: 0)
        park(&state, "s-c3", #"{"occupied":false}"#, at: 0)
        park(&state, "s-c3", #"{"occupied":true}"#, at: 45)
        let snapshot = state.tick(now: at(61))
        let centre = try #require(snapshot.closedRollups.first { $0.zone == "centre" })
        #expect(centre.start == start)
        #expect(centre.occupiedBaySeconds == 60 + 15)
        #expect(centre.knownBaySeconds == 180)
        #expect(centre.unknownBaySeconds == 60, "c4 never reported")
        #expect((centre.arrivals, centre.departures, centre.occupiedMax) == (1, 0, 2))
        #expect(centre.freeMin == 0, "before the first readings no bay was known free")
        #expect(snapshot.closedRollups.count == 2, "one closed minute per zone")
        let open = try #require(snapshot.openRollups.first { $0.zone == "centre" })
        #expect(open.duration == 1)
        #expect(state.tick(now: at(62)).closedRollups.isEmpty, "each closed bucket is handed out once")
    }

    @Test func energyWithoutAMeterIsEstimatedFromPower() {
        #expect(LightState.energyDrawn(from: (start, nil, 60), to: (at(1800), nil, 30)) == 30)
        #expect(LightState.energyDrawn(from: (start, 10, 60), to: (at(1800), 12, 30)) == 2)
        #expect(LightState.energyDrawn(from: (nil, nil, nil), to: (at(1800), nil, 30)) == 0)
    }
}

@Suite("Topic routing")
struct TopicRouterTests {
    let router = TopicRouter(prefix: "kerbside")

    @Test func routesNativeStateTopics() {
        #expect(router.route("kerbside/parking/nwave-1/state") == .parking(sensor: "nwave-1"))
        #expect(router.route("kerbside/lighting/ul-9/state") == .lighting(controller: "ul-9"))
    }

    @Test(arguments: [
        "kerbside/parking//state", "kerbside/parking/a/b/state", "other/parking/a/state",
        "kerbside/parking/a/set", "kerbside/signs/x", "kerbside/parking/state",
    ])
    func refusesOtherTopics(topic: String) {
        #expect(router.route(topic) == nil)
    }

    @Test(arguments: ["kerbside/parking/nwave-1/state", "kerbside/lighting/ul-9/state", "kerbside/parking/é-1/state"])
    func findsTheDeviceInTheTopicsBytesAndRebuildsTheTopicFromIt(topic: String) throws {
        var bytes = topic
        let match = try #require(bytes.withUTF8 { router.match(utf8: UnsafeRawBufferPointer($0)) })
        let device = String(decoding: Array(topic.utf8)[match.key], as: UTF8.self)
        let route = try #require(router.route(topic))
        #expect("\(route)".contains(device))
        #expect(router.topic(of: route) == topic)
    }

    @Test func givesANetworkServersUplinkItsWholeTopic() throws {
        let filter = TopicFilter("application/+/device/+/event/up")
        let router = TopicRouter(prefix: "kerbside", networkServers: [(.chirpStackV4, filter)])
        let topic = "application/42/device/0004a30b001c0a1b/event/up"
        var bytes = topic
        let match = try #require(bytes.withUTF8 { router.match(utf8: UnsafeRawBufferPointer($0)) })
        #expect(match == TopicMatch(kind: .networkServer(.chirpStackV4), key: 0..<topic.utf8.count))
        #expect(router.topic(of: try #require(router.route(topic))) == topic)
    }

    @Test func namesOutboundTopics() {
        #expect(router.signTopic("gare") == "kerbside/signs/gare")
        #expect(router.commandTopic("ul-9") == "kerbside/lighting/ul-9/set")
        #expect(router.presenceTopic(instance: "a") == "kerbside/daemon/a/status")
        #expect(router.subscriptions == ["kerbside/parking/+/state", "kerbside/lighting/+/state"])
    }
}
