import Foundation
import KerbsideCore
import Testing

private func parsed(_ text: String) -> Date? {
    try? RFC3339.parse(text)
}

private func parseError(_ text: String) -> String? {
    do {
        _ = try RFC3339.parse(text)
        return nil
    } catch {
        return error.message
    }
}

@Suite("RFC 3339 parsing")
struct RFC3339ParsingTests {
    @Test(arguments: [
        ("2026-11-21T18:04:05Z", 1_795_284_245),
        ("2026-11-21t18:04:05z", 1_795_284_245),
        ("2026-11-21T19:04:05+01:00", 1_795_284_245),
        ("2026-11-21T13:34:05-04:30", 1_795_284_245),
        ("2026-11-21T18:04:05-00:00", 1_795_284_245),
        ("2026-11-21T18:04:05+00:00", 1_795_284_245),
        // Offsets that move the instant across midnight, month and year ends.
        ("2026-11-22T01:04:05+07:00", 1_795_284_245),
        ("2026-11-21T23:30:00-01:00", 1_795_307_400),
        ("2027-01-01T00:30:00+01:00", 1_798_759_800),
        ("2026-11-21T00:00:00+23:59", 1_795_132_860),
        ("2024-02-29T12:00:00Z", 1_709_208_000),
        ("2000-02-29T00:00:00Z", 951_782_400),
        ("1970-01-01T00:00:00Z", 0),
        ("1969-12-31T23:59:59Z", -1),
        ("1900-03-01T00:00:00Z", -2_203_891_200),
        ("0000-01-01T00:00:00Z", -62_167_219_200),
        ("9999-12-31T23:59:59Z", 253_402_300_799),
    ])
    func wholeSeconds(text: String, seconds: Int) {
        #expect(parsed(text) == Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    @Test(arguments: [
        ("2026-11-21T18:04:05.1Z", 1_795_284_245.1),
        ("2026-11-21T18:04:05.000Z", 1_795_284_245),
        ("2026-11-21T18:04:05.123Z", 1_795_284_245.123),
        ("2026-11-21T19:04:05.123+01:00", 1_795_284_245.123),
        ("2026-11-21T18:04:05.123456Z", 1_795_284_245.123456),
        ("1969-12-31T23:59:59.5Z", -0.5),
    ])
    func fractionsUpToMicrosecondsAreExact(text: String, seconds: Double) {
        #expect(parsed(text) == Date(timeIntervalSince1970: seconds))
    }

    @Test(arguments: [
        ("2026-11-21T18:04:05.123456789Z", 1_795_284_245.123456789),
        ("2026-11-21T18:04:05.1234567891234567Z", 1_795_284_245.123456789),
        ("2026-11-21T18:04:05.999999999999Z", 1_795_284_245.999999999),
    ])
    func longerFractionsAreKeptToNanoseconds(text: String, seconds: Double) throws {
        let date = try #require(parsed(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 1e-6)
    }

    @Test func leapSecondIsClampedIntoItsMinute() {
        let last = Date(timeIntervalSince1970: 1_483_228_799.999)
        #expect(parsed("2016-12-31T23:59:60Z") == last)
        #expect(parsed("2016-12-31T23:59:60.5Z") == last)
        #expect(parsed("2017-01-01T00:59:60+01:00") == last)
    }

    @Test(arguments: [
        ("2026-02-29T00:00:00Z", "day 29 out of range 1...28 for month 2 of 2026"),
        ("2026-02-30T00:00:00Z", "day 30 out of range 1...28 for month 2 of 2026"),
        ("1900-02-29T00:00:00Z", "day 29 out of range 1...28 for month 2 of 1900"),
        ("2026-04-31T00:00:00Z", "day 31 out of range 1...30 for month 4 of 2026"),
        ("2026-01-00T00:00:00Z", "day 0 out of range 1...31 for month 1 of 2026"),
        ("2026-13-01T00:00:00Z", "month 13 out of range 1...12"),
        ("2026-00-10T00:00:00Z", "month 0 out of range 1...12"),
        ("2026-11-21T24:00:00Z", "hour 24 out of range 0...23"),
        ("2026-11-21T23:60:00Z", "minute 60 out of range 0...59"),
        ("2026-11-21T23:59:61Z", "second 61 out of range 0...60"),
        ("2026-11-21T18:04:05+24:00", "offset hour 24 out of range 0...23"),
        ("2026-11-21T18:04:05+01:60", "offset minute 60 out of range 0...59"),
        ("2026-11-21T18:04:05", "missing time zone offset ('Z' or ±HH:MM)"),
        ("2026-11-21T18:04:05.Z", "expected digits after '.' at byte 20"),
        ("2026-11-21T18:04:05+0100", "expected ':' at byte 22"),
        ("2026-11-21T18:04:05+01", "expected ':' at byte 22"),
        ("2026-11-21T18:04:05UTC", "expected 'Z' or a ±HH:MM offset at byte 19"),
        ("2026-11-21 18:04:05Z", "expected 'T' at byte 10"),
        ("2026-11-21", "expected 'T' at byte 10"),
        ("2026-1-21T18:04:05Z", "expected 2 digits for the month at byte 5"),
        ("26-11-21T18:04:05Z", "expected 4 digits for the year at byte 0"),
        ("2026/11/21T18:04:05Z", "expected '-' at byte 4"),
        ("2026-11-21T18:04:05Zjunk", "unexpected characters after the offset"),
        ("2026-11-21T18:04:05Z ", "unexpected characters after the offset"),
        (" 2026-11-21T18:04:05Z", "expected 4 digits for the year at byte 0"),
        ("", "expected 4 digits for the year at byte 0"),
        ("+2026-11-21T18:04:05Z", "expected 4 digits for the year at byte 0"),
    ])
    func invalidTimestampsNameTheProblem(text: String, message: String) {
        #expect(parseError(text) == message)
    }

    @Test func byteAndStringEntryPointsAgree() throws {
        let text = "2026-11-21T19:04:05.123+01:00"
        let fromBytes = try Array(text.utf8).withUnsafeBytes { try RFC3339.parse(utf8: $0) }
        #expect(fromBytes == parsed(text))
    }

    @Test func agreesWithFoundationOnRandomInstants() throws {
        var generator = SplitMix64(seed: 3339)
        for _ in 0..<2_000 {
            // 1900 through 2400: covers century rules, the epoch and dates before it.
            let seconds = Int(generator.next() % 15_778_800_000) - 2_208_988_800
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            let text = date.formatted(.iso8601)
            #expect(parsed(text) == date, "\(text)")
            #expect(RFC3339.format(date) == text)
        }
    }
}

@Suite("RFC 3339 formatting")
struct RFC3339FormattingTests {
    @Test(arguments: [
        (1_795_284_245.0, 0, "2026-11-21T18:04:05Z"),
        (1_795_284_245.123, 3, "2026-11-21T18:04:05.123Z"),
        (1_795_284_245.123, 1, "2026-11-21T18:04:05.1Z"),
        (1_795_284_245.0, 6, "2026-11-21T18:04:05.000000Z"),
        (1_795_284_245.9996, 3, "2026-11-21T18:04:06.000Z"),
        (1_795_284_245.4, 0, "2026-11-21T18:04:05Z"),
        (1_795_284_245.6, 0, "2026-11-21T18:04:06Z"),
        (1_798_761_599.9999, 3, "2027-01-01T00:00:00.000Z"),
        (0, 0, "1970-01-01T00:00:00Z"),
        (-1, 0, "1969-12-31T23:59:59Z"),
        (-0.5, 1, "1969-12-31T23:59:59.5Z"),
        (-0.001, 3, "1969-12-31T23:59:59.999Z"),
        (1_709_208_000, 0, "2024-02-29T12:00:00Z"),
        (951_782_400, 0, "2000-02-29T00:00:00Z"),
        (-62_167_219_200, 0, "0000-01-01T00:00:00Z"),
        (253_402_300_799, 0, "9999-12-31T23:59:59Z"),
    ])
    func formatsUTC(seconds: Double, digits: Int, expected: String) {
        #expect(RFC3339.format(Date(timeIntervalSince1970: seconds), fractionalDigits: digits) == expected)
    }

    @Test func outOfRangeDatesAreClamped() {
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1e13)) == "9999-12-31T23:59:59Z")
        #expect(
            RFC3339.format(Date(timeIntervalSince1970: 253_402_300_799.9999), fractionalDigits: 2)
                == "9999-12-31T23:59:59.99Z"
        )
        #expect(RFC3339.format(Date(timeIntervalSince1970: -1e12)) == "0000-01-01T00:00:00Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: .infinity)) == "9999-12-31T23:59:59Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: -.infinity)) == "0000-01-01T00:00:00Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: .nan)) == "0000-01-01T00:00:00Z")
    }

    @Test func fractionalDigitsAreClampedToNanoseconds() {
        let date = Date(timeIntervalSince1970: 1.5)
        #expect(RFC3339.format(date, fractionalDigits: 20) == "1970-01-01T00:00:01.500000000Z")
        #expect(RFC3339.format(date, fractionalDigits: -3) == "1970-01-01T00:00:02Z")
    }

    @Test(arguments: [0, 3, 6])
    func roundTripsThroughParse(digits: Int) throws {
        var generator = SplitMix64(seed: UInt64(digits) + 1)
        var unit = 1
        for _ in 0..<digits { unit *= 10 }
        for _ in 0..<5_000 {
            // Instants with `digits` decimals between 1900 and 2200: a `Date` (a Double of seconds) stops resolving
            // microseconds around 2242, so later instants cannot round-trip at 6 digits whatever the code does.
            let ticks = Int64(generator.next() % (9_467_280_000 * UInt64(unit))) - 2_208_988_800 * Int64(unit)
            let date = Date(timeIntervalSince1970: Double(ticks) / Double(unit))
            let text = RFC3339.format(date, fractionalDigits: digits)
            #expect(try RFC3339.parse(text) == date, "\(text)")
            #expect(RFC3339.format(try RFC3339.parse(text), fractionalDigits: digits) == text)
        }
    }

    @Test func everyDayOfFourCenturiesRoundTrips() throws {
        // One full 400-year Gregorian cycle plus the epoch neighbourhood, day by day.
        for day in -146_097...146_097 {
            let date = Date(timeIntervalSince1970: TimeInterval(day) * 86_400)
            let text = RFC3339.format(date)
            #expect(try RFC3339.parse(text) == date)
        }
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
