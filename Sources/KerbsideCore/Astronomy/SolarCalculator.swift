import Foundation

/// Sunrise, sunset and civil twilight for one site, from the NOAA Solar Calculator's equations.
///
/// Pure: every answer depends only on the site and the day asked about, so the dimming loop can ask for any day
/// without reading a clock. The spreadsheet evaluates the sun's position once, at local noon; at high latitudes the
/// declination moves enough between noon and the event to put that a minute or more off, and on the days the
/// midnight sun starts or ends it can miss a crossing altogether. This type evaluates the equations at the event's
/// own instant instead, solving for the moment the modelled sun crosses the event's zenith.
///
/// When the sun never crosses an event's zenith on a day, the event still gets an instant so that schedules need no
/// special case:
/// - it stays above (``SolarEventKind/polarDay``): dawn and sunrise sit at the solar midnight before solar noon
///   (noon − 12 h), dusk and sunset at the one after (noon + 12 h), so the dark period shrinks to nothing;
/// - it stays below (``SolarEventKind/polarNight``): all four sit at solar noon, so the light period shrinks to
///   nothing.
///
/// Each threshold is judged on its own: a polar-night day for sunrise can still have a computed civil dawn.
public struct SolarCalculator: Sendable {
    /// The site's latitude in degrees, north-positive.
    public let latitude: Double
    /// The site's longitude in degrees, east-positive.
    public let longitude: Double
    /// The zone whose calendar days the calculator answers for.
    public let timeZone: TimeZone

    /// The width, in seconds, to which a crossing is bracketed; far below the equations' own accuracy.
    private static let toleranceSeconds = 0.1
    private static let secondsPerDay = 86_400.0
    /// The sun's hour angle grows by one degree every four minutes.
    private static let secondsPerDegree = 240.0

    /// Creates a calculator for a site.
    ///
    /// - Parameters:
    ///   - latitude: Degrees, north-positive.
    ///   - longitude: Degrees, east-positive (Niort is −0.46, Roubaix 3.18).
    ///   - timeZone: The zone whose calendar days ``time(of:on:)`` and ``solarNoon(on:)`` take.
    public init(latitude: Double, longitude: Double, timeZone: TimeZone) {
        self.latitude = latitude
        self.longitude = longitude
        self.timeZone = timeZone
    }

    /// The solar noon of a local calendar day: the instant the sun crosses the site's meridian.
    ///
    /// It is the crossing nearest 12:00 on the day's clock, which lies inside that day for any zone whose offset
    /// is within a few hours of the site's longitude.
    ///
    /// - Parameter day: A calendar day in the site's time zone.
    /// - Returns: The meridian crossing of that day.
    public func solarNoon(on day: LocalDay) -> Date {
        let clockNoon = clockNoon(of: day).timeIntervalSince1970
        var noon = clockNoon
        // The equation of time drifts by at most ~30 s a day, so a first guess hours off lands within seconds of
        // the meridian crossing, and a second pass evaluated there is exact to well under a second.
        for _ in 0..<2 {
            let position = SolarPosition(at: Date(timeIntervalSince1970: noon))
            let solarMinusUTC = (4 * longitude + position.equationOfTime) * 60
            let meridianSecondOfDay = Self.secondsPerDay / 2 - solarMinusUTC
            let days = ((clockNoon - meridianSecondOfDay) / Self.secondsPerDay).rounded()
            noon = meridianSecondOfDay + days * Self.secondsPerDay
        }
        return Date(timeIntervalSince1970: noon)
    }

    /// The instant of a solar event on a local calendar day.
    ///
    /// Dawn and sunrise are the crossings in the half day before that day's solar noon, dusk and sunset the ones in
    /// the half day after it, so a far-north dawn may fall on the previous calendar day. Polar days and nights get
    /// the stand-ins described on ``SolarCalculator``, judged where they are placed: polar day if the sun is still
    /// above the event's zenith at that solar midnight, polar night if it is already below it at solar noon.
    ///
    /// - Parameters:
    ///   - event: Which crossing to find.
    ///   - day: A calendar day in the site's time zone.
    /// - Returns: The crossing, or its polar stand-in with the matching ``SolarEventKind``.
    public func time(of event: SolarEvent, on day: LocalDay) -> SolarEventTime {
        let noon = solarNoon(on: day)
        let noonEquationOfTime = SolarPosition(at: noon).equationOfTime
        let threshold = cos(event.zenith * .pi / 180)
        // Positive while the sun is above the event's zenith. The hour angle counts from the meridian crossing at
        // `noon`, corrected by how far the equation of time has drifted since.
        func height(at instant: Date) -> Double {
            let position = SolarPosition(at: instant)
            let seconds = instant.timeIntervalSince(noon) + (position.equationOfTime - noonEquationOfTime) * 60
            return position.cosineOfZenith(hourAngle: seconds / Self.secondsPerDegree, latitude: latitude) - threshold
        }

        let direction = event.isMorning ? -1.0 : 1.0
        let midnight = noon.addingTimeInterval(direction * Self.secondsPerDay / 2)
        if height(at: noon) < 0 {
            return SolarEventTime(event: event, at: noon, kind: .polarNight)
        }
        if height(at: midnight) > 0 {
            return SolarEventTime(event: event, at: midnight, kind: .polarDay)
        }
        // Bisection rather than the spreadsheet's closed-form hour angle: the declination is then the one at the
        // crossing itself, and it cannot fail to settle near a polar threshold, where the crossing is most
        // sensitive to it.
        var light = noon
        var dark = midnight
        while abs(light.timeIntervalSince(dark)) > Self.toleranceSeconds {
            let middle = light.addingTimeInterval(dark.timeIntervalSince(light) / 2)
            if height(at: middle) > 0 {
                light = middle
            } else {
                dark = middle
            }
        }
        let crossing = light.addingTimeInterval(dark.timeIntervalSince(light) / 2)
        return SolarEventTime(event: event, at: crossing, kind: .computed)
    }

    /// 12:00 on the day's clock in the site's zone.
    ///
    /// Plain arithmetic instead of `Calendar`, which answers with an optional. The offset is read at 12:00 UTC
    /// rather than at the local noon it is looking for; if a DST switch falls in between, the result is an hour
    /// off, which still picks the same nearest solar noon.
    ///
    /// - Parameter day: A calendar day in the site's time zone.
    /// - Returns: The instant the site's clocks read 12:00 that day.
    private func clockNoon(of day: LocalDay) -> Date {
        let utcNoon = Double(daysSinceEpoch(day)) * Self.secondsPerDay + Self.secondsPerDay / 2
        let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: utcNoon))
        return Date(timeIntervalSince1970: utcNoon - Double(offset))
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
///
/// - Parameter day: The calendar date.
/// - Returns: The day number, negative before 1970.
private func daysSinceEpoch(_ day: LocalDay) -> Int {
    let year = day.month <= 2 ? day.year - 1 : day.year
    let era = (year >= 0 ? year : year - 399) / 400
    let yearOfEra = year - era * 400
    let shiftedMonth = day.month > 2 ? day.month - 3 : day.month + 9
    let dayOfYear = (153 * shiftedMonth + 2) / 5 + day.day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}
