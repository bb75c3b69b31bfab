import Foundation

/// A calendar day in the site's time zone; a 23 h or 25 h DST day is one day.
public struct LocalDay: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    public static func < (lhs: LocalDay, rhs: LocalDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}

/// Finds the local day of an instant, remembering the current day's bounds so the hot path rarely asks Calendar.
public struct LocalDayFinder: Sendable {
    private let calendar: Calendar
    private var cached: (day: LocalDay, start: Date, end: Date)?

    public init(timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    public mutating func day(of instant: Date) -> LocalDay {
        if let cached, instant >= cached.start, instant < cached.end { return cached.day }
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        let day = LocalDay(year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0)
        if let interval = calendar.dateInterval(of: .day, for: instant) {
            cached = (day, interval.start, interval.end)
        }
        return day
    }
}
