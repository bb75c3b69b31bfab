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

    /// The steps of one local day, in time order; at equal instants the step listed later comes later, so it wins.
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
                    at: time.at.addingTimeInterval(TimeInterval(offset * 60)),
                    level: step.level,
                    step: step.at,
                    day: day,
                    exception: exception,
                    solarKind: time.kind
                )
            }
        }
        return resolved.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
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
        return timeline(schedule, days: (-2)...0, around: today).last { $0.at <= instant }
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

    /// The steps of several consecutive days in time order; at equal instants the later day's, then the later
    /// listed, step comes later.
    private func timeline(_ schedule: DimmingSchedule, days: ClosedRange<Int>, around day: LocalDay) -> [ResolvedStep] {
        days.flatMap { steps(schedule, on: day.adding(days: $0)) }
            .enumerated()
            .sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
            .map(\.element)
    }
}
