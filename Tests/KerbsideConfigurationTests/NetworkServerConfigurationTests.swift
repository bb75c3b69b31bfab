import Foundation
import KerbsideConfiguration
import KerbsideCore
import Testing

@Suite("Network servers and the device catalog in the configuration")
struct NetworkServerConfigurationTests {
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Devices/models").path

    @Test("integrations, the catalog and LoRaWAN devices are read")
    func reads() throws {
        let fixture = try ConfigurationFixture()
        try fixture.write(
            "lora.geojson",
            ConfigurationFixture.featureCollection([
                ConfigurationFixture.bay(
                    "c9",
                    sensor: "nps-9",
                    extra: #", "dev_eui": "01-01-01-01-01-01-01-09", "model": "nwave-nps405""#
                )
            ])
        )
        let configuration = try fixture.load(
            """
            site: {name: Testville, latitude: 46.3237, longitude: -0.4588, time_zone: Europe/Paris}
            inventory: [bays.geojson, lights.geojson, lora.geojson]
            parking:
              zones: [{id: centre}]
            lighting:
              groups: [{id: avenue}]
            device_models: \(Self.models)
            network_servers:
              - {format: chirpstack_v4}
              - {format: tts_v3, topic: "v3/city-lights@ttn/devices/+/up"}

            """
        )
        #expect(
            configuration.networkServers.map(\.uplinkTopic) == [
                "application/+/device/+/event/up", "v3/city-lights@ttn/devices/+/up",
            ]
        )
        #expect(configuration.deviceModels["nas-ul20xx-fw1.1"]?.kind == .lightController)
        let bay = try #require(configuration.inventory.bays.first { $0.id == "c9" })
        #expect(bay.devEUI == "0101010101010109")
        #expect(configuration.inventory.device(devEUI: "0101010101010109", deviceID: nil) == .bay(2))
    }

    @Test("a device whose model is missing or of the wrong kind, and an unknown format, are reported")
    func problems() throws {
        let fixture = try ConfigurationFixture()
        try fixture.write(
            "lora.geojson",
            ConfigurationFixture.featureCollection([
                ConfigurationFixture.bay(
                    "c8",
                    sensor: "x-8",
                    extra: #", "dev_eui": "0101010101010108", "model": "nope""#
                ),
                ConfigurationFixture.bay(
                    "c9",
                    sensor: "x-9",
                    extra: #", "dev_eui": "0101010101010109", "model": "nas-ul20xx-fw1.1""#
                ),
                ConfigurationFixture.bay("c10", sensor: "x-10", extra: #", "dev_eui": "not-hex""#),
            ])
        )
        let problems = try fixture.problems(
            """
            site: {name: Testville, latitude: 46.3237, longitude: -0.4588, time_zone: Europe/Paris}
            inventory: [bays.geojson, lights.geojson, lora.geojson]
            parking:
              zones: [{id: centre}]
            lighting:
              groups: [{id: avenue}]
            device_models: \(Self.models)
            network_servers: [{format: loriot}]

            """
        )
        let messages = problems.map(\.message).joined(separator: "\n")
        #expect(messages.contains("model \"nope\" is not in the device catalog"), "\(messages)")
        #expect(messages.contains("is a light_controller, not a parking_sensor"), "\(messages)")
        #expect(messages.contains("expected a DevEUI of 16 hex digits"), "\(messages)")
        #expect(messages.contains("unknown format \"loriot\""), "\(messages)")
    }
}
