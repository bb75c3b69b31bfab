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
        let clock = LocalClock(timeZone: timeZone)
        func noon(_ day: LocalDay) -> Date { clock.instant(on: day, minuteOfDay: 12 * 60) }
        var evening = clock.day(of: from)
        // Before noon, `from` belongs to the night that began the day before.
        if from < noon(evening) { evening = evening.adding(days: -1) }
        var result: [LightingNight] = []
        while noon(evening) < to {
            result.append(LightingNight(evening: evening, start: noon(evening), end: noon(evening.adding(days: 1))))
            evening = evening.adding(days: 1)
        }
        return result
    }
}
