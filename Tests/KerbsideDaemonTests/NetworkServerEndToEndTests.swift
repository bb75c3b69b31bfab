import Foundation
import KerbsideConfiguration
import KerbsideCore
import KerbsideTesting
import Testing

@testable import KerbsideDaemon

/// LoRaWAN devices behind ChirpStack and The Things Stack, through a real broker, decoded with the catalog's models.
@Suite("Network servers end to end", .timeLimit(.minutes(2)))
struct NetworkServerEndToEndTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func catalog() throws -> [String: DeviceModel] {
        let directory = repository.appendingPathComponent("Devices/models")
        var models: [String: DeviceModel] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".json") {
            let model = try DeviceModel.parse(Array(try Data(contentsOf: directory.appendingPathComponent(name))))
            models[model.id] = model
        }
        return models
    }

    /// The small city, plus a Nwave bay behind ChirpStack and a NAS controller behind The Things Stack.
    static var city: Inventory {
        let small = Fixtures.smallCity()
        return Inventory(
            zones: small.zones,
            signs: small.signs,
            groups: small.groups,
            bays: small.bays + [
                Bay(id: "c5", zone: "centre", sensor: "nps-1", devEUI: "0101010101010101", model: "nwave-nps405")
            ],
            lights: small.lights + [
                Light(
                    id: "l3",
                    group: "avenue",
                    controller: "lcu-1",
                    ratedPowerWatts: 60,
                    devEUI: "70b3d5b020073208",
                    model: "nas-ul20xx-fw1.1"
                )
            ]
        )
    }

    static let chirpStackTopic = "application/17c82e96-be03-4f38-aef3-f83d48582d97/device/0101010101010101/event/up"
    static let thingsStackTopic = "v3/lights@ttn/devices/lcu-1/up"

    func chirpStackUp(fPort: Int, base64: String, fCnt: Int, at time: Date) -> String {
        """
        {"time": "\(RFC3339.format(time))", "deviceInfo": {"devEui": "0101010101010101", "deviceName": "bay-c5"},
         "fCnt": \(fCnt), "fPort": \(fPort), "data": "\(base64)"}
        """
    }

    func thingsStackUp(fPort: Int, base64: String, fCnt: Int, at time: Date) -> String {
        """
        {"end_device_ids": {"device_id": "lcu-1", "dev_eui": "70B3D5B020073208",
                            "application_ids": {"application_id": "lights"}},
         "received_at": "\(RFC3339.format(time))",
         "uplink_message": {"f_port": \(fPort), "f_cnt": \(fCnt), "frm_payload": "\(base64)",
                            "received_at": "\(RFC3339.format(time))"}}
        """
    }

    @Test func uplinksAreDecodedAndDimmingGoesBackAsDownlinksAcknowledgedByTheEcho() async throws {
        let harness = try await DaemonHarness(
            inventory: Self.city,
            networkServers: [
                NetworkServerSettings(format: .chirpStackV4),
                NetworkServerSettings(format: .theThingsStackV3),
            ],
            deviceModels: try Self.catalog()
        )
        let downlinks = try await TopicRecorder(broker: harness.broker, filter: "v3/+/devices/+/down/push")
        let now = harness.clock.now()

        // Nwave status frame 0x95: bit 0 set, occupied.
        try harness.publish(Self.chirpStackTopic, chirpStackUp(fPort: 1, base64: "lQ==", fCnt: 7, at: now))
        // The same frame redelivered is a duplicate by its frame counter; garbage on a known port is a codec reject.
        try harness.publish(Self.chirpStackTopic, chirpStackUp(fPort: 1, base64: "lQ==", fCnt: 7, at: now))
        try harness.publish(Self.chirpStackTopic, chirpStackUp(fPort: 2, base64: "AA==", fCnt: 8, at: now))
        try await harness.waitForMessages(3)
        let bay = try await harness.getJSON("/api/v1/parking/bays/c5")
        #expect(bay["state"] as? String == "occupied")
        #expect(harness.rejects(.duplicate) == 1)
        #expect(harness.rejects(.codec) == 1)

        // A NAS status frame from a real capture: relay open in daytime, so level 0.
        try harness.publish(
            Self.thingsStackTopic,
            thingsStackUp(fPort: 23, base64: "AY6ygmYgAEcHGgACAd7+IQAA", fCnt: 3, at: now)
        )
        try await harness.waitForMessages(4)
        #expect(try await harness.getJSON("/api/v1/lighting/lights/l3")["reported_level"] as? Int == 0)

        // A schedule at 100 %: the NAS controller gets its level as a TTS downlink (fPort 60, 01 FE 64).
        let night = #"{"steps": [{"at": "18:00", "level": 100}, {"at": "06:00", "level": 0}]}"#
        #expect(try await harness.send("PUT", "/api/v1/lighting/schedules/night", json: night).status == 200)
        #expect(
            try await harness.send("PUT", "/api/v1/lighting/groups/avenue/schedule", json: #"{"schedule": "night"}"#)
                .status == 204
        )
        try await waitUntil("the downlink is pushed") { !downlinks.messages.isEmpty }
        let push = try #require(downlinks.messages.first)
        #expect(push.topic == "v3/lights@ttn/devices/lcu-1/down/push")
        let queued = try #require((downlinks.json(push)["downlinks"] as? [[String: Any]])?.first)
        #expect(queued["f_port"] as? Int == 60)
        #expect(queued["frm_payload"] as? String == "Af5k")

        // The controller echoes the command on fPort 60: that acknowledges it.
        try harness.publish(Self.thingsStackTopic, thingsStackUp(fPort: 60, base64: "Af5k", fCnt: 4, at: now))
        try await harness.waitForMessages(5)
        let light = try await harness.getJSON("/api/v1/lighting/lights/l3")
        #expect(light["acked"] as? Bool == true)
        #expect(light["reported_level"] as? Int == 100)

        // An uplink from a device the inventory does not know.
        try harness.publish(
            "application/x/device/ffffffffffffffff/event/up",
            #"{"deviceInfo": {"devEui": "ffffffffffffffff"}, "fPort": 1, "data": "lQ=="}"#
        )
        try await harness.waitForMessages(6)
        #expect(harness.rejects(.unknownDevice) == 1)
        try await harness.shutdown()
    }
}
