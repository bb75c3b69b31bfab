import Foundation

/// A schedule step placed on the time line.
public struct ResolvedStep: Sendable, Equatable {
    public var at: Date
    public var level: Int
    public var step: StepTime
    /// The local day whose steps it belongs to.
    public var day: LocalDay
    /// The exception that supplied the day's steps, if any.
    public var exception: String?
    /// For a solar step: whether the event was computed or a polar fallback.
    public var solarKind: SolarEventKind?
}

/// Places schedules on the time line: local times through the site's DST rules, solar events from its position.
///
/// Pure: the same schedule, site and instant always give the same answer.
public struct ScheduleEvaluator: Sendable {
    public let clock: LocalClock
    public let sun: SolarCalculator

    public init(site: Site) {
        clock = LocalClock(timeZone: site.timeZone)
        sun = SolarCalculator(latitude: site.latitude, longitude: site.longitude, timeZone: site.timeZone)
    }

    /// The steps of one local day, in time order (see `precedes` for steps at the same instant).
    ///
    /// Where the sun does not cross an event's altitude that day, the step stands at a polar stand-in, without its
    /// offset: in polar day evening events at the solar midnight after the day's solar noon and morning events at the
    /// one before, shared with the neighbouring day, so the dark period shrinks to nothing and the morning step wins;
    /// in polar night all at solar noon, where the evening step wins, so the lights stay on.
    ///
    /// - Parameters:
    ///   - schedule: the schedule.
    ///   - day: the local date.
    /// - Returns: the day's steps with their instants.
    public func steps(_ schedule: DimmingSchedule, on day: LocalDay) -> [ResolvedStep] {
        let (steps, exception) = schedule.steps(on: day)
        let resolved = steps.map { step -> ResolvedStep in
            switch step.at {
            case .clock(let minuteOfDay):
                return ResolvedStep(
                    at: clock.instant(on: day, minuteOfDay: minuteOfDay),
                    level: step.level,
                    step: step.at,
                    day: day,
                    exception: exception
                )
            case .solar(let event, let offset):
                let time = sun.time(of: event, on: day)
                return ResolvedStep(
                    at: instant(of: time, event: event, offsetMinutes: offset, on: day),
                    level: step.level,
                    step: step.at,
                    day: day,
                    exception: exception,
                    solarKind: time.kind
                )
            }
        }
        return Self.ordered(resolved.enumerated().map { (step: $0.element, dayOrder: 0, listOrder: $0.offset) })
    }

    private func instant(of time: SolarEventTime, event: SolarEvent, offsetMinutes: Int, on day: LocalDay) -> Date {
        switch time.kind {
        case .computed:
            return time.at.addingTimeInterval(TimeInterval(offsetMinutes * 60))
        case .polarNight:
            return time.at
        case .polarDay:
            // Halfway between two solar noons, so that this evening's stand-in and tomorrow morning's are one instant.
            let noon = sun.solarNoon(on: day)
            let neighbour = sun.solarNoon(on: day.adding(days: event.isEvening ? 1 : -1))
            return Date(timeIntervalSince1970: (noon.timeIntervalSince1970 + neighbour.timeIntervalSince1970) / 2)
        }
    }

    /// Sorts steps by instant; at the same instant, polar stand-ins first settle it (in polar day the morning step
    /// comes later and wins, in polar night the evening one), then the later day, then the later wall-clock time (a
    /// 02:30 and a 03:00 step both moved to the end of a spring gap keep their order), then the later listed.
    static func ordered(_ steps: [(step: ResolvedStep, dayOrder: Int, listOrder: Int)]) -> [ResolvedStep] {
        func key(_ entry: (step: ResolvedStep, dayOrder: Int, listOrder: Int)) -> (Double, Int, Int, Int, Int) {
            var polar = 0
            var nominal = -1
            switch entry.step.step {
            case .clock(let minuteOfDay):
                nominal = minuteOfDay
            case .solar(let event, _):
                switch entry.step.solarKind {
                case .polarDay?: polar = event.isEvening ? 0 : 1
                case .polarNight?: polar = event.isEvening ? 1 : 0
                default: break
                }
            }
            return (entry.step.at.timeIntervalSince1970, polar, entry.dayOrder, nominal, entry.listOrder)
        }
        return steps.sorted { key($0) < key($1) }.map(\.step)
    }

    /// The step in force at an instant: the latest at or before it, the previous day's last one carrying over
    /// midnight.
    ///
    /// - Parameters:
    ///   - schedule: the schedule.
    ///   - instant: any instant.
    /// - Returns: the step whose level applies.
    public func stepInForce(_ schedule: DimmingSchedule, at instant: Date) -> ResolvedStep? {
        let today = clock.day(of: instant)
        // Offsets of up to 12 h can carry a step into the neighbouring day: look one day further each way.
        return timeline(schedule, days: (-2)...1, around: today).last { $0.at <= instant }
    }

    /// The first step after an instant, when the level may change next.
    ///
    /// - Parameters:
    ///   - schedule: the schedule.
    ///   - instant: any instant.
    /// - Returns: the next step.
    public func nextStep(_ schedule: DimmingSchedule, after instant: Date) -> ResolvedStep? {
        let today = clock.day(of: instant)
        return timeline(schedule, days: (-1)...2, around: today).first { $0.at > instant }
    }

    /// The steps of several consecutive days in time order (see `ordered`).
    ///
    /// - Parameters:
    ///   - schedule: the schedule.
    ///   - days: day offsets from `day`.
    ///   - day: the local date the offsets count from.
    /// - Returns: the steps, in the order they take effect.
    public func timeline(_ schedule: DimmingSchedule, days: ClosedRange<Int>, around day: LocalDay) -> [ResolvedStep] {
        Self.ordered(
            days.flatMap { offset in
                steps(schedule, on: day.adding(days: offset)).enumerated().map {
                    (step: $0.element, dayOrder: offset, listOrder: $0.offset)
                }
            }
        )
    }
}

extension SolarEvent {
    /// Dusk and sunset are the evening events of a day; dawn and sunrise its morning ones.
    var isEvening: Bool { self == .sunset || self == .civilDusk }
}
