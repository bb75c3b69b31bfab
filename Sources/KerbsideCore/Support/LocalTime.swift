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
    /// Days since 1970-01-01 in the proleptic Gregorian calendar.
    public var daysSinceEpoch: Int { RFC3339.daysFromCivil(year: year, month: month, day: day) }

    /// The day `daysSinceEpoch` days after 1970-01-01.
    ///
    /// - Parameter daysSinceEpoch: days after 1970-01-01, negative before.
    public init(daysSinceEpoch: Int) {
        let civil = RFC3339.civilFromDays(daysSinceEpoch)
        self.init(year: civil.year, month: civil.month, day: civil.day)
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
