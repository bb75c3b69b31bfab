import Foundation
import Testing

@testable import KerbsideCore

// Where the reference values come from (none of them from this code):
// - Events: astral 3.2 (PyPI `astral`, an implementation of the NOAA Solar Calculator equations that refines once at
//   the event's time), `astral.sun.time_of_transit(Observer(lat, lon, 0.0), date, zenith, direction,
//   with_refraction=False)` with zenith 90.833° for sunrise/sunset and 96° for civil twilight, rounded to the second.
// - Solar noon: the NOAA web calculator's `calcSolNoon` procedure (equation of time at an approximate noon, then at
//   that noon) on astral's `eq_of_time`.
// - The grazing Tromsø sunrise: bisection on astral's NOAA `zenith(with_refraction=False)` between solar midnight
//   and solar noon, because `time_of_transit` does not converge that close to the midnight sun.
// - Declination and equation of time: astral's `sun_declination` and `eq_of_time` at the same instants.
// Every event was also checked against PyEphem 4.2 (VSOP87, apparent centre at the same altitude, no refraction
// model): within 6 s everywhere here except the grazing sunrise (54 s, the NOAA equations' own error, magnified).

@Suite("Solar calculator")
struct SolarCalculatorTests {
    /// The accuracy the dimming schedule needs.
    let tolerance: TimeInterval = 60

    @Test(arguments: DayReference.all)
    func matchesTheNOAAReference(_ reference: DayReference) throws {
        let calculator = try reference.site.calculator()
        let noon = try reference.site.instant(reference.noon, on: reference.day)
        #expect(abs(calculator.solarNoon(on: reference.day).timeIntervalSince(noon)) <= tolerance)
        for event in SolarEvent.allCases {
            guard let clock = reference.expected(event) else { continue }
            let expected = try reference.site.instant(clock, on: reference.day)
            let found = calculator.time(of: event, on: reference.day)
            #expect(found.event == event)
            #expect(found.kind == .computed, "\(event)")
            #expect(abs(found.at.timeIntervalSince(expected)) <= tolerance, "\(event) at \(found.at), NOAA \(expected)")
        }
    }

    @Test func midnightSunMovesTheDarkEventsToSolarMidnight() throws {
        let calculator = try Site.tromso.calculator()
        let day = LocalDay(year: 2026, month: 6, day: 21)
        let noon = calculator.solarNoon(on: day)
        for event in SolarEvent.allCases {
            let found = calculator.time(of: event, on: day)
            let isMorning = event == .sunrise || event == .civilDawn
            #expect(found.kind == .polarDay, "\(event)")
            #expect(found.at == noon.addingTimeInterval(isMorning ? -43_200 : 43_200), "\(event)")
        }
        // The previous evening's dusk meets this morning's dawn, so no dark period survives between them.
        let eve = calculator.time(of: .civilDusk, on: LocalDay(year: 2026, month: 6, day: 20))
        let dawn = calculator.time(of: .civilDawn, on: day)
        #expect(abs(dawn.at.timeIntervalSince(eve.at)) < 60)
    }

    @Test func polarNightAtTromsoStillHasCivilTwilight() throws {
        let calculator = try Site.tromso.calculator()
        let day = LocalDay(year: 2026, month: 12, day: 21)
        let noon = calculator.solarNoon(on: day)
        for event in [SolarEvent.sunrise, .sunset] {
            #expect(calculator.time(of: event, on: day) == SolarEventTime(event: event, at: noon, kind: .polarNight))
        }
        let dawn = calculator.time(of: .civilDawn, on: day)
        let dusk = calculator.time(of: .civilDusk, on: day)
        #expect(dawn.kind == .computed)
        #expect(dusk.kind == .computed)
        #expect(dawn.at < noon && noon < dusk.at)
    }

    @Test func grazingSunriseJustBeforeTheMidnightSun() throws {
        let calculator = try Site.tromso.calculator()
        let day = LocalDay(year: 2026, month: 5, day: 18)
        // The sun is 0.85° below the horizon at solar midnight: below the sunrise zenith, above the civil one.
        #expect(calculator.time(of: .sunrise, on: day).kind == .computed)
        #expect(calculator.time(of: .civilDawn, on: day).kind == .polarDay)
        #expect(calculator.time(of: .sunset, on: day).kind == .polarDay)
    }

    @Test(arguments: [Site.niort, .roubaix, .tromso])
    func eventsStayInOrderAllYear(_ site: Site) throws {
        let calculator = try site.calculator()
        var finder = LocalDayFinder(timeZone: try #require(site.timeZone))
        let monthLengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        for (index, length) in monthLengths.enumerated() {
            for date in 1...length {
                let day = LocalDay(year: 2026, month: index + 1, day: date)
                let noon = calculator.solarNoon(on: day)
                let dawn = calculator.time(of: .civilDawn, on: day)
                let sunrise = calculator.time(of: .sunrise, on: day)
                let sunset = calculator.time(of: .sunset, on: day)
                let dusk = calculator.time(of: .civilDusk, on: day)
                #expect(finder.day(of: noon) == day)
                #expect(dawn.at <= sunrise.at && sunrise.at <= noon, "\(day)")
                #expect(noon <= sunset.at && sunset.at <= dusk.at, "\(day)")
                // The civil threshold lies below the sunrise one, so it can only be "more polar-day".
                if sunrise.kind == .polarDay { #expect(dawn.kind == .polarDay, "\(day)") }
                if dawn.kind == .polarNight { #expect(sunrise.kind == .polarNight, "\(day)") }
                if site != .tromso {
                    #expect([dawn, sunrise, sunset, dusk].allSatisfy { $0.kind == .computed }, "\(day)")
                    #expect(finder.day(of: dawn.at) == day && finder.day(of: dusk.at) == day, "\(day)")
                }
            }
        }
    }

    @Test(arguments: [
        // instant (Unix seconds), declination (°), equation of time (min)
        (1_782_043_200.0, 23.438051663157562, -1.8242799980127886),
        (1_793_664_000.0, -14.995333878602805, 16.491580155219904),
        (1_770_789_600.0, -14.007612054890988, -14.22622032863489),
    ])
    func solarPositionFollowsTheNOAAEquations(instant: Double, declination: Double, equationOfTime: Double) {
        let position = SolarPosition(at: Date(timeIntervalSince1970: instant))
        #expect(abs(position.declination - declination) < 1e-6)
        #expect(abs(position.equationOfTime - equationOfTime) < 1e-5)
    }
}

extension SolarCalculatorTests {
    /// The sites under test, with the zones whose local days they are asked about.
    enum Site: String, Sendable {
        case niort
        case roubaix
        case tromso

        var timeZone: TimeZone? {
            TimeZone(identifier: self == .tromso ? "Europe/Oslo" : "Europe/Paris")
        }

        func calculator() throws -> SolarCalculator {
            let zone = try #require(timeZone)
            switch self {
            case .niort: return SolarCalculator(latitude: 46.32, longitude: -0.46, timeZone: zone)
            case .roubaix: return SolarCalculator(latitude: 50.69, longitude: 3.18, timeZone: zone)
            case .tromso: return SolarCalculator(latitude: 69.65, longitude: 18.96, timeZone: zone)
            }
        }

        /// Reads a reference given as the site's local clock time on a day.
        func instant(_ clock: String, on day: LocalDay) throws -> Date {
            let fields = clock.split(separator: ":").compactMap { Int($0) }
            try #require(fields.count == 3)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = try #require(timeZone)
            let parts = DateComponents(
                year: day.year,
                month: day.month,
                day: day.day,
                hour: fields[0],
                minute: fields[1],
                second: fields[2]
            )
            return try #require(calendar.date(from: parts))
        }
    }

    /// NOAA reference times of one site's day, as local clock times; `nil` where the sun does not cross that zenith.
    struct DayReference: Sendable, CustomTestStringConvertible {
        var site: Site
        var day: LocalDay
        var noon: String
        var civilDawn: String?
        var sunrise: String?
        var sunset: String?
        var civilDusk: String?

        init(
            _ site: Site,
            _ year: Int,
            _ month: Int,
            _ day: Int,
            noon: String,
            _ civilDawn: String?,
            _ sunrise: String?,
            _ sunset: String?,
            _ civilDusk: String?
        ) {
            self.site = site
            self.day = LocalDay(year: year, month: month, day: day)
            self.noon = noon
            self.civilDawn = civilDawn
            self.sunrise = sunrise
            self.sunset = sunset
            self.civilDusk = civilDusk
        }

        var testDescription: String { "\(site.rawValue) \(day)" }

        func expected(_ event: SolarEvent) -> String? {
            switch event {
            case .civilDawn: civilDawn
            case .sunrise: sunrise
            case .sunset: sunset
            case .civilDusk: civilDusk
            }
        }

        // Equinoxes, both 2026 DST changes (29 March, 25 October) and both solstices.
        static let all: [DayReference] = [
            // site, date, solar noon, civil dawn, sunrise, sunset, civil dusk
            .init(.niort, 2026, 3, 20, noon: "13:09:16", "06:35:10", "07:05:07", "19:14:16", "19:44:18"),
            .init(.niort, 2026, 3, 29, noon: "14:06:34", "07:17:20", "07:47:34", "20:26:26", "20:56:46"),
            .init(.niort, 2026, 6, 21, noon: "14:03:40", "05:30:38", "06:09:39", "21:57:40", "22:36:42"),
            .init(.niort, 2026, 9, 23, noon: "13:54:14", "07:19:52", "07:49:53", "19:57:45", "20:27:42"),
            .init(.niort, 2026, 10, 25, noon: "12:45:52", "07:01:57", "07:32:50", "17:58:15", "18:29:06"),
            .init(.niort, 2026, 12, 21, noon: "12:59:55", "08:07:00", "08:41:57", "17:17:52", "17:52:49"),
            .init(.roubaix, 2026, 3, 20, noon: "12:54:43", "06:17:34", "06:50:14", "19:00:10", "19:32:56"),
            .init(.roubaix, 2026, 3, 29, noon: "13:52:01", "06:57:10", "07:30:13", "20:14:49", "20:48:00"),
            .init(.roubaix, 2026, 6, 21, noon: "13:49:06", "04:48:18", "05:34:20", "22:03:52", "22:49:54"),
            .init(.roubaix, 2026, 9, 23, noon: "13:39:40", "07:02:10", "07:34:56", "19:43:27", "20:16:06"),
            .init(.roubaix, 2026, 10, 25, noon: "12:31:19", "06:52:45", "07:26:36", "17:35:16", "18:09:04"),
            .init(.roubaix, 2026, 12, 21, noon: "12:45:21", "08:07:07", "08:46:27", "16:44:15", "17:23:35"),
            .init(.tromso, 2026, 3, 20, noon: "11:51:36", "04:43:45", "05:43:51", "18:01:32", "19:02:07"),
            .init(.tromso, 2026, 3, 29, noon: "12:48:54", "04:59:46", "06:02:45", "19:37:29", "20:41:10"),
            .init(.tromso, 2026, 5, 18, noon: "12:40:37", nil, "00:51:06", nil, nil),
            .init(.tromso, 2026, 6, 21, noon: "12:45:58", nil, nil, nil, nil),
            .init(.tromso, 2026, 9, 23, noon: "12:36:34", "05:27:18", "06:27:49", "18:43:09", "19:43:13"),
            .init(.tromso, 2026, 10, 25, noon: "11:28:12", "06:31:05", "07:37:56", "15:16:59", "16:23:41"),
            .init(.tromso, 2026, 12, 21, noon: "11:42:13", "09:31:13", nil, nil, "13:53:11"),
        ]
    }
}
