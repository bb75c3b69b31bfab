import Foundation
import KerbsideConfiguration
import KerbsideCore
import KerbsideSimulation
import KerbsideTesting
import Testing

@testable import KerbsideDaemon

/// A city split across two instances by topic filter, on one broker, beside a single instance that sees it all: the
/// partitions' answers together must be exactly the single instance's.
///
/// Native devices of each district publish under the district's prefix (`kerbside/nord`, `kerbside/sud`); the test
/// publishes every native reading a second time under the single instance's prefix, so both set-ups see the same
/// readings at the same instants. LoRaWAN devices of each district are in their own ChirpStack application, so the
/// partitions subscribe to `application/<theirs>/…` and the single instance to `application/+/…`: the same message
/// reaches the single instance and exactly one partition.
@Suite("Partitioned instances end to end", .timeLimit(.minutes(2)))
struct PartitionEndToEndTests {
    static let districts = ["nord", "sud"]

    static func application(of district: String) -> String { "\(district)-parking" }

    static func zones(of district: String) -> [String] { ["\(district)-1", "\(district)-2"] }

    /// Two districts, two zones each; every zone has native bays and one Nwave bay behind ChirpStack; each district
    /// has a sign over its zones and a group of native lights.
    static var city: Inventory {
        let health = SensorHealthPolicy(
            offlineAfter: 600,
            flappingMaxChanges: 4,
            flappingWindow: 300,
            suspectAfter: 24 * 3600,
            lowBatteryVolts: 3.1
        )
        var zones: [ZoneDefinition] = []
        var signs: [SignDefinition] = []
        var groups: [LightGroupDefinition] = []
        var bays: [Bay] = []
        var lights: [Light] = []
        for (districtIndex, district) in districts.enumerated() {
            for zone in Self.zones(of: district) {
                zones.append(ZoneDefinition(id: zone, name: zone, maxStayMinutes: 60, health: health))
                bays += (1...5).map { Bay(id: "\(zone)-b\($0)", zone: zone, sensor: "\(zone)-s\($0)") }
                bays.append(
                    Bay(
                        id: "\(zone)-lora",
                        zone: zone,
                        sensor: "\(zone)-nps",
                        devEUI: String(format: "01010101010101%02x", bays.count),
                        model: "nwave-nps405"
                    )
                )
            }
            signs.append(
                SignDefinition(
                    id: "\(district)-sign",
                    name: district,
                    zones: Self.zones(of: district),
                    thresholds: SignThresholds(
                        fullIncreasing: 0,
                        fullDecreasing: 1,
                        almostFullIncreasing: 2,
                        almostFullDecreasing: 3
                    ),
                    minimumCoverage: 0.5
                )
            )
            groups.append(LightGroupDefinition(id: "\(district)-lights", name: district, offlineAfter: 1800))
            lights += (1...3).map {
                Light(
                    id: "\(district)-l\($0)",
                    group: "\(district)-lights",
                    controller: "\(district)-ctl\($0)",
                    ratedPowerWatts: Double(40 + 10 * districtIndex)
                )
            }
        }
        return Inventory(zones: zones, signs: signs, groups: groups, bays: bays, lights: lights)
    }

    /// The part of `city` one instance owns: its zones with their bays and signs, its groups with their lights.
    static func partition(_ district: String) -> Inventory {
        let city = city
        let zones = Set(Self.zones(of: district))
        let group = "\(district)-lights"
        return Inventory(
            zones: city.zones.filter { zones.contains($0.id) },
            signs: city.signs.filter { $0.zones.allSatisfy(zones.contains) },
            groups: city.groups.filter { $0.id == group },
            bays: city.bays.filter { zones.contains($0.zone) },
            lights: city.lights.filter { $0.group == group }
        )
    }

    static func district(ofZone zone: String) -> String { String(zone.prefix { $0 != "-" }) }

    @Test func partitionsTogetherAnswerExactlyAsOneInstance() async throws {
        let broker = try TestBroker(configuration: ["max_queued_messages 100000"])
        let models = try NetworkServerEndToEndTests.catalog()
        let single = try await DaemonHarness(
            inventory: Self.city,
            networkServers: [NetworkServerSettings(format: .chirpStackV4)],
            deviceModels: models,
            broker: broker
        )
        var partitions: [String: DaemonHarness] = [:]
        for district in Self.districts {
            partitions[district] = try await DaemonHarness(
                inventory: Self.partition(district),
                networkServers: [
                    NetworkServerSettings(
                        format: .chirpStackV4,
                        uplinkTopic: "application/\(Self.application(of: district))/device/+/event/up"
                    )
                ],
                deviceModels: models,
                broker: broker,
                topicPrefix: "kerbside/\(district)"
            )
        }
        let everyone = [single] + partitions.values
        let start = single.clock.now()
        for harness in everyone { harness.clock.set(start) }

        // A reproducible day of traffic in rounds: each round, at one instant for every instance, a few bays change,
        // lights report, and LoRaWAN sensors speak through ChirpStack.
        var random = SplitMix64(seed: 7)
        var seqs: [String: Int] = [:]
        var expected: [String: Int] = ["single": 0, "nord": 0, "sud": 0]
        for round in 0..<40 {
            let now = start.addingTimeInterval(Double(round) * 97)
            for harness in everyone { harness.clock.set(now) }
            for bay in Self.city.bays where random.next() % 3 == 0 {
                let district = Self.district(ofZone: bay.zone)
                let occupied = random.next() % 2 == 0
                seqs[bay.sensor, default: 0] += 1
                if let devEUI = bay.devEUI {
                    let topic = "application/\(Self.application(of: district))/device/\(devEUI)/event/up"
                    let uplink = """
                        {"time": "\(RFC3339.format(now))", "deviceInfo": {"devEui": "\(devEUI)"},
                         "fCnt": \(seqs[bay.sensor, default: 0]), "fPort": 1, "data": "\(occupied ? "lQ==" : "lA==")"}
                        """
                    try single.publish(topic, uplink)
                } else {
                    let reading = #"{"occupied":\#(occupied),"seq":\#(seqs[bay.sensor, default: 0]),"battery_v":3.5}"#
                    try single.publish("kerbside/parking/\(bay.sensor)/state", reading)
                    try single.publish("kerbside/\(district)/parking/\(bay.sensor)/state", reading)
                }
                expected["single", default: 0] += 1
                expected[district, default: 0] += 1
            }
            for light in Self.city.lights where random.next() % 2 == 0 {
                let district = String(light.group.prefix { $0 != "-" })
                let level = [0, 40, 100][Int(random.next() % 3)]
                seqs[light.controller, default: 0] += 1
                let reading =
                    #"{"level":\#(level),"power_w":\#(level / 2),"seq":\#(seqs[light.controller, default: 0])}"#
                try single.publish("kerbside/lighting/\(light.controller)/state", reading)
                try single.publish("kerbside/\(district)/lighting/\(light.controller)/state", reading)
                expected["single", default: 0] += 1
                expected[district, default: 0] += 1
            }
            try await single.waitForMessages(expected["single", default: 0])
            for (district, harness) in partitions { try await harness.waitForMessages(expected[district, default: 0]) }
            if round % 10 == 9 { for harness in everyone { harness.aggregate() } }
        }

        // Long enough after the last round that the oldest silences count: some bays go offline in every set-up.
        let end = start.addingTimeInterval(40 * 97 + 400)
        for harness in everyone { harness.clock.set(end) }
        let whole = single.aggregate()
        let parts = partitions.mapValues { $0.aggregate() }
        #expect(whole.zones.count == 4 && whole.signs.count == 2 && whole.groups.count == 2)
        #expect(single.rejects(.unknownDevice) == 0)
        for (district, part) in parts {
            #expect(partitions[district]?.rejects(.unknownDevice) == 0)
            #expect(part.zones == whole.zones.filter { Self.district(ofZone: $0.id) == district })
            #expect(part.signs == whole.signs.filter { $0.id.hasPrefix(district) })
            #expect(part.groups == whole.groups.filter { $0.id.hasPrefix(district) })
            #expect(
                part.baysOfZone
                    == whole.baysOfZone.enumerated().filter {
                        Self.district(ofZone: whole.zones[$0.offset].id) == district
                    }.map(\.element)
            )
        }
        #expect(Set(parts.values.flatMap(\.alarms).map(\.subject)) == Set(whole.alarms.map(\.subject)))
        #expect(whole.zones.contains { $0.occupied > 0 } && whole.zones.contains { $0.free > 0 })

        // Rollups and history agree too: the open minute of every zone, over HTTP.
        for zone in whole.zones {
            let district = Self.district(ofZone: zone.id)
            let path =
                "/api/v1/parking/zones/\(zone.id)/history?from=\(RFC3339.format(start))&to=\(RFC3339.format(end))"
            let fromSingle = try await single.get(path)
            let fromPartition = try await #require(partitions[district]).get(path)
            #expect(fromSingle.status == 200)
            let singleBody = String(decoding: fromSingle.body, as: UTF8.self)
            #expect(singleBody == String(decoding: fromPartition.body, as: UTF8.self))
        }
        for harness in everyone { try await harness.shutdown() }
    }
}
