import Foundation

/// Days of the week, ISO order, with the three-letter names schedules use.
public enum Weekday: String, Sendable, Codable, CaseIterable, Comparable {
    case monday = "mon"
    case tuesday = "tue"
    case wednesday = "wed"
    case thursday = "thu"
    case friday = "fri"
    case saturday = "sat"
    case sunday = "sun"

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

extension LocalDay {
    /// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's `days_from_civil`).
    public var daysSinceEpoch: Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The day `daysSinceEpoch` days after 1970-01-01.
    ///
    /// - Parameter daysSinceEpoch: days after 1970-01-01, negative before.
    public init(daysSinceEpoch: Int) {
        let shifted = daysSinceEpoch + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        self.init(year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }

    public func adding(days: Int) -> LocalDay { LocalDay(daysSinceEpoch: daysSinceEpoch + days) }

    public var weekday: Weekday {
        // 1970-01-01 was a Thursday.
        let index = ((daysSinceEpoch + 3) % 7 + 7) % 7
        return Weekday.allCases[index]
    }

    /// Parses `YYYY-MM-DD`, checking that the day exists.
    ///
    /// - Parameter text: the date.
    /// - Returns: the day, or `nil` for anything else.
    public static func parse(_ text: Substring) -> LocalDay? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        let candidate = LocalDay(year: year, month: month, day: day)
        return LocalDay(daysSinceEpoch: candidate.daysSinceEpoch) == candidate ? candidate : nil
    }
}

/// Turns local wall-clock times into instants with the DST rules of DESIGN.md: a time skipped by a spring-forward
/// gap happens at the first instant after the gap; a time that occurs twice happens at its first occurrence.
public struct LocalClock: Sendable {
    public let timeZone: TimeZone

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    /// The instant of a local time.
    ///
    /// - Parameters:
    ///   - day: the local date.
    ///   - minuteOfDay: minutes after local midnight, 0..<1440.
    /// - Returns: the instant.
    public func instant(on day: LocalDay, minuteOfDay: Int) -> Date {
        let naive = Date(timeIntervalSince1970: TimeInterval(day.daysSinceEpoch * 86_400 + minuteOfDay * 60))
        // At most one offset change lies within a day of any local time.
        let before = timeZone.secondsFromGMT(for: naive.addingTimeInterval(-86_400))
        let after = timeZone.secondsFromGMT(for: naive.addingTimeInterval(86_400))
        let candidates = Set([before, after]).map { naive.addingTimeInterval(-TimeInterval($0)) }
            .filter { candidate in
                candidate.addingTimeInterval(TimeInterval(timeZone.secondsFromGMT(for: candidate))) == naive
            }
        if let first = candidates.min() { return first }
        // Skipped: the gap starts where the offset changes.
        let gapSearch = naive.addingTimeInterval(-TimeInterval(max(before, after)) - 1)
        return timeZone.nextDaylightSavingTimeTransition(after: gapSearch)
            ?? naive.addingTimeInterval(-TimeInterval(before))
    }

    /// The start of a local day: its first instant.
    ///
    /// - Parameter day: the local date.
    /// - Returns: the instant of its local midnight (or the first instant after, if midnight was skipped).
    public func startOfDay(_ day: LocalDay) -> Date {
        instant(on: day, minuteOfDay: 0)
    }

    /// The local date of an instant.
    ///
    /// - Parameter instant: any instant.
    /// - Returns: the local calendar day it falls in.
    public func day(of instant: Date) -> LocalDay {
        let local = instant.timeIntervalSince1970 + TimeInterval(timeZone.secondsFromGMT(for: instant))
        return LocalDay(daysSinceEpoch: Int((local / 86_400).rounded(.down)))
    }
}
