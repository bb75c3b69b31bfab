import Foundation
import Testing

@testable import KerbsideCore

@Suite("Network-server uplinks and downlinks: ChirpStack v3/v4, The Things Stack v3")
struct NetworkServerTests {
    static let envelopes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Envelopes"
    )

    func envelope(_ name: String) throws -> Data {
        try Data(contentsOf: Self.envelopes.appendingPathComponent(name))
    }

    @Test func chirpStackV4UplinksGiveTheDevicePortBytesObjectAndTime() throws {
        let docs = try NetworkServerUplink.parse(try envelope("chirpstack-v4-event-up.json"), format: .chirpStackV4)
        #expect(docs.devEUI == "0101010101010101")
        #expect(docs.deviceID == "Test device")
        #expect(docs.fPort == 1)
        #expect(docs.payload == [0xAA])
        #expect(docs.receivedAt == (try RFC3339.parse("2022-07-18T09:34:15.775023242+00:00")))

        let parking = try NetworkServerUplink.parse(
            try envelope("chirpstack-v4-event-up.nwave-parking-status.json"),
            format: .chirpStackV4
        )
        #expect(parking.frameCounter == 1234)
        #expect(parking.payload == [0x95])
        #expect(parking.object != nil)
    }

    @Test func theThingsStackUplinksUseTheirOwnNamesAndOmitZeros() throws {
        let bosch = try NetworkServerUplink.parse(
            try envelope("tts-v3-up.bosch-tps110-heartbeat.json"),
            format: .theThingsStackV3
        )
        #expect(bosch.devEUI == "fcd6bd0000000001")
        #expect(bosch.deviceID == "bay-b-042")
        #expect(bosch.fPort == 2)
        #expect(bosch.frameCounter == 88)
        #expect(bosch.payload == [0x01, 0xFF])
        // The MQTT-page example has no f_cnt because TTS leaves zeros out.
        let page = try NetworkServerUplink.parse(
            try envelope("tts-v3-uplink-mqtt-page.json"),
            format: .theThingsStackV3
        )
        #expect(page.frameCounter == 0)
        #expect(page.fPort == 15)
    }

    @Test func chirpStackV3JSONMarshalerSendsBase64EUIsAndAnObjectString() throws {
        let nas = try NetworkServerUplink.parse(try envelope("chirpstack-v3-nas-status-up.json"), format: .chirpStackV3)
        #expect(nas.devEUI == "70b3d5b020073208")
        #expect(nas.fPort == 23)
        #expect(nas.frameCounter == 3)
        #expect(nas.payload.map { $0.count } == 18)
        #expect(nas.object != nil)
    }

    @Test func badEnvelopesAreRejectedWithAReason() {
        let cases: [(String, RejectReason)] = [
            ("not json", .malformedJSON),
            (#"{"deviceInfo": {"devEui": "0101010101010101"}, "fPort": 1}"#, .schema),
            (#"{"fPort": 1, "data": "lQ=="}"#, .schema),
            (#"{"deviceInfo": {"devEui": "0101010101010101"}, "fPort": 1, "data": "!!not base64"}"#, .codec),
        ]
        for (text, reason) in cases {
            do {
                _ = try NetworkServerUplink.parse(Data(text.utf8), format: .chirpStackV4)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.reason == reason, "\(text)")
            }
        }
    }

    @Test func downlinksMatchTheIntegrationsFormats() throws {
        let chirpStack = NetworkServerDownlink.message(
            format: .chirpStackV4,
            devEUI: "70B3D5B020073208",
            fPort: 60,
            payload: [0x01, 0xFE, 0x64],
            correlationID: "c-1"
        )
        let expected =
            try JSONSerialization.jsonObject(
                with: try envelope("chirpstack-v4-command-down.nas-dim-broadcast-100.json")
            ) as? NSDictionary
        #expect((try JSONSerialization.jsonObject(with: Data(chirpStack)) as? NSDictionary) == expected)

        let tts = NetworkServerDownlink.message(
            format: .theThingsStackV3,
            devEUI: "70b3d5b020073208",
            fPort: 60,
            payload: [0x01, 0xFE, 0x64],
            correlationID: "c-1"
        )
        let push = try #require(try JSONSerialization.jsonObject(with: Data(tts)) as? [String: Any])
        let first = try #require((push["downlinks"] as? [[String: Any]])?.first)
        #expect(first["f_port"] as? Int == 60)
        #expect(first["frm_payload"] as? String == "Af5k")
        #expect(first["correlation_ids"] as? [String] == ["kerbside:c-1"])

        #expect(
            NetworkServerFormat.chirpStackV4.downlinkTopic(forUplinkTopic: "application/abc/device/0101/event/up")
                == "application/abc/device/0101/command/down"
        )
        #expect(
            NetworkServerFormat.theThingsStackV3.downlinkTopic(forUplinkTopic: "v3/parking@ttn/devices/bay-1/up")
                == "v3/parking@ttn/devices/bay-1/down/push"
        )
    }

    @Test func topicFiltersMatchLikeABroker() {
        let filter = TopicFilter("application/+/device/+/event/up")
        #expect(filter.matches("application/17c8/device/0101010101010101/event/up"))
        #expect(!filter.matches("application/17c8/device/0101010101010101/event/status"))
        #expect(!filter.matches("application/17c8/device/event/up"))
        #expect(TopicFilter("v3/#").matches("v3/app@ttn/devices/d/up"))
    }
}
