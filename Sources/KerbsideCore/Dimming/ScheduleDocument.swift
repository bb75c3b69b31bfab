/// A schedule as engineers write it (JSON over HTTP, YAML in the configuration), before validation.
///
/// Every field is optional here so that validation, not decoding, reports what is missing, with its path.
public struct ScheduleDocument: Sendable, Codable, Equatable {
    public struct Step: Sendable, Codable, Equatable {
        public var at: String?
        /// Decoded as a number so that `50.5` is reported as "not a whole percent" rather than as a type error.
        public var level: Double?

        public init(at: String?, level: Double?) {
            self.at = at
            self.level = level
        }
    }

    public struct Exception: Sendable, Codable, Equatable {
        public var name: String?
        public var dates: [String]?
        public var from: String?
        public var to: String?
        public var weekdays: [String]?
        public var steps: [Step]?

        public init(
            name: String?,
            dates: [String]? = nil,
            from: String? = nil,
            to: String? = nil,
            weekdays: [String]? = nil,
            steps: [Step]?
        ) {
            self.name = name
            self.dates = dates
            self.from = from
            self.to = to
            self.weekdays = weekdays
            self.steps = steps
        }
    }

    public var name: String?
    public var steps: [Step]?
    public var exceptions: [Exception]?

    public init(name: String?, steps: [Step]?, exceptions: [Exception]? = nil) {
        self.name = name
        self.steps = steps
        self.exceptions = exceptions
    }

    /// The document of a valid schedule, in canonical spelling, as the API answers it.
    ///
    /// - Parameter schedule: a validated schedule.
    public init(_ schedule: DimmingSchedule) {
        func document(_ steps: [ScheduleStep]) -> [Step] {
            steps.map { Step(at: $0.at.description, level: Double($0.level)) }
        }
        name = schedule.name
        steps = document(schedule.steps)
        exceptions = schedule.exceptions.map { exception in
            switch exception.calendar {
            case .dates(let dates):
                Exception(name: exception.name, dates: dates.map(\.description), steps: document(exception.steps))
            case .range(let from, let to):
                Exception(
                    name: exception.name,
                    from: from.description,
                    to: to.description,
                    steps: document(exception.steps)
                )
            case .weekdays(let weekdays):
                Exception(
                    name: exception.name,
                    weekdays: weekdays.sorted().map(\.rawValue),
                    steps: document(exception.steps)
                )
            }
        }
    }
}

/// One thing wrong with a schedule, where it is.
public struct ScheduleProblem: Sendable, Equatable, CustomStringConvertible {
    /// Where, as `steps[2].at` or `exceptions[0].dates[1]`.
    public var path: String
    public var message: String

    public var description: String { "\(path): \(message)" }
}

/// Every problem of a schedule document at once, so an engineer fixes them in one go.
public struct ScheduleValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [ScheduleProblem]

    public var description: String { problems.map(\.description).joined(separator: "; ") }
}

extension DimmingSchedule {
    /// Validates a document.
    ///
    /// - Parameters:
    ///   - id: the schedule's id (from the URL or the configuration key).
    ///   - document: what was written.
    /// - Returns: the schedule.
    /// - Throws: every problem found: a missing or empty `steps`, an unknown event, a level outside 0…100 or not
    ///   whole, an exception with no or several kinds of days, an impossible date, overlapping exceptions of the
    ///   same kind (no rule says which wins).
    public static func validated(
        id: String,
        _ document: ScheduleDocument
    ) throws(ScheduleValidationError)
        -> DimmingSchedule
    {
        var problems: [ScheduleProblem] = []
        let steps = validatedSteps(document.steps, path: "steps", problems: &problems)
        var exceptions: [ScheduleException] = []
        for (index, exception) in (document.exceptions ?? []).enumerated() {
            let path = "exceptions[\(index)]"
            let calendar = validatedCalendar(exception, path: path, problems: &problems)
            let exceptionSteps = validatedSteps(exception.steps, path: "\(path).steps", problems: &problems)
            if let calendar {
                exceptions.append(
                    ScheduleException(
                        name: exception.name ?? "exception \(index + 1)",
                        calendar: calendar,
                        steps: exceptionSteps
                    )
                )
            }
        }
        for (index, exception) in exceptions.enumerated() {
            for (otherIndex, other) in exceptions.enumerated().dropFirst(index + 1)
            where exception.calendar.overlaps(other.calendar) {
                problems.append(
                    ScheduleProblem(
                        path: "exceptions[\(otherIndex)]",
                        message: "overlaps exceptions[\(index)] (\"\(exception.name)\") on the same kind of days, "
                            + "so neither would win; merge them or make one more specific (dates beat date ranges, "
                            + "which beat weekdays)"
                    )
                )
            }
        }
        guard problems.isEmpty else { throw ScheduleValidationError(problems: problems) }
        return DimmingSchedule(id: id, name: document.name ?? id, steps: steps, exceptions: exceptions)
    }

    private static func validatedSteps(
        _ steps: [ScheduleDocument.Step]?,
        path: String,
        problems: inout [ScheduleProblem]
    ) -> [ScheduleStep] {
        guard let steps, !steps.isEmpty else {
            problems.append(ScheduleProblem(path: path, message: "at least one step is needed"))
            return []
        }
        var result: [ScheduleStep] = []
        var seen: [StepTime: Int] = [:]
        for (index, step) in steps.enumerated() {
            let stepPath = "\(path)[\(index)]"
            var time: StepTime?
            if let at = step.at {
                do {
                    time = try StepTime.parse(at)
                } catch {
                    problems.append(ScheduleProblem(path: "\(stepPath).at", message: error.message))
                }
            } else {
                problems.append(ScheduleProblem(path: "\(stepPath).at", message: "missing"))
            }
            var level: Int?
            if let value = step.level {
                if value.rounded() != value || !(0...100).contains(value) {
                    problems.append(
                        ScheduleProblem(path: "\(stepPath).level", message: "\(value) is not a whole percent 0…100")
                    )
                } else {
                    level = Int(value)
                }
            } else {
                problems.append(ScheduleProblem(path: "\(stepPath).level", message: "missing"))
            }
            if let time, let earlier = seen[time] {
                problems.append(
                    ScheduleProblem(path: "\(stepPath).at", message: "\(time) is already \(path)[\(earlier)]")
                )
            }
            if let time, let level {
                seen[time] = index
                result.append(ScheduleStep(at: time, level: level))
            }
        }
        return result
    }

    private static func validatedCalendar(
        _ exception: ScheduleDocument.Exception,
        path: String,
        problems: inout [ScheduleProblem]
    ) -> ScheduleCalendar? {
        let kinds = [exception.dates != nil, exception.from != nil || exception.to != nil, exception.weekdays != nil]
        guard kinds.filter({ $0 }).count == 1 else {
            problems.append(
                ScheduleProblem(path: path, message: "give exactly one of dates, from/to or weekdays")
            )
            return nil
        }
        func day(_ text: String?, _ key: String) -> LocalDay? {
            guard let text else {
                problems.append(ScheduleProblem(path: "\(path).\(key)", message: "missing"))
                return nil
            }
            guard let day = LocalDay.parse(text[...]) else {
                problems.append(
                    ScheduleProblem(path: "\(path).\(key)", message: "\"\(text)\" is not a date YYYY-MM-DD")
                )
                return nil
            }
            return day
        }
        if let dates = exception.dates {
            guard !dates.isEmpty else {
                problems.append(ScheduleProblem(path: "\(path).dates", message: "at least one date is needed"))
                return nil
            }
            let days = dates.enumerated().map { day($1, "dates[\($0)]") }
            let valid = days.compactMap { $0 }
            return valid.count == days.count ? .dates(valid) : nil
        }
        if exception.from != nil || exception.to != nil {
            guard let from = day(exception.from, "from"), let to = day(exception.to, "to") else { return nil }
            guard from <= to else {
                problems.append(ScheduleProblem(path: "\(path).to", message: "\(to) is before from \(from)"))
                return nil
            }
            return .range(from: from, to: to)
        }
        let names = exception.weekdays ?? []
        guard !names.isEmpty else {
            problems.append(ScheduleProblem(path: "\(path).weekdays", message: "at least one weekday is needed"))
            return nil
        }
        var weekdays = Set<Weekday>()
        for (index, name) in names.enumerated() {
            guard let weekday = Weekday(rawValue: name.lowercased()) else {
                problems.append(
                    ScheduleProblem(
                        path: "\(path).weekdays[\(index)]",
                        message: "\"\(name)\" is not a weekday; use mon, tue, wed, thu, fri, sat or sun"
                    )
                )
                continue
            }
            weekdays.insert(weekday)
        }
        return weekdays.count == names.count || !weekdays.isEmpty ? .weekdays(weekdays) : nil
    }
}
