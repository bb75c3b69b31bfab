/// One change of level in a schedule.
public struct ScheduleStep: Sendable, Hashable {
    public var at: StepTime
    /// Percent of rated output, 0 (off) to 100.
    public var level: Int

    public init(at: StepTime, level: Int) {
        self.at = at
        self.level = level
    }
}

/// Which local days an exception replaces the normal steps on.
public enum ScheduleCalendar: Sendable, Hashable {
    case dates([LocalDay])
    /// Both ends included.
    case range(from: LocalDay, to: LocalDay)
    case weekdays(Set<Weekday>)

    /// Single dates beat date ranges, which beat weekdays: "New Year's Eve" wins over "December", which wins over
    /// "weekends".
    public var specificity: Int {
        switch self {
        case .dates: 3
        case .range: 2
        case .weekdays: 1
        }
    }

    public func contains(_ day: LocalDay) -> Bool {
        switch self {
        case .dates(let dates): dates.contains(day)
        case .range(let from, let to): from <= day && day <= to
        case .weekdays(let weekdays): weekdays.contains(day.weekday)
        }
    }

    /// Whether some day could match both: then neither of two exceptions of the same specificity would win.
    func overlaps(_ other: ScheduleCalendar) -> Bool {
        switch (self, other) {
        case (.dates(let mine), .dates(let theirs)): !Set(mine).isDisjoint(with: theirs)
        case (.range(let from, let to), .range(let otherFrom, let otherTo)): from <= otherTo && otherFrom <= to
        case (.weekdays(let mine), .weekdays(let theirs)): !mine.isDisjoint(with: theirs)
        default: false
        }
    }
}

/// Steps that replace a schedule's normal ones on some days: a festival night, New Year's Eve, weekends.
public struct ScheduleException: Sendable, Hashable {
    public var name: String
    public var calendar: ScheduleCalendar
    public var steps: [ScheduleStep]

    public init(name: String, calendar: ScheduleCalendar, steps: [ScheduleStep]) {
        self.name = name
        self.calendar = calendar
        self.steps = steps
    }
}

/// A light group's dimming plan: steps through the local day, and calendar exceptions.
public struct DimmingSchedule: Sendable, Hashable {
    public var id: String
    public var name: String
    public var steps: [ScheduleStep]
    public var exceptions: [ScheduleException]

    public init(id: String, name: String, steps: [ScheduleStep], exceptions: [ScheduleException] = []) {
        self.id = id
        self.name = name
        self.steps = steps
        self.exceptions = exceptions
    }

    /// The steps in force on a local day, and the exception that supplied them, if any.
    ///
    /// - Parameter day: the local date.
    /// - Returns: the most specific matching exception's steps, else the normal steps.
    public func steps(on day: LocalDay) -> (steps: [ScheduleStep], exception: String?) {
        let matching = exceptions.filter { $0.calendar.contains(day) }
        guard let winner = matching.max(by: { $0.calendar.specificity < $1.calendar.specificity }) else {
            return (steps, nil)
        }
        return (winner.steps, winner.name)
    }
}
