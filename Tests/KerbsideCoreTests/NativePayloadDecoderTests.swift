import Foundation
import KerbsideCore
import Testing

/// The rejection a decode produced, or `nil` if it succeeded.
private func parkingRejection(_ json: String) -> Rejection? {
    do {
        _ = try NativePayloadDecoder.decodeParking(json)
        return nil
    } catch {
        return error
    }
}

private func lightingRejection(_ json: String) -> Rejection? {
    do {
        _ = try NativePayloadDecoder.decodeLighting(json)
        return nil
    } catch {
        return error
    }
}

private func parking(_ json: String) throws -> ParkingReading {
    try NativePayloadDecoder.decodeParking(json)
}

private func lighting(_ json: String) throws -> LightingReading {
    try NativePayloadDecoder.decodeLighting(json)
}

@Suite("Native parking payloads")
struct NativeParkingPayloadTests {
    @Test func designExampleDecodesExactly() throws {
        let json =
            #"{"occupied": true, "ts": "2026-11-21T18:04:05Z", "seq": 4711, "battery_v": 3.58, "kind": "change"}"#
        let reading = try parking(json)
        #expect(
            reading
                == ParkingReading(
                    occupied: true,
                    timestamp: Date(timeIntervalSince1970: 1_795_284_245),
                    seq: 4711,
                    batteryVolts: 3.58,
                    kind: .change
                )
        )
    }

    @Test func allEntryPointsAgree() throws {
        let json = #"{"occupied":false,"seq":1}"#
        let fromString = try NativePayloadDecoder.decodeParking(json)
        let fromArray = try NativePayloadDecoder.decodeParking(Array(json.utf8))
        let fromBuffer = try Array(json.utf8).withUnsafeBytes { try NativePayloadDecoder.decodeParking($0) }
        #expect(fromString == ParkingReading(occupied: false, seq: 1))
        #expect(fromArray == fromString)
        #expect(fromBuffer == fromString)
    }

    @Test func onlyOccupiedIsRequired() throws {
        #expect(try parking(#"{"occupied":false}"#) == ParkingReading(occupied: false))
    }

    @Test func heartbeatKind() throws {
        #expect(try parking(#"{"occupied":true,"kind":"heartbeat"}"#).kind == .heartbeat)
    }

    @Test func nullOptionalFieldsAreAbsent() throws {
        let json = #"{"occupied":true,"ts":null,"seq":null,"battery_v":null,"kind":null}"#
        #expect(try parking(json) == ParkingReading(occupied: true))
    }

    @Test func unknownFieldsAreIgnored() throws {
        let json = #"""
            {"fw":"1.2.3","rssi":-97.5,"extra":{"a":[1,{"b":null}],"c":"\u00e9"},"flags":[true,false],
             "occupied":true,"big":1e99999}
            """#
        #expect(try parking(json) == ParkingReading(occupied: true))
    }

    @Test func whitespaceAroundTokensIsAllowed() throws {
        #expect(try parking(" \r\n\t{ \"occupied\" :\ttrue ,\n\"seq\" : 7 } \n").seq == 7)
    }

    @Test func lastDuplicateKeyWins() throws {
        #expect(try parking(#"{"occupied":true,"occupied":false}"#).occupied == false)
        // An earlier value of the wrong type does not matter once it is replaced.
        #expect(
            try parking(#"{"occupied":"yes","seq":-1,"occupied":true,"seq":2}"#)
                == ParkingReading(occupied: true, seq: 2)
        )
    }

    @Test func escapedKeysMatch() throws {
        #expect(try parking(#"{"occ\u0075pied":true}"#).occupied)
    }

    @Test func missingOccupied() {
        #expect(parkingRejection(#"{"seq":1}"#) == Rejection(.schema, "occupied: required boolean missing"))
        #expect(parkingRejection("{}") == Rejection(.schema, "occupied: required boolean missing"))
    }

    @Test(arguments: ["1", "0", #""true""#, "null", "[]", "{}"])
    func occupiedMustBeBoolean(value: String) throws {
        let rejection = try #require(parkingRejection(#"{"occupied":\#(value)}"#))
        #expect(rejection.reason == .schema)
        #expect(rejection.detail.hasPrefix("occupied: expected boolean, got "))
    }

    @Test func occupiedDetailQuotesTheValue() {
        #expect(
            parkingRejection(#"{"occupied":"yes"}"#) == Rejection(.schema, #"occupied: expected boolean, got "yes""#)
        )
    }

    @Test(arguments: ["\"Change\"", "\"foo\"", "\"\"", "1", "true", "[\"change\"]"])
    func unknownKindIsSchema(value: String) throws {
        let rejection = try #require(parkingRejection(#"{"occupied":true,"kind":\#(value)}"#))
        #expect(rejection.reason == .schema)
        #expect(rejection.detail.hasPrefix(#"kind: expected "change" or "heartbeat", got "#))
    }

    @Test(arguments: [
        ("0", 0.0), ("10", 10.0), ("3", 3.0), ("3.58", 3.58), ("0.5e1", 5.0), ("-0", 0.0), ("3.6E-0", 3.6),
    ])
    func batteryWithinRange(literal: String, expected: Double) throws {
        #expect(try parking(#"{"occupied":true,"battery_v":\#(literal)}"#).batteryVolts == expected)
    }

    @Test(arguments: ["-0.1", "10.01", "1e999", "-1e999", "\"3.5\"", "true", "[3.5]"])
    func batteryOutOfRangeOrWrongType(literal: String) throws {
        let rejection = try #require(parkingRejection(#"{"occupied":true,"battery_v":\#(literal)}"#))
        #expect(rejection.reason == .schema)
        #expect(rejection.detail.hasPrefix("battery_v: expected finite number 0...10, got "))
    }
}

@Suite("Native timestamps and sequence numbers")
struct NativeTimestampAndSeqTests {
    @Test(arguments: [
        ("1763748245000", 1_763_748_245.0),
        ("0", 0.0),
        ("1763748245123", 1_763_748_245.123),
        ("253402300799999", 253_402_300_799.999),
    ])
    func epochMilliseconds(literal: String, seconds: Double) throws {
        let reading = try parking(#"{"occupied":true,"ts":\#(literal)}"#)
        #expect(reading.timestamp == Date(timeIntervalSince1970: seconds))
    }

    @Test(arguments: [
        "-1", "-0", "1.5", "1763748245000.0", "1.763748245e12", "253402300800000", "99999999999999999999999",
        "18446744073709551616",
    ])
    func epochMillisecondsOutOfRangeOrNotInteger(literal: String) throws {
        let rejection = try #require(parkingRejection(#"{"occupied":true,"ts":\#(literal)}"#))
        #expect(rejection.reason == .schema)
        #expect(rejection.detail.hasPrefix("ts: expected integer epoch milliseconds 0...253402300799999, got "))
    }

    @Test func stringAndMillisecondFormsOfOneInstantAreEqual() throws {
        let fromString = try parking(#"{"occupied":true,"ts":"2025-11-21T19:04:05.123+01:00"}"#).timestamp
        let fromNumber = try parking(#"{"occupied":true,"ts":1763748245123}"#).timestamp
        #expect(fromString != nil)
        #expect(fromString == fromNumber)
    }

    @Test func escapedTimestampStringIsDecodedFirst() throws {
        let reading = try parking(#"{"occupied":true,"ts":"2026-11-21T18:04:05\u005A"}"#)
        #expect(reading.timestamp == Date(timeIntervalSince1970: 1_795_284_245))
    }

    @Test func invalidTimestampStringNamesTheProblem() throws {
        let rejection = try #require(parkingRejection(#"{"occupied":true,"ts":"2026-02-30T00:00:00Z"}"#))
        #expect(rejection.reason == .schema)
        #expect(rejection.detail.hasPrefix(#"ts: invalid RFC 3339 timestamp "2026-02-30T00:00:00Z": day 30"#))
    }

    @Test(arguments: ["true", "[]", "{}"])
    func timestampOfWrongType(literal: String) throws {
        let rejection = try #require(lightingRejection(#"{"level":1,"ts":\#(literal)}"#))
        #expect(rejection.reason == .schema)
        #expect(rejection.detail.hasPrefix("ts: expected RFC 3339 string or integer epoch milliseconds, got "))
    }

    @Test(arguments: [("0", UInt64(0)), ("4711", 4711), ("18446744073709551615", UInt64.max)])
    func seqFitsUInt64(literal: String, expected: UInt64) throws {
        #expect(try parking(#"{"occupied":true,"seq":\#(literal)}"#).seq == expected)
        #expect(try lighting(#"{"level":0,"seq":\#(literal)}"#).seq == expected)
    }

    @Test(arguments: ["-1", "-0", "1.0", "1.5", "1e3", "18446744073709551616", "99999999999999999999999", #""5""#])
    func seqMustBeUnsignedInteger(literal: String) throws {
        let rejection = try #require(parkingRejection(#"{"occupied":true,"seq":\#(literal)}"#))
        #expect(
            rejection == Rejection(.schema, "seq: expected unsigned integer 0...18446744073709551615, got \(literal)")
        )
    }
}

@Suite("Native lighting payloads")
struct NativeLightingPayloadTests {
    @Test func designExampleDecodesExactly() throws {
        let json = #"""
            {"level": 60, "power_w": 41.5, "energy_wh": 183422.5, "faults": ["lamp_failure"], "ack": "c-000123", \#
            "ts": 1763748245000, "seq": 88}
            """#
        #expect(
            try lighting(json)
                == LightingReading(
                    level: 60,
                    powerWatts: 41.5,
                    energyWattHours: 183_422.5,
                    faults: ["lamp_failure"],
                    ack: "c-000123",
                    timestamp: Date(timeIntervalSince1970: 1_763_748_245),
                    seq: 88
                )
        )
    }

    @Test func onlyLevelIsRequired() throws {
        #expect(try lighting(#"{"level":0}"#) == LightingReading(level: 0))
        let nulls = #"{"level":100,"power_w":null,"energy_wh":null,"faults":null,"ack":null,"ts":null,"seq":null}"#
        #expect(try lighting(nulls) == LightingReading(level: 100))
    }

    @Test(arguments: [("0", 0), ("100", 100), ("60", 60), ("60.0", 60), ("6e1", 60), ("600e-1", 60), ("-0", 0)])
    func levelAcceptsWholeNumbers(literal: String, expected: Int) throws {
        #expect(try lighting(#"{"level":\#(literal)}"#).level == expected)
    }

    @Test(arguments: ["140", "101", "-1", "60.5", "1e999", "100.0000001", #""60""#, "true", "null"])
    func levelMustBeIntegerInRange(literal: String) {
        #expect(
            lightingRejection(#"{"level":\#(literal)}"#)
                == Rejection(.schema, "level: expected integer 0...100, got \(literal)")
        )
    }

    @Test func containersAreNamedNotQuoted() {
        #expect(
            lightingRejection(#"{"level":[60]}"#) == Rejection(.schema, "level: expected integer 0...100, got an array")
        )
        #expect(
            lightingRejection(#"{"level":{}}"#) == Rejection(.schema, "level: expected integer 0...100, got an object")
        )
    }

    @Test func levelDetailMatchesTheContract() {
        #expect(lightingRejection(#"{"level":140}"#)?.detail == "level: expected integer 0...100, got 140")
        #expect(lightingRejection(#"{"power_w":1}"#) == Rejection(.schema, "level: required integer 0...100 missing"))
    }

    @Test(arguments: ["power_w", "energy_wh"])
    func meterFieldsMustBeFiniteAndNonNegative(field: String) throws {
        #expect(try lighting(#"{"level":1,"\#(field)":0}"#) == lighting(#"{"level":1,"\#(field)":0.0}"#))
        let negativeZero = try lighting(#"{"level":1,"\#(field)":-0.0}"#)
        let value = try #require(field == "power_w" ? negativeZero.powerWatts : negativeZero.energyWattHours)
        #expect(value == 0 && value.sign == .plus)
        for literal in ["-0.001", "-1", "1e400", #""5""#, "false"] {
            #expect(
                lightingRejection(#"{"level":1,"\#(field)":\#(literal)}"#)
                    == Rejection(.schema, "\(field): expected finite number 0..., got \(literal)")
            )
        }
    }

    @Test func faultsKeepOrderAndDropRepeats() throws {
        let json = #"{"level":0,"faults":["power_loss","lamp_failure","power_loss","vendor:\"x\"","lamp_failure"]}"#
        #expect(try lighting(json).faults == ["power_loss", "lamp_failure", "vendor:\"x\""])
    }

    @Test func longFaultListsAreDeduplicated() throws {
        let names = (0..<20).map { "f\($0 % 12)" }
        let json = #"{"level":0,"faults":["# + names.map { "\"\($0)\"" }.joined(separator: ",") + "]}"
        #expect(try lighting(json).faults == (0..<12).map { "f\($0)" })
    }

    @Test func emptyFaults() throws {
        #expect(try lighting(#"{"level":0,"faults":[ ]}"#).faults == [])
    }

    @Test func faultElementsMustBeStrings() {
        #expect(
            lightingRejection(#"{"level":0,"faults":["comms",3]}"#)
                == Rejection(.schema, "faults[1]: expected string, got 3")
        )
        #expect(
            lightingRejection(#"{"level":0,"faults":["comms",["x"]]}"#)
                == Rejection(.schema, "faults[1]: expected string, got an array")
        )
        #expect(
            lightingRejection(#"{"level":0,"faults":"comms"}"#)
                == Rejection(.schema, #"faults: expected array of strings, got "comms""#)
        )
    }

    @Test func ackEscapesAreDecoded() throws {
        let reading = try lighting(#"{"level":0,"ack":"c-\u00e9\ud83d\ude00\n\t\/\\"}"#)
        #expect(reading.ack == "c-é😀\n\t/\\")
    }

    @Test func ackLengthLimit() throws {
        let limit = NativePayloadDecoder.maximumAckUTF8Count
        let longest = String(repeating: "a", count: limit)
        #expect(try lighting(#"{"level":0,"ack":"\#(longest)"}"#).ack == longest)
        #expect(
            lightingRejection(#"{"level":0,"ack":"\#(longest)b"}"#)
                == Rejection(.schema, "ack: expected at most \(limit) bytes, got \(limit + 1)")
        )
        #expect(lightingRejection(#"{"level":0,"ack":123}"#) == Rejection(.schema, "ack: expected string, got 123"))
    }

    @Test func longValuesAreCutInDetails() throws {
        let rejection = try #require(lightingRejection(#"{"level":"\#(String(repeating: "é", count: 50))"}"#))
        #expect(rejection.detail.hasSuffix("…"))
        #expect(rejection.detail.utf8.count < 100)
    }

    /// Decimal literals must round exactly as the standard library's correctly rounded parser does.
    @Test(arguments: [
        "41.5", "183422.5", "0.1", "0.3", "3.58", "1e22", "1e23", "9007199254740993", "9007199254740992.5",
        "123456789012345678901234567890", "0.000001", "1.7976931348623157e308", "4.9e-324", "2.2250738585072014e-308",
        "0.1e-22", "12345.678e-3", "9e-10", "98765.4321E+2", "0.30000000000000004", "5e-324", "1e-400",
    ])
    func decimalsRoundCorrectly(literal: String) throws {
        let expected = try #require(Double(literal))
        #expect(try lighting(#"{"level":0,"energy_wh":\#(literal)}"#).energyWattHours == expected)
    }

    @Test func randomDecimalsRoundCorrectly() throws {
        var generator = SplitMix64(seed: 0x4B45_5242)
        for _ in 0..<2_000 {
            let digits = Int(generator.next() % 17) + 1
            var literal = String(generator.next() % 1_000_000_000_000_000_000)
            literal = String(literal.prefix(digits))
            let point = Int(generator.next() % UInt64(literal.count + 1))
            if point < literal.count { literal.insert(".", at: literal.index(literal.startIndex, offsetBy: point)) }
            if literal.hasPrefix(".") { literal = "0" + literal }
            if literal.hasSuffix(".") { literal += "0" }
            if generator.next() % 3 == 0 { literal += "e\(Int(generator.next() % 60) - 30)" }
            // JSON forbids leading zeros on the integer part.
            while literal.count > 1, literal.hasPrefix("0"), !literal.hasPrefix("0.") { literal.removeFirst() }
            let expected = try #require(Double(literal))
            #expect(try lighting(#"{"level":0,"power_w":\#(literal)}"#).powerWatts == expected, "\(literal)")
        }
    }
}

@Suite("Malformed native payloads")
struct MalformedNativePayloadTests {
    static let malformed: [String] = [
        "", " ", "\n", "[]", "[{\"occupied\":true}]", "\"x\"", "1", "null", "true",
        "{", "{\"occupied\":true", "{\"occupied\":", "{\"occupied\"", "{\"occ",
        "{\"occupied\":true}garbage", "{\"occupied\":true}}", "{\"occupied\":true} {}", "{\"occupied\":true},",
        "{\"occupied\":true,}", "{,}", "{,\"occupied\":true}", "{\"occupied\" true}", "{\"occupied\"::true}",
        "{\"occupied\":tru}", "{\"occupied\":True}", "{\"occupied\":truex}", "{occupied:true}", "{'occupied':true}",
        "{\"occupied\":true \"ts\":1}", "{\"occupied\":true;\"ts\":1}", "{\"a\":{} \"occupied\":true}",
        "{\"a\":[] \"occupied\":true}", "{\"a\":\"unterminated}", "{\"a\":\"x\\\"}",
        "{\"a\":\"bad \\x escape\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\u12G4\"}", "{\"a\":\"\\U0041\"}",
        "{\"a\":\"\\uD800\"}", "{\"a\":\"\\uDC00\\uD800\"}", "{\"a\":\"\\uD800\\u0041\"}", "{\"a\":\"\\uD800x\"}",
        "{\"a\":\"\\", "{\"a\":\"tab\there\"}", "{\"a\":\"line\nbreak\"}", "{\"a\":\"\u{0}\"}", "{\"a\":\"\u{1F}\"}",
        "{\"a\":01}", "{\"a\":00}", "{\"a\":-01}", "{\"a\":+1}", "{\"a\":.5}", "{\"a\":1.}", "{\"a\":1.e5}",
        "{\"a\":1e}", "{\"a\":1e+}", "{\"a\":-}", "{\"a\":--1}", "{\"a\":1.2.3}", "{\"a\":0x10}", "{\"a\":1_000}",
        "{\"a\":NaN}", "{\"a\":nan}", "{\"a\":Infinity}", "{\"a\":-Infinity}", "{\"a\":undefined}",
        "{\"a\":[1,]}", "{\"a\":[,1]}", "{\"a\":[1 2]}", "{\"a\":[1}", "{\"a\":{\"b\"}}", "{\"a\":{\"b\":}}",
        "{\"a\":{1:2}}", "{\"a\":{\"b\":1,}}", "\u{FEFF}{\"occupied\":true}", "{/*c*/\"occupied\":true}",
        "{\"occupied\":true}//", "{\"occupied\":true}\u{0}", "{\u{A0}\"occupied\":true}", "{\"occupied\":true\u{0B}}",
    ]

    @Test(arguments: malformed)
    func rejectedAsMalformedJSON(json: String) {
        #expect(parkingRejection(json)?.reason == .malformedJSON)
        #expect(lightingRejection(json)?.reason == .malformedJSON)
    }

    @Test func detailsNameTheProblemAndOffset() {
        #expect(parkingRejection("") == Rejection(.malformedJSON, "empty input at byte 0"))
        #expect(parkingRejection("[]") == Rejection(.malformedJSON, "top-level value is not an object at byte 0"))
        #expect(
            parkingRejection(#"{"occupied":true}garbage"#)
                == Rejection(.malformedJSON, "unexpected data after the top-level value at byte 17")
        )
        #expect(parkingRejection(#"{"a":"abc"#) == Rejection(.malformedJSON, "unterminated string at byte 5"))
        #expect(parkingRejection(#"{"a":01}"#) == Rejection(.malformedJSON, "invalid number: leading zero at byte 6"))
    }

    @Test func malformedJSONWinsOverSchemaErrors() {
        // The wrong `occupied` comes first, but the payload is not JSON at all.
        #expect(parkingRejection(#"{"occupied":"no","x":01}"#)?.reason == .malformedJSON)
    }

    static let invalidUTF8: [[UInt8]] = [
        [0xFF], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82],
        [0xF5, 0x80, 0x80, 0x80],
        [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF], [0x80], [0xE2, 0x28, 0xA1],
    ]

    @Test(arguments: invalidUTF8)
    func invalidUTF8InStringsIsMalformed(sequence: [UInt8]) throws {
        let payload = Array(#"{"occupied":true,"name":""#.utf8) + sequence + Array(#""}"#.utf8)
        #expect(throws: Rejection.self) { try NativePayloadDecoder.decodeParking(payload) }
        do {
            _ = try NativePayloadDecoder.decodeParking(payload)
        } catch {
            #expect(error.reason == .malformedJSON)
            #expect(error.detail.hasPrefix("invalid UTF-8"))
        }
    }

    @Test func validMultiByteUTF8IsAccepted() throws {
        let json = "{\"name\":\"Straße Ω ﷽ 😀 \u{10FFFF}\",\"occupied\":true,\"ack\":\"ü\"}"
        #expect(try parking(json).occupied)
        #expect(try lighting(#"{"level":1,"ack":"Straße 😀"}"#).ack == "Straße 😀")
    }

    @Test func nestingUpToTheLimitIsAccepted() throws {
        // The top-level object is level 1, so 31 nested arrays reach the limit of 32.
        let depth = 31
        let json =
            #"{"occupied":true,"deep":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            + "}"
        #expect(try parking(json).occupied)
    }

    @Test(arguments: [32, 33, 10_000])
    func deeperNestingIsRejected(depth: Int) {
        let arrays =
            #"{"occupied":true,"deep":"# + String(repeating: "[", count: depth)
            + String(repeating: "]", count: depth) + "}"
        #expect(parkingRejection(arrays)?.detail.hasPrefix("nesting deeper than 32 levels") == true)
        let objects =
            #"{"occupied":true,"deep":"# + String(repeating: #"{"a":"#, count: depth) + "1"
            + String(repeating: "}", count: depth) + "}"
        #expect(parkingRejection(objects)?.reason == .malformedJSON)
    }
}

/// A small deterministic generator, so a failing random case fails the same way every run.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
