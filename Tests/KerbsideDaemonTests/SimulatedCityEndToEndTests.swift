import Foundation
import KerbsideConfiguration
import KerbsideCore
import KerbsideSimulation
import KerbsideTesting
import Testing

@testable import KerbsideDaemon

/// The simulator drives a mixed fleet (native JSON, ChirpStack, The Things Stack) through a real broker for a
/// simulated hour, and the daemon ends up believing exactly what the devices last said.
@Suite("Simulated city end to end", .timeLimit(.minutes(3)))
struct SimulatedCityEndToEndTests {
    static var fleet: Inventory {
        let health = SensorHealthPolicy()
        var bays: [Bay] = []
        for index in 1...36 {
            let zone = index % 3 == 0 ? "gare" : "centre"
            let eui = String(format: "00000000000001%02x", index)
            switch index % 3 {
            case 0: bays.append(Bay(id: "b\(index)", zone: zone, sensor: "s-\(index)"))
            case 1:
                bays.append(Bay(id: "b\(index)", zone: zone, sensor: "s-\(index)", devEUI: eui, model: "nwave-nps405"))
            default:
                bays.append(Bay(id: "b\(index)", zone: zone, sensor: "s-\(index)", devEUI: eui, model: "bosch-tps110"))
            }
        }
        let lights = (1...6).map { index in
            index <= 3
                ? Light(id: "l\(index)", group: "avenue", controller: "ctl-\(index)", ratedPowerWatts: 60)
                : Light(
                    id: "l\(index)",
                    group: "avenue",
                    controller: "lcu-\(index)",
                    ratedPowerWatts: 60,
                    devEUI: String(format: "70b3d5b0200732%02x", index),
                    model: "nas-ul20xx-fw1.1"
                )
        }
        return Inventory(
            zones: [
                ZoneDefinition(id: "centre", name: "Centre", health: health),
                ZoneDefinition(id: "gare", name: "Gare", health: health),
            ],
            signs: [],
            groups: [LightGroupDefinition(id: "avenue", name: "Avenue")],
            bays: bays,
            lights: lights
        )
    }

    @Test func anAcceleratedHourEndsWithTheSimulatorsGroundTruthExactly() async throws {
        let harness = try await DaemonHarness(
            inventory: Self.fleet,
            networkServers: [
                NetworkServerSettings(format: .chirpStackV4),
                NetworkServerSettings(format: .theThingsStackV3),
            ],
            deviceModels: try NetworkServerEndToEndTests.catalog()
        )
        let paris = TimeZone(identifier: "Europe/Paris") ?? .gmt
        var city = SimulatedCity(
            inventory: Self.fleet,
            topicPrefix: "kerbside",
            networkServers: [.chirpStackV4, .theThingsStackV3],
            timeZone: paris,
            start: harness.clock.now(),
            seed: 2026,
            failures: FailureRates()
        )
        var recorders: [TopicRecorder] = []
        for filter in city.commandFilters {
            recorders.append(try await TopicRecorder(broker: harness.broker, filter: filter))
        }
        // 19:00 in Paris: the schedule says 100 %, so every controller is told, and obeys.
        let night = #"{"steps": [{"at": "18:00", "level": 100}, {"at": "06:00", "level": 0}]}"#
        #expect(try await harness.send("PUT", "/api/v1/lighting/schedules/night", json: night).status == 200)
        #expect(
            try await harness.send("PUT", "/api/v1/lighting/groups/avenue/schedule", json: #"{"schedule": "night"}"#)
                .status == 204
        )
        var published = 0
        var heard = 0
        for minute in 1...60 {
            harness.clock.advance(by: 60)
            let now = harness.clock.now()
            let commands = recorders.flatMap(\.messages)
            for command in commands.dropFirst(heard) {
                city.receive(topic: command.topic, payload: command.payload, at: now.addingTimeInterval(-60))
            }
            heard = commands.count
            for message in city.advance(to: now) {
                try harness.publisher.publish(
                    topic: message.topic,
                    payload: message.payload,
                    qos: .atLeastOnce,
                    retain: false
                )
                published += 1
            }
            if minute % 5 == 0 {
                try await harness.waitForMessages(published)
                harness.aggregate()
                harness.daemon.dimming.tickNow()
            }
        }
        try await harness.waitForMessages(published)
        let snapshot = harness.aggregate()

        let truth = city.reportedByZone
        for zone in snapshot.zones {
            #expect(zone.occupied == truth[zone.id]?.occupied, "\(zone.id)")
            #expect(zone.free == truth[zone.id]?.free, "\(zone.id)")
        }
        for reason in RejectReason.allCases {
            #expect(harness.rejects(reason) == 0, "\(reason)")
        }
        #expect(published > 300, "an hour of heartbeats, arrivals and departures: \(published) messages")
        // Every controller that is not deaf obeyed and acknowledged, native or behind a network server.
        var acknowledged = 0
        for index in 1...6 {
            let light = try await harness.getJSON("/api/v1/lighting/lights/l\(index)")
            if light["acked"] as? Bool == true, light["reported_level"] as? Int == 100 { acknowledged += 1 }
        }
        #expect(acknowledged >= 5)
        try await harness.shutdown()
    }

    @Test func theSimulatorsFramesDecodeWithTheCatalogsModels() throws {
        let catalog = try NetworkServerEndToEndTests.catalog()
        for model in ["nwave-nps405", "nwave-nps310sm", "bosch-tps110"] {
            let decoder = try #require(catalog[model])
            for occupied in [false, true] {
                for heartbeat in [false, true] {
                    let frame = try #require(
                        UplinkFrames.parking(model: model, occupied: occupied, heartbeat: heartbeat, batteryVolts: 3.4)
                    )
                    let decoded = try decoder.decode(fPort: frame.fPort, payload: frame.bytes)
                    guard case .parking(let seen, let battery, let kind) = decoded.content else {
                        Issue.record("\(model) decoded \(decoded)")
                        continue
                    }
                    #expect(seen == occupied, "\(model)")
                    #expect(kind == (heartbeat ? .heartbeat : .change), "\(model)")
                    if model == "nwave-nps405" && heartbeat { #expect(battery == 3.4) }
                }
            }
        }
        let nas = try #require(catalog["nas-ul20xx-fw1.1"])
        let status = try nas.decode(
            fPort: 23,
            payload: UplinkFrames.nasStatus(level: 60, lampFailure: true, at: Date())
        )
        #expect(
            status.content
                == .lighting(
                    level: 60,
                    powerWatts: nil,
                    energyWattHours: nil,
                    faults: ["lamp_failure"],
                    echoedLevel: nil
                )
        )
        let usage = try nas.decode(fPort: 26, payload: UplinkFrames.nasUsage(energyWattHours: 1234, powerWatts: 36))
        guard case .lighting(_, let power, let energy, _, _) = usage.content else {
            Issue.record("usage decoded \(usage)")
            return
        }
        #expect(power == 36)
        #expect(energy == 1234)
        let echo = try nas.decode(fPort: 60, payload: UplinkFrames.nasEcho(level: 80))
        guard case .lighting(_, _, _, _, let echoed) = echo.content else {
            Issue.record("echo decoded \(echo)")
            return
        }
        #expect(echoed == 80)
    }
}
