import Foundation
import Testing

@testable import KerbsideCore

@Suite("Device codecs: bad payloads and objects are codec errors")
struct DeviceCodecPayloadErrorTests {
    /// (model, fPort, hex, a phrase the message must contain)
    static let badPayloads: [(String, Int, String, String)] = [
        ("nwave-nps405", 7, "01", "fPort 7 is not one this model sends on (1, 2, 3, 6, 10)"),
        ("nwave-nps405", 1, "", "empty payload"),
        ("nwave-nps405", 1, "9595", "2 bytes is too long, the frame has at most 1"),
        ("nwave-nps405", 2, "00D3", "2 bytes is too short, the frame has at least 6"),
        ("nwave-nps405", 10, "D11F34", "3 bytes is too short"),
        ("nwave-nps310sm", 10, "D11F345678", "fPort 10 is not one this model sends on"),
        ("bosch-tps110", 2, "01FF00", "3 bytes is too long"),
        ("bosch-tps110", 3, "2403000075", "5 bytes is too short, the frame has at least 17"),
        ("nas-ul20xx-fw1.1", 23, "7AF37F205E", "header byte 0x7A matches no frame (known: 0x01, 0x00)"),
        ("nas-ul20xx-fw1.1", 23, "01F37F20", "4 bytes is too short, field relay_closed needs 11"),
        (
            "nas-ul20xx-fw1.1", 23, "01F37F205E824432091620",
            "11 bytes is too short, the length of sensor_source needs 12"
        ),
        ("nas-ul20xx-fw1.1", 23, "01F37F205E8244320916200701D2", "sensor_source says 7 bytes but only 2 are left"),
        ("nas-ul20xx-fw1.1", 23, "01F37F205E82443209162000FE5019", "3 bytes from byte 12 are not whole 4-byte dimming"),
        ("nas-ul20xx-fw1.1", 23, "01F37F205E82443209162000FE508000", "level 128 is outside 0…100"),
        ("nas-ul20xx-fw1.1", 26, "0012FF4794", "5 bytes is too short, active_energy of usage record 0 needs 7"),
        ("nas-ul20xx-fw1.1", 26, "01FF03", "header byte 0x01 matches no frame (known: 0x00)"),
        ("nas-ul20xx-fw1.1", 60, "01", "0 destination records, the frame has at least 1"),
        ("nas-ul20xx-fw1.1", 60, "02FE64", "header byte 0x02 matches no frame"),
        ("nas-ul20xx-fw1.1", 61, "84025900E5", "5 bytes is too short, the frame has at least 7"),
        ("nas-ul20xx-fw1.1", 99, "13320A00", "4 bytes is too long"),
        ("nas-ul20xx-fw1.1", 24, "00", "fPort 24 is not one this model sends on (23, 26, 50, 60, 61, 99)"),
    ]

    @Test(arguments: badPayloads.indices)
    func badPayloadIsACodecError(index: Int) throws {
        let (id, fPort, hex, phrase) = Self.badPayloads[index]
        let model = try CodecFixtures.model(id)
        let payload = try CodecFixtures.bytes(hex: hex)
        let error = try #require(
            CodecFixtures.codecError { () throws(CodecError) in try model.decode(fPort: fPort, payload: payload) }
        )
        #expect(error.message.contains(phrase), "\(error.message)")
        #expect(error.message.hasPrefix(id), "the message names the model")
    }

    /// Arbitrary bytes on every port either decode or are a `CodecError`, and never trap.
    @Test(arguments: CodecFixtures.modelFileNames)
    func garbageNeverTraps(file: String) throws {
        let model = try CodecFixtures.model(file: file)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        var rejected = 0
        for fPort in model.uplinkPorts + [0, 224] {
            for length in 0..<48 {
                for _ in 0..<8 {
                    let payload = (0..<length).map { _ in next() }
                    if CodecFixtures.codecError({ () throws(CodecError) in
                        try model.decode(fPort: fPort, payload: payload)
                    }) != nil {
                        rejected += 1
                    }
                }
            }
        }
        #expect(rejected > 0)
    }

    @Test func objectsThatMatchNoFrameOrHoldTheWrongTypes() throws {
        let nwave = try CodecFixtures.model("nwave-nps405")
        let unknown = CodecFixtures.codecError { () throws(CodecError) in
            try nwave.decode(object: .object(["type": .string("alarm")]))
        }
        #expect(unknown?.message == #"nwave-nps405: the decoded object matches no frame (type = "alarm")"#)
        let notObject = CodecFixtures.codecError { () throws(CodecError) in try nwave.decode(object: .array([])) }
        #expect(notObject?.message == "nwave-nps405: the decoded object is an array of 0, not an object")
        let missing = CodecFixtures.codecError { () throws(CodecError) in
            try nwave.decode(object: .object(["type": .string("heartbeat"), "battery_voltage": .number(3.3)]))
        }
        #expect(missing?.message == "nwave-nps405 object (heartbeat): no value for occupied")
        let wrongType = CodecFixtures.codecError { () throws(CodecError) in
            try nwave.decode(object: .object(["type": .string("parking_status"), "occupied": .object([:])]))
        }
        #expect(
            wrongType?.message
                == "nwave-nps405 object (parking status): occupied is an object, expected a number, boolean or string"
        )
        let nas = try CodecFixtures.model("nas-ul20xx-fw1.1")
        let outOfRange = CodecFixtures.codecError { () throws(CodecError) in
            try nas.decode(
                object: .object([
                    "packet_type": .string("manual_dimming"),
                    "destination": .array([.object(["dimming_level__percent": .number(180)])]),
                ])
            )
        }
        #expect(
            outOfRange?.message == "nas-ul20xx-fw1.1 object (manual dimming echo): echoed_level 180 is outside 0…100"
        )
    }

    @Test func objectFramesIgnoredByPattern() throws {
        let nas = try CodecFixtures.model("nas-ul20xx-fw1.1")
        let config = try nas.decode(object: .object(["packet_type": .string("calendar_config_packet")]))
        #expect(config.content == .ignored("configuration report"))
        let timed = try nas.decode(object: .object(["packet_type": .string("manual_timed_dimming")]))
        #expect(timed.content == .ignored("echo of a command Kerbside does not send"))
    }
}

@Suite("Device codecs: level downlinks")
struct DeviceCodecDownlinkTests {
    @Test func nasBroadcastLevelMatchesTheReferenceFrame() throws {
        let nas = try CodecFixtures.model("nas-ul20xx-fw1.1")
        let command = try #require(nas.encodeLevel(100))
        let reference = try #require(
            try CodecFixtures.vectors("nas-ul20xx-fw1.0.x-downlink.vectors.json").first {
                $0.description.hasSuffix("manual_dimming_command from DS")
            }
        )
        #expect(command.fPort == 60)
        #expect(CodecFixtures.hexString(command.payload) == "01FE64")
        #expect(command.fPort == reference.fPort)
        #expect(command.payload == reference.payload)
        #expect(Data(command.payload).base64EncodedString() == "Af5k")
    }

    @Test func levelsAreClampedAndSensorsTakeNone() throws {
        let nas = try CodecFixtures.model("nas-ul20xx-fw1.1")
        #expect(nas.encodeLevel(0)?.payload == [0x01, 0xFE, 0])
        #expect(nas.encodeLevel(150)?.payload == [0x01, 0xFE, 100])
        #expect(nas.encodeLevel(-5)?.payload == [0x01, 0xFE, 0])
        #expect(try CodecFixtures.model("nwave-nps405").encodeLevel(50) == nil)
        #expect(try CodecFixtures.model("bosch-tps110").encodeLevel(50) == nil)
    }

    @Test(arguments: [0, 1, 37, 50, 100])
    func theEchoOfACommandAcknowledgesItsLevel(level: Int) throws {
        let nas = try CodecFixtures.model("nas-ul20xx-fw1.1")
        let command = try #require(nas.encodeLevel(level))
        let echo = try nas.decode(fPort: command.fPort, payload: command.payload)
        #expect(
            echo.content
                == .lighting(level: nil, powerWatts: nil, energyWattHours: nil, faults: nil, echoedLevel: level)
        )
    }

    @Test func referenceDimmingFramesDecodeAsEchoes() throws {
        let nas = try CodecFixtures.model("nas-ul20xx-fw1.1")
        let frames = try CodecFixtures.vectors("nas-ul20xx-fw1.1.x-downlink-frames.json")
        let manual = try #require(frames.first { $0.description.hasSuffix("60_manual_dimming") })
        let echo = try nas.decode(fPort: manual.fPort, payload: manual.payload)
        #expect(
            echo.content == .lighting(level: nil, powerWatts: nil, energyWattHours: nil, faults: nil, echoedLevel: 50)
        )
        let timed = try #require(frames.first { $0.description.hasSuffix("60_manual_dimming_timed") })
        #expect(
            try nas.decode(fPort: timed.fPort, payload: timed.payload).content
                == .ignored("echo of a command Kerbside does not send")
        )
    }
}
