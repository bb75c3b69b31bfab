import Foundation
import Testing

@testable import KerbsideCore

@Suite("Device catalog: model files and published vectors")
struct DeviceCodecVectorTests {
    @Test func catalogHasTheRequiredModels() throws {
        let models = try CodecFixtures.modelFileNames.map { try CodecFixtures.model(file: $0) }
        #expect(models.filter { $0.kind == .parkingSensor }.count >= 2)
        #expect(models.filter { $0.kind == .lightController }.count >= 1)
        #expect(Set(models.map(\.id)).count == models.count, "model ids are unique")
        for (file, model) in zip(CodecFixtures.modelFileNames, models) {
            #expect(file == model.id + ".json", "a model file is named after its id")
            #expect(!model.testVectors.isEmpty, "\(model.id) names its published examples")
            #expect((model.kind == .lightController) == (model.encodeLevel(50) != nil))
        }
    }

    @Test(arguments: CodecFixtures.modelFileNames)
    func publishedVectorsDecodeToTheVendorsMeaning(file: String) throws {
        let model = try CodecFixtures.model(file: file)
        var checked = 0
        for vectorFile in model.testVectors {
            for vector in try CodecFixtures.vectors(vectorFile) {
                try check(vector, model)
                checked += 1
            }
        }
        #expect(checked > 0)
    }

    private func check(_ vector: CodecVector, _ model: DeviceModel) throws {
        let context = Comment(rawValue: "\(model.id): \(vector.testDescription)")
        let decoded = try model.decode(fPort: vector.fPort, payload: vector.payload)
        let expected = try #require(vector.expected, context)
        let data = try #require(expected["data"], context)
        switch VendorOracle.content(data, kind: model.kind) {
        case nil:
            guard case .ignored = decoded.content else {
                Issue.record("\(context.rawValue): expected an ignored frame, got \(decoded.content)")
                return
            }
        case let content?:
            #expect(decoded.content == content, context)
        }
        // The network server's object, as the vendor codec made it, says the same as the bytes.
        #expect(try model.decode(object: expected).content == decoded.content, context)
        #expect(try model.decode(object: data).content == decoded.content, context)
    }

    @Test func nwaveStatusReadsBit0NotBit7() throws {
        let model = try CodecFixtures.model("nwave-nps405")
        for (byte, occupied) in [(0x95, true), (0x15, true), (0x80, false), (0x94, false)] as [(UInt8, Bool)] {
            let decoded = try model.decode(fPort: 1, payload: [byte])
            #expect(decoded.content == .parking(occupied: occupied, batteryVolts: nil, kind: .change))
            #expect(decoded.frame == "parking status")
        }
    }

    @Test func nwaveHeartbeatCarriesTheBattery() throws {
        let model = try CodecFixtures.model("nwave-nps405")
        let decoded = try model.decode(fPort: 2, payload: CodecFixtures.bytes(hex: "00D3D800590B"))
        #expect(decoded.content == .parking(occupied: false, batteryVolts: 3.344, kind: .heartbeat))
    }

    @Test func nwaveTagRegistrationWithoutOccupancySaysNothingAboutTheBay() throws {
        let model = try CodecFixtures.model("nwave-nps405")
        let decoded = try model.decode(fPort: 10, payload: CodecFixtures.bytes(hex: "D01F345678"))
        #expect(decoded.content == .parking(occupied: nil, batteryVolts: nil, kind: .change))
    }

    @Test func startupAndDebugFramesAreIgnored() throws {
        let bosch = try CodecFixtures.model("bosch-tps110")
        let startup = try bosch.decode(
            fPort: 3,
            payload: CodecFixtures.bytes(hex: "240300007503000000000000001D020301")
        )
        #expect(startup.content == .ignored("startup frame (debug codes, firmware version, reset cause)"))
        #expect(try bosch.decode(fPort: 6, payload: [1, 2, 3]).content == .ignored("debug frame"))
    }

    @Test func nasStatusUsageAndAlerts() throws {
        let nas = try CodecFixtures.model("nas-ul20xx-fw1.1")
        let status = try nas.decode(
            fPort: 23,
            payload: CodecFixtures.bytes(hex: "01F37F205E8244320916200701D20294550401FE50190012501900")
        )
        #expect(
            status.content == .lighting(level: 25, powerWatts: nil, energyWattHours: nil, faults: [], echoedLevel: nil)
        )
        let relayOff = try nas.decode(fPort: 23, payload: CodecFixtures.bytes(hex: "00F6E5853800340718000EF5FFFF"))
        #expect(
            relayOff.content == .lighting(level: 0, powerWatts: nil, energyWattHours: nil, faults: [], echoedLevel: nil)
        )
        let usage = try nas.decode(
            fPort: 26,
            payload: CodecFixtures.bytes(hex: "00FF80D0EF2F0112FF479403002A00F94A030027005DE5C072D902D0EF2F01")
        )
        #expect(
            usage.content
                == .lighting(level: nil, powerWatts: 42, energyWattHours: 234_567, faults: nil, echoedLevel: nil)
        )
        let driverAlert = try nas.decode(fPort: 61, payload: CodecFixtures.bytes(hex: "83200202"))
        #expect(
            driverAlert.content
                == .lighting(
                    level: nil,
                    powerWatts: nil,
                    energyWattHours: nil,
                    faults: ["lamp_failure"],
                    echoedLevel: nil
                )
        )
        let meteringAlert = try nas.decode(fPort: 61, payload: CodecFixtures.bytes(hex: "84025900E50056"))
        #expect(
            meteringAlert.content
                == .lighting(
                    level: nil,
                    powerWatts: 89,
                    energyWattHours: nil,
                    faults: ["over_current"],
                    echoedLevel: nil
                )
        )
    }

    @Test func nasStatusFaultsComeFromTheDaliStatusBits() throws {
        let nas = try CodecFixtures.model("nas-ul20xx-fw1.1")
        // Broadcast at 40 % with driver_error and power_failure; short address 9 with lamp_failure; 0xFF = unknown.
        let payload = try CodecFixtures.bytes(hex: "01F37F205E80443209160000FE50288112503202145028FF")
        let decoded = try nas.decode(fPort: 23, payload: payload)
        #expect(
            decoded.content
                == .lighting(
                    level: 40,
                    powerWatts: nil,
                    energyWattHours: nil,
                    faults: ["driver_failure", "lamp_failure", "power_loss"],
                    echoedLevel: nil
                )
        )
    }

    @Test func nasUsageSumsDriversWithoutTheControllersOwnMeter() throws {
        let nas = try CodecFixtures.model("nas-ul20xx-fw1.1")
        // Two DALI drivers, 10 Wh / 3 W and 20 Wh / 4 W.
        let twoDrivers = try nas.decode(
            fPort: 26,
            payload: CodecFixtures.bytes(hex: "0004030A00000003000603140000000400")
        )
        #expect(
            twoDrivers.content
                == .lighting(level: nil, powerWatts: 7, energyWattHours: 30, faults: nil, echoedLevel: nil)
        )
        // The controller's own meter (0xFF) wins over the drivers.
        let withMeter = try nas.decode(
            fPort: 26,
            payload: CodecFixtures.bytes(hex: "00FF036400000009000403140000000400")
        )
        #expect(
            withMeter.content
                == .lighting(level: nil, powerWatts: 9, energyWattHours: 100, faults: nil, echoedLevel: nil)
        )
    }

    @Test func realChirpStackV3CaptureDecodesFromBytesAndObject() throws {
        let nas = try CodecFixtures.model("nas-ul20xx-fw1.1")
        let event = try CodecFixtures.json("chirpstack-v3-nas-lcu-status-up.json")
        let payload = try #require(event["payload"])
        guard case .string(let base64) = payload["data"], case .number(let fPort) = payload["fPort"],
            case .string(let objectJSON) = payload["objectJSON"], let data = Data(base64Encoded: base64)
        else {
            Issue.record("the capture lacks data, fPort or objectJSON")
            return
        }
        let fromBytes = try nas.decode(fPort: Int(fPort), payload: Array(data))
        let object = try JSONDecoder().decode(JSONTree.self, from: Data(objectJSON.utf8))
        let fromObject = try nas.decode(object: object)
        let daytime = DecodedUplink.Content.lighting(
            level: 0,
            powerWatts: nil,
            energyWattHours: nil,
            faults: [],
            echoedLevel: nil
        )
        #expect(fromBytes.content == daytime)
        #expect(fromObject.content == daytime)
    }
}
