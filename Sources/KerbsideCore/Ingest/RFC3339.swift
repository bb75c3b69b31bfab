import Foundation

/// RFC 3339 timestamps (`2026-11-21T18:04:05Z`, `2026-11-21T19:04:05.123+01:00`) read and written with plain
/// integer arithmetic.
///
/// Foundation's date formatters are slow, locale-aware and not thread-safe to share; every inbound reading may carry a
/// timestamp, so this parses bytes directly and converts the civil date with Howard Hinnant's days-from-civil
/// algorithm. Accepted: `T`/`t` between date and time, `Z`/`z` or a `±HH:MM` offset (`-00:00` as UTC), a fraction of
/// any length (digits beyond nanoseconds are ignored), years 0000–9999. A leap second (`:60`) is accepted and clamped
/// to `:59.999` of the same minute, because `Date` has no leap seconds and the reading belongs to that minute.
public enum RFC3339 {
    /// Why a timestamp was not accepted, in words fit for a rejection detail.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// What was wrong, e.g. `day 30 out of range 1...28 for month 2 of 2026`.
        public let message: String

        /// The message itself, so the error interpolates cleanly into rejection details.
        public var description: String { message }
    }

    /// Seconds from the epoch to 0000-01-01T00:00:00Z, the earliest instant this type reads or writes.
    static let earliestSeconds = -62_167_219_200
    /// Seconds from the epoch to 9999-12-31T23:59:59Z, the last whole second this type reads or writes.
    static let latestSeconds = 253_402_300_799

    // MARK: - Parsing

    /// Parses a timestamp.
    /// - Throws: `RFC3339.ParseError` naming the first problem (layout, a field out of range, trailing text).
    public static func parse(_ text: String) throws(ParseError) -> Date {
        var text = text
        return try text.withUTF8 { utf8 in
            Result { () throws(ParseError) in try parse(utf8: UnsafeRawBufferPointer(utf8)) }
        }.get()
    }

    /// Parses a timestamp from its UTF-8 bytes, without allocating.
    /// - Throws: `RFC3339.ParseError` naming the first problem (layout, a field out of range, trailing text).
    public static func parse(utf8 bytes: UnsafeRawBufferPointer) throws(ParseError) -> Date {
        var reader = DigitReader(bytes: bytes)
        let year = try reader.number(digits: 4, field: "year")
        try reader.expect("-")
        let month = try reader.number(digits: 2, field: "month")
        try reader.expect("-")
        let day = try reader.number(digits: 2, field: "day")
        try reader.expect("T", orLowercase: true)
        let hour = try reader.number(digits: 2, field: "hour")
        try reader.expect(":")
        let minute = try reader.number(digits: 2, field: "minute")
        try reader.expect(":")
        var second = try reader.number(digits: 2, field: "second")
        var nanoseconds = try reader.fraction()
        let offsetSeconds = try reader.offset()
        guard reader.isAtEnd else { throw ParseError(message: "unexpected characters after the offset") }

        guard (1...12).contains(month) else { throw ParseError(message: "month \(month) out of range 1...12") }
        let monthLength = daysInMonth(year: year, month: month)
        guard (1...monthLength).contains(day) else {
            throw ParseError(message: "day \(day) out of range 1...\(monthLength) for month \(month) of \(year)")
        }
        guard hour <= 23 else { throw ParseError(message: "hour \(hour) out of range 0...23") }
        guard minute <= 59 else { throw ParseError(message: "minute \(minute) out of range 0...59") }
        guard second <= 60 else { throw ParseError(message: "second \(second) out of range 0...60") }
        if second == 60 {
            second = 59
            nanoseconds = 999_000_000
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: timeInterval(seconds: seconds, nanoseconds: nanoseconds))
    }

    /// Combines whole seconds and nanoseconds so that whole milliseconds give the very `Double` that
    /// `Double(epochMilliseconds) / 1000` gives: the two wire forms of one instant must compare equal.
    static func timeInterval(seconds: Int, nanoseconds: Int) -> TimeInterval {
        if nanoseconds == 0 { return Double(seconds) }
        if nanoseconds % 1_000_000 == 0 { return Double(seconds * 1_000 + nanoseconds / 1_000_000) / 1e3 }
        if nanoseconds % 1_000 == 0 { return Double(seconds * 1_000_000 + nanoseconds / 1_000) / 1e6 }
        return Double(seconds) + Double(nanoseconds) / 1e9
    }

    // MARK: - Formatting

    /// Formats `date` in UTC as `YYYY-MM-DDTHH:MM:SS[.fff…]Z`.
    ///
    /// The instant is rounded to the nearest unit of the last digit, so a `Date` read from a timestamp with that many
    /// digits formats back to the same text despite binary floating point (for microseconds that holds until about
    /// 2242, where a `Date`'s Double stops resolving them). Dates outside years 0000–9999 (and NaN) are clamped to
    /// that range rather than producing text no parser accepts.
    /// - Parameters:
    ///   - date: the instant to write.
    ///   - fractionalDigits: digits after the decimal point, clamped to 0...9; 0 writes no fraction.
    /// - Returns: ASCII text such as `2026-11-21T18:04:05.123Z`.
    public static func format(_ date: Date, fractionalDigits: Int = 0) -> String {
        let digits = min(max(fractionalDigits, 0), 9)
        var scale = 1
        for _ in 0..<digits { scale *= 10 }
        let interval = date.timeIntervalSince1970
        var seconds: Int
        var units: Int
        if !(interval >= Double(earliestSeconds)) {
            (seconds, units) = (earliestSeconds, 0)
        } else if interval >= Double(latestSeconds + 1) {
            (seconds, units) = (latestSeconds, scale - 1)
        } else {
            let whole = interval.rounded(.down)
            seconds = Int(whole)
            // `interval - whole` is exact for |interval| ≥ 1 (Sterbenz) and off by under 1e-16 otherwise.
            units = Int(((interval - whole) * Double(scale)).rounded())
            if units >= scale {
                seconds += 1
                units -= scale
            }
            if seconds > latestSeconds { (seconds, units) = (latestSeconds, scale - 1) }
        }
        return render(seconds: seconds, units: units, digits: digits)
    }

    private static func render(seconds: Int, units: Int, digits: Int) -> String {
        let days = seconds.floorDivided(by: 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilFromDays(days)
        let length = 20 + (digits > 0 ? digits + 1 : 0)
        return String(unsafeUninitializedCapacity: length) { buffer in
            var position = 0
            func put(_ value: Int, width: Int) {
                var remaining = value
                for index in stride(from: position + width - 1, through: position, by: -1) {
                    buffer[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
                    remaining /= 10
                }
                position += width
            }
            func put(_ character: Unicode.Scalar) {
                buffer[position] = UInt8(ascii: character)
                position += 1
            }
            put(year, width: 4)
            put("-")
            put(month, width: 2)
            put("-")
            put(day, width: 2)
            put("T")
            put(secondOfDay / 3_600, width: 2)
            put(":")
            put(secondOfDay / 60 % 60, width: 2)
            put(":")
            put(secondOfDay % 60, width: 2)
            if digits > 0 {
                put(".")
                put(units, width: digits)
            }
            put("Z")
            return position
        }
    }

    // MARK: - Civil calendar

    static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant, "chrono-Compatible Low-Level Date Algorithms").
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date `days` after 1970-01-01; the inverse of `daysFromCivil`.
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Int {
    /// Division rounding toward negative infinity, so instants before the epoch land on the right day.
    fileprivate func floorDivided(by divisor: Int) -> Int {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

/// A cursor over a timestamp's bytes that reads fixed-width digit groups and separators.
private struct DigitReader {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    var isAtEnd: Bool { position == bytes.count }

    mutating func number(digits: Int, field: String) throws(RFC3339.ParseError) -> Int {
        let start = position
        var value = 0
        for _ in 0..<digits {
            guard position < bytes.count, bytes[position] &- UInt8(ascii: "0") < 10 else {
                throw RFC3339.ParseError(message: "expected \(digits) digits for the \(field) at byte \(start)")
            }
            value = value * 10 + Int(bytes[position] &- UInt8(ascii: "0"))
            position += 1
        }
        return value
    }

    mutating func expect(_ separator: Unicode.Scalar, orLowercase: Bool = false) throws(RFC3339.ParseError) {
        let expected = UInt8(ascii: separator)
        guard position < bytes.count,
            bytes[position] == expected || (orLowercase && bytes[position] == expected | 0x20)
        else { throw RFC3339.ParseError(message: "expected '\(separator)' at byte \(position)") }
        position += 1
    }

    /// Reads an optional `.digits` fraction as nanoseconds; digits past the ninth are checked but ignored.
    mutating func fraction() throws(RFC3339.ParseError) -> Int {
        guard position < bytes.count, bytes[position] == UInt8(ascii: ".") else { return 0 }
        position += 1
        var nanoseconds = 0
        var count = 0
        while position < bytes.count, bytes[position] &- UInt8(ascii: "0") < 10 {
            if count < 9 { nanoseconds = nanoseconds * 10 + Int(bytes[position] &- UInt8(ascii: "0")) }
            count += 1
            position += 1
        }
        guard count > 0 else { throw RFC3339.ParseError(message: "expected digits after '.' at byte \(position)") }
        for _ in count..<max(count, 9) { nanoseconds *= 10 }
        return nanoseconds
    }

    /// Reads `Z`, `z` or `±HH:MM` and returns the offset east of UTC in seconds.
    mutating func offset() throws(RFC3339.ParseError) -> Int {
        guard position < bytes.count else {
            throw RFC3339.ParseError(message: "missing time zone offset ('Z' or ±HH:MM)")
        }
        let sign: Int
        switch bytes[position] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            position += 1
            return 0
        case UInt8(ascii: "+"): sign = 1
        case UInt8(ascii: "-"): sign = -1
        default: throw RFC3339.ParseError(message: "expected 'Z' or a ±HH:MM offset at byte \(position)")
        }
        position += 1
        let hours = try number(digits: 2, field: "offset hour")
        try expect(":")
        let minutes = try number(digits: 2, field: "offset minute")
        guard hours <= 23 else { throw RFC3339.ParseError(message: "offset hour \(hours) out of range 0...23") }
        guard minutes <= 59 else { throw RFC3339.ParseError(message: "offset minute \(minutes) out of range 0...59") }
        return sign * (hours * 3_600 + minutes * 60)
    }
}
