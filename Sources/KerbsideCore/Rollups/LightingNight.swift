import Foundation

/// A lighting night: local noon to the next local noon (TALQ's day offset of 12 h), so one evening and the morning
/// after fall in the same figure; a DST night lasts 23 h or 25 h.
public struct LightingNight: Sendable, Equatable {
    /// The local date of the evening.
    public var evening: LocalDay
    public var start: Date
    public var end: Date

    /// The nights that overlap `from..<to`, oldest first.
    ///
    /// - Parameters:
    ///   - from: the first instant wanted.
    ///   - to: the instant after the last one wanted.
    ///   - timeZone: the site's zone.
    /// - Returns: the nights, oldest first.
    public static func nights(from: Date, to: Date, timeZone: TimeZone) -> [LightingNight] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        // The night holding `from` began at the noon at or before it.
        guard var dayStart = calendar.dateInterval(of: .day, for: from.addingTimeInterval(-12 * 3600))?.start
        else { return [] }
        var result: [LightingNight] = []
        while let noon = calendar.date(bySettingHour: 12, minute: 0, second: 0, of: dayStart),
            noon < to,
            let nextDay = calendar.date(byAdding: .day, value: 1, to: dayStart),
            let nextNoon = calendar.date(bySettingHour: 12, minute: 0, second: 0, of: nextDay)
        {
            if nextNoon > from {
                let parts = calendar.dateComponents([.year, .month, .day], from: dayStart)
                result.append(
                    LightingNight(
                        evening: LocalDay(year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0),
                        start: noon,
                        end: nextNoon
                    )
                )
            }
            dayStart = nextDay
        }
        return result
    }
}
