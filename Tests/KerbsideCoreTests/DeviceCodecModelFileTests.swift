import Foundation
import Testing

@testable import KerbsideCore

/// A small light-controller model to edit in the error tests: fPort 5, a signed big-endian temperature, a fault
/// code, and masked records.
private let sampleModel = #"""
    {
      "format": 1, "id": "sample-lcu", "vendor": "Example", "name": "Sample", "kind": "light_controller",
      "firmware": "1.0",
      "frames": [
        {
          "name": "status", "f_port": 5, "match": {"at": 0, "equals": ["0x10"]},
          "object_match": {"kind": "status"},
          "fields": [
            {"name": "level", "at": 1},
            {"name": "power", "at": 2, "length": 2, "endian": "big", "scale": 0.1},
            {"name": "temperature", "at": 4, "length": 2, "endian": "big", "signed": true},
            {"name": "error", "at": 6, "mask": "0x0F"}
          ],
          "map": {
            "level": {"field": "level", "path": "level"},
            "power_w": {"field": "power", "path": "power_mw", "path_scale": 0.001},
            "faults": [{"field": "error", "path": "error", "codes": {"1": "lamp_failure", "2": "overtemperature"}}]
          }
        },
        {
          "name": "meters", "f_port": 6,
          "layout": [
            {"masked_records": {"name": "meter", "bytes": 2, "mask_at": 1, "fields": [{"name": "id", "at": 0}],
              "optional": [
                {"bit": 0, "name": "energy", "length": 2, "endian": "big"},
                {"bit": 1, "name": "power", "length": 1}
              ]}}
          ],
          "map": {"energy_wh": {"field": "meter.energy", "aggregate": "sum"}, "power_w": {"field": "meter.power"}}
        }
      ],
      "level_command": {"f_port": 5, "template": ["0x20", "level", 0]}
    }
    """#

private func parse(_ text: String) -> Result<DeviceModel, CodecError> {
    do throws(CodecError) {
        return .success(try DeviceModel.parse(Array(text.utf8)))
    } catch {
        return .failure(error)
    }
}

/// The sample with one substring replaced, parsed; the error message or "parsed".
private func edited(_ old: String, _ new: String) -> String {
    precondition(sampleModel.contains(old), "the sample has no \(old)")
    switch parse(sampleModel.replacingOccurrences(of: old, with: new)) {
    case .success: return "parsed"
    case .failure(let error): return error.message
    }
}

@Suite("Device codecs: the model file format")
struct DeviceCodecModelFileTests {
    @Test func sampleDecodesSignedBigEndianCodesAndMaskedRecords() throws {
        let model = try parse(sampleModel).get()
        let status = try model.decode(fPort: 5, payload: [0x10, 60, 0x01, 0x9A, 0xFF, 0xF6, 0xA2])
        #expect(
            status.content
                == .lighting(
                    level: 60,
                    powerWatts: 41,
                    energyWattHours: nil,
                    faults: ["overtemperature"],
                    echoedLevel: nil
                )
        )
        let unnamedCode = try model.decode(fPort: 5, payload: [0x10, 60, 0, 0, 0, 0, 0x07])
        #expect(
            unnamedCode.content
                == .lighting(level: 60, powerWatts: 0, energyWattHours: nil, faults: ["error_7"], echoedLevel: nil)
        )
        let object = try model.decode(
            object: .object([
                "kind": .string("status"), "level": .number(60), "power_mw": .number(41_000),
                "error": .string("fan_stuck"),
            ])
        )
        #expect(
            object.content
                == .lighting(level: 60, powerWatts: 41, energyWattHours: nil, faults: ["fan_stuck"], echoedLevel: nil)
        )
        let meters = try model.decode(fPort: 6, payload: [1, 0x03, 0x01, 0x00, 7, 2, 0x01, 0x00, 0x20])
        #expect(
            meters.content == .lighting(level: nil, powerWatts: 7, energyWattHours: 288, faults: nil, echoedLevel: nil)
        )
        let undefinedBit = CodecFixtures.codecError { () throws(CodecError) in
            try model.decode(fPort: 6, payload: [1, 0x04])
        }
        #expect(
            undefinedBit?.message
                == "sample-lcu fPort 6 (meters): meter record 0 has mask 0x04 with bits the model does not define, so its length is unknown"
        )
        #expect(model.encodeLevel(42)?.fPort == 5)
        #expect(model.encodeLevel(42)?.payload == [0x20, 42, 0])
        #expect(model.mapsObjects)
    }

    @Test func everyCatalogModelSurvivesEncodingAndParsingAgain() throws {
        for file in CodecFixtures.modelFileNames {
            let model = try CodecFixtures.model(file: file)
            let encoded = try JSONEncoder().encode(model)
            #expect(try DeviceModel.parse(Array(encoded)) == model, "\(file)")
        }
    }

    @Test func jsonTreeKeepsBooleansApartFromNumbers() throws {
        let tree = try JSONDecoder().decode(
            JSONTree.self,
            from: Data(#"{"a": 1, "b": true, "c": [null, "x", 2.5]}"#.utf8)
        )
        #expect(
            tree == .object(["a": .number(1), "b": .bool(true), "c": .array([.null, .string("x"), .number(2.5)])])
        )
    }

    /// (old text, new text, the exact error)
    static let badModels: [(String, String, String)] = [
        (
            #""format": 1"#, #""format": 2"#,
            "device model sample-lcu: format 2 is not supported (this Kerbside reads format 1)"
        ),
        (
            #""id": "sample-lcu""#, #""id": "Sample LCU""#,
            #"device model Sample LCU: id "Sample LCU" must be lowercase letters, digits, ".", "-" or "_""#
        ),
        (#""firmware": "1.0","#, "", "device model sample-lcu: firmware: required key is missing"),
        (
            #""kind": "light_controller""#, #""kind": "lamp""#,
            #"device model sample-lcu: kind: "lamp" is not one of "parking_sensor", "light_controller""#
        ),
        (
            #"{"name": "level", "at": 1}"#, #"{"name": "level", "at": 1, "absent_whn": [255]}"#,
            "device model sample-lcu: frames[0].fields[0].absent_whn: unknown key (expected one of: name, at, bit, length, endian, signed, mask, shift, scale, offset, absent_when, absent_when_raw)"
        ),
        (
            #""mask": "0x0F""#, #""mask": "0x1FF""#,
            "device model sample-lcu: frames[0] (status).layout[0].block.fields[3] (error).mask: 511 is not a non-zero mask within 1 byte(s)"
        ),
        (
            #""mask": "0x0F""#, #""mask": "0xG""#,
            #"device model sample-lcu: frames[0].fields[3].mask: "0xG" is not an integer or a "0x…" hex string"#
        ),
        (
            #""endian": "big", "scale": 0.1"#, #""scale": 0.1"#,
            #"device model sample-lcu: frames[0] (status).layout[0].block.fields[1] (power).endian: a 2-byte field needs "big" or "little""#
        ),
        (
            #"{"field": "level", "path": "level"}"#, #"{"field": "lvl", "path": "level"}"#,
            #"device model sample-lcu: frames[0] (status).map.level[0]: field "lvl" is not declared in the layout"#
        ),
        (
            #""path": "power_mw""#, #""path": "power[x]""#,
            #"device model sample-lcu: frames[0] (status).map.power_w[0]: path "power[x]": "[x]" is neither an index nor [*]"#
        ),
        (
            #""codes": {"1": "lamp_failure", "2": "overtemperature"}"#, #""fault": "x", "codes": {}"#,
            "device model sample-lcu: frames[0] (status).map.faults[0]: give exactly one of fault and codes"
        ),
        (
            #""map": {"energy_wh""#, #""map": {"occupied": {"field": "meter.id"}, "energy_wh""#,
            "device model sample-lcu: frames[1] (meters).map: a light controller reports level, power_w, energy_wh, echoed_level, faults"
        ),
        (
            #""name": "meters", "f_port": 6"#, #""name": "meters", "f_port": 5, "match": {"equals": [16]}"#,
            "device model sample-lcu: frames[1] (meters): header 0x10 on fPort 5 is already taken by frames[0]"
        ),
        (
            #""f_port": 5, "match": {"at": 0, "equals": ["0x10"]},"#, #""f_port": 6,"#,
            "device model sample-lcu: frames[1] (meters) can never be chosen: frames[0] takes every payload on fPort 6"
        ),
        (
            #""template": ["0x20", "level", 0]"#, #""template": ["0x20", 0]"#,
            #"device model sample-lcu: level_command.template: needs "level" where the percentage goes"#
        ),
        (
            #""template": ["0x20", "level", 0]"#, #""template": ["0x20", "level", 300]"#,
            #"device model sample-lcu: level_command.template[2]: 300 is not a byte (0…255) or "level""#
        ),
        (
            #"{"bit": 0, "name": "energy", "length": 2, "endian": "big"}"#,
            #"{"bit": 1, "name": "energy", "length": 2, "endian": "big"}"#,
            "device model sample-lcu: frames[1] (meters).layout[0].masked_records.optional[1] (power).bit: used twice"
        ),
        (
            #""fields": [{"name": "id", "at": 0}]"#,
            #""fields": [{"name": "id", "at": 1, "length": 2, "endian": "big"}]"#,
            "device model sample-lcu: frames[1] (meters).layout[0].masked_records.fields[0] (id): at 1 + length 2 is past the 2 bytes it sits in"
        ),
        (
            #""aggregate": "sum"}"#, #""aggregate": "sum", "where": {"field": "id", "equals": 1}}"#,
            #"device model sample-lcu: frames[1] (meters).map.energy_wh[0]: field "id" is not declared in the layout"#
        ),
        (
            #""layout": ["#, #""layout": [{"records": {"name": "x", "bytes": 1, "fields": []}},"#,
            "device model sample-lcu: frames[1] (meters).layout[0]: records run to the end of the payload, so they must be the last step"
        ),
        (
            #""format": 1,"#, #""format": 1,,"#,
            "device model: not valid JSON: expected a string key at line 2, column 15"
        ),
    ]

    @Test(arguments: badModels.indices)
    func badModelFileNamesTheProblem(index: Int) {
        let (old, new, message) = Self.badModels[index]
        #expect(edited(old, new) == message)
    }

    @Test func sensorsTakeNoLevelCommand() {
        let sensor = sampleModel.replacingOccurrences(
            of: #""kind": "light_controller""#,
            with: #""kind": "parking_sensor""#
        )
        guard case .failure(let error) = parse(sensor) else {
            Issue.record("a sensor model with light-controller frames parsed")
            return
        }
        #expect(
            error.message
                == #"device model sample-lcu: frames[0] (status).reading: a sensor frame is "change" or "heartbeat""#
        )
    }
}
