import Foundation
import Testing

@testable import KerbsideCore

@Suite("Dimming schedules: parsing, validation, evaluation through DST and across midnight")
struct DimmingScheduleTests {
    let niort = Site(
        name: "Niort",
        latitude: 46.32,
        longitude: -0.46,
        timeZone: TimeZone(identifier: "Europe/Paris") ?? .gmt
    )

    func instant(_ text: String) throws -> Date { try RFC3339.parse(text) }

    func schedule(_ steps: [(String, Double)], exceptions: [ScheduleDocument.Exception] = []) throws -> DimmingSchedule
    {
        try DimmingSchedule.validated(
            id: "test",
            ScheduleDocument(
                name: "Test",
                steps: steps.map { ScheduleDocument.Step(at: $0.0, level: $0.1) },
                exceptions: exceptions
            )
        )
    }

    @Test func stepTimesParseAndPrintCanonically() throws {
        #expect(try StepTime.parse("23:00") == .clock(minuteOfDay: 23 * 60))
        #expect(try StepTime.parse("sunrise+15m") == .solar(.sunrise, offsetMinutes: 15))
        #expect(try StepTime.parse("civil_dusk-10m") == .solar(.civilDusk, offsetMinutes: -10))
        #expect(try StepTime.parse("sunset+1h30m").description == "sunset+1h30m")
        #expect(try StepTime.parse("sunset-60m").description == "sunset-1h")
        #expect(try StepTime.parse("07:05").description == "07:05")
        for bad in ["sunsett", "25:00", "7:00", "sunset+15", "sunset+13h", "sunset+", "noon"] {
            #expect(throws: StepTimeError.self, "\(bad)") { try StepTime.parse(bad) }
        }
    }

    @Test func validationReportsEveryProblemWithItsPath() throws {
        let document = ScheduleDocument(
            name: "Broken",
            steps: [
                .init(at: "sunsett", level: 100), .init(at: "23:00", level: 150), .init(at: "05:00", level: 50.5),
                .init(at: nil, level: 10),
            ],
            exceptions: [
                .init(name: "Weekend", weekdays: ["sat", "sun"], steps: [.init(at: "sunset", level: 100)]),
                .init(name: "Market days", weekdays: ["wed", "sat"], steps: [.init(at: "sunset", level: 80)]),
                .init(name: "Both", dates: ["2026-12-31"], weekdays: ["fri"], steps: [.init(at: "sunset", level: 100)]),
                .init(name: "Nonsense", dates: ["2026-02-30"], steps: []),
            ]
        )
        do {
            _ = try DimmingSchedule.validated(id: "broken", document)
            Issue.record("a broken schedule was accepted")
        } catch {
            let paths = error.problems.map(\.path)
            #expect(
                paths == [
                    "steps[0].at", "steps[1].level", "steps[2].level", "steps[3].at", "exceptions[2]",
                    "exceptions[3].dates[0]", "exceptions[3].steps", "exceptions[1]",
                ],
                "\(error)"
            )
            #expect(error.problems.first?.message.contains("unknown event \"sunsett\"") == true)
            #expect(error.problems.last?.message.contains("overlaps exceptions[0]") == true)
        }
        #expect(throws: ScheduleValidationError.self) {
            try DimmingSchedule.validated(id: "empty", ScheduleDocument(name: nil, steps: []))
        }
    }

    @Test func theLevelInForceCarriesOverMidnight() throws {
        let evaluator = ScheduleEvaluator(site: niort)
        let plan = try schedule([("18:00", 100), ("23:00", 50), ("06:00", 80), ("08:00", 0)])
        // 2026-11-21 is CET (UTC+1).
        #expect(evaluator.stepInForce(plan, at: try instant("2026-11-21T01:00:00Z"))?.level == 50)
        #expect(evaluator.stepInForce(plan, at: try instant("2026-11-21T05:00:00Z"))?.level == 80)
        #expect(evaluator.stepInForce(plan, at: try instant("2026-11-21T11:00:00Z"))?.level == 0)
        #expect(evaluator.stepInForce(plan, at: try instant("2026-11-21T17:00:00Z"))?.level == 100)
        let next = evaluator.nextStep(plan, after: try instant("2026-11-21T17:00:00Z"))
        #expect(next?.at == (try instant("2026-11-21T22:00:00Z")))
        #expect(next?.level == 50)
    }

    @Test func aStepInTheSpringGapFiresWhenTheGapEnds() throws {
        let evaluator = ScheduleEvaluator(site: niort)
        let plan = try schedule([("20:00", 100), ("02:30", 40)])
        // On 2026-03-29 clocks jump from 02:00 CET to 03:00 CEST, at 01:00Z: 02:30 never happens.
        let steps = evaluator.steps(plan, on: LocalDay(year: 2026, month: 3, day: 29))
        #expect(steps.first?.at == (try instant("2026-03-29T01:00:00Z")))
        #expect(evaluator.stepInForce(plan, at: try instant("2026-03-29T00:59:59Z"))?.level == 100)
        #expect(evaluator.stepInForce(plan, at: try instant("2026-03-29T01:00:00Z"))?.level == 40)
        // The 20:00 step that evening is CEST.
        #expect(steps.last?.at == (try instant("2026-03-29T18:00:00Z")))
    }

    @Test func anAmbiguousAutumnTimeFiresOnceAtItsFirstOccurrence() throws {
        let evaluator = ScheduleEvaluator(site: niort)
        let plan = try schedule([("20:00", 100), ("02:30", 40), ("03:00", 20)])
        // On 2026-10-25 02:00–03:00 happens twice: first CEST (00:00–01:00Z), then CET (01:00–02:00Z).
        let day = LocalDay(year: 2026, month: 10, day: 25)
        let steps = evaluator.steps(plan, on: day)
        #expect(
            steps.map(\.at) == [
                try instant("2026-10-25T00:30:00Z"), try instant("2026-10-25T02:00:00Z"),
                try instant("2026-10-25T19:00:00Z"),
            ]
        )
        #expect(evaluator.nextStep(plan, after: try instant("2026-10-25T00:30:00Z"))?.level == 20)
        // The second 02:30 (01:30Z) is no step: the level stays at 40 until 03:00 CET.
        #expect(evaluator.stepInForce(plan, at: try instant("2026-10-25T01:45:00Z"))?.level == 40)
    }

    @Test func exceptionsReplaceTheDaysStepsTheMostSpecificWinning() throws {
        let evaluator = ScheduleEvaluator(site: niort)
        let plan = try schedule(
            [("sunset", 100), ("23:00", 40), ("sunrise", 0)],
            exceptions: [
                .init(
                    name: "Weekend",
                    weekdays: ["sat", "sun"],
                    steps: [.init(at: "sunset", level: 100), .init(at: "01:00", level: 40)]
                ),
                .init(
                    name: "Christmas lights",
                    from: "2026-12-01",
                    to: "2026-12-31",
                    steps: [.init(at: "sunset", level: 100)]
                ),
                .init(name: "New Year's Eve", dates: ["2026-12-31"], steps: [.init(at: "civil_dusk", level: 100)]),
            ]
        )
        #expect(plan.steps(on: LocalDay(year: 2026, month: 11, day: 21)).exception == "Weekend")  // a Saturday
        #expect(plan.steps(on: LocalDay(year: 2026, month: 11, day: 23)).exception == nil)  // a Monday
        #expect(plan.steps(on: LocalDay(year: 2026, month: 12, day: 5)).exception == "Christmas lights")  // Saturday
        #expect(plan.steps(on: LocalDay(year: 2026, month: 12, day: 31)).exception == "New Year's Eve")
        // New Year's Eve burns at 100 % all night: its last step carries into the morning of 1 January.
        let newYear = evaluator.stepInForce(plan, at: try instant("2027-01-01T03:00:00Z"))
        #expect(newYear?.level == 100)
        #expect(newYear?.exception == "New Year's Eve")
        // A solar step lands where the calculator puts the event, offset included.
        let sunset = evaluator.sun.time(of: .sunset, on: LocalDay(year: 2026, month: 11, day: 23)).at
        let monday = evaluator.steps(plan, on: LocalDay(year: 2026, month: 11, day: 23))
        #expect(monday.first { $0.step == .solar(.sunset, offsetMinutes: 0) }?.at == sunset)
    }

    @Test func localDaysCountWeekdaysAndParseStrictly() {
        #expect(LocalDay(year: 1970, month: 1, day: 1).weekday == .thursday)
        #expect(LocalDay(year: 2026, month: 11, day: 22).weekday == .sunday)
        #expect(LocalDay(year: 2024, month: 2, day: 29).adding(days: 1) == LocalDay(year: 2024, month: 3, day: 1))
        #expect(LocalDay.parse("2026-02-30") == nil)
        #expect(LocalDay.parse("2026-2-3") == nil)
        #expect(LocalDay.parse("2028-02-29") == LocalDay(year: 2028, month: 2, day: 29))
    }

    @Test func everyDayOf2026FiresEachStepOnceAndInOrder() throws {
        let evaluator = ScheduleEvaluator(site: niort)
        let plan = try schedule([("civil_dusk-10m", 100), ("23:30", 60), ("02:30", 30), ("civil_dawn+10m", 0)])
        var day = LocalDay(year: 2026, month: 1, day: 1)
        var previous: ResolvedStep?
        while day.year == 2026 {
            let steps = evaluator.steps(plan, on: day)
            #expect(steps.count == 4)
            for step in steps {
                // Each step fires once, after the one before, and is the step in force from its instant.
                if let previous { #expect(step.at > previous.at, "\(day)") }
                #expect(evaluator.stepInForce(plan, at: step.at)?.step == step.step, "\(day) \(step.step)")
                previous = step
            }
            // The 02:30 step happens at 02:30 local time, except in the spring gap, where it happens at 03:00.
            let early = try #require(steps.first { $0.step == .clock(minuteOfDay: 150) })
            let local = evaluator.clock.timeZone.secondsFromGMT(for: early.at)
            let minuteOfDay = Int(early.at.timeIntervalSince1970 + Double(local)) % 86_400 / 60
            #expect(minuteOfDay == (day == LocalDay(year: 2026, month: 3, day: 29) ? 180 : 150), "\(day)")
            day = day.adding(days: 1)
        }
    }

    @Test func hugeOrSignedOffsetsAreRefusedNotOverflowed() {
        for bad in ["sunset+999999999999999999h", "sunset+9223372036854775807m1m", "+1:00", "2:+0"] {
            #expect(throws: StepTimeError.self, "\(bad)") { try StepTime.parse(bad) }
        }
        #expect(LocalDay.parse("2026-+1-+1") == nil)
    }

    @Test func stepsMovedToTheEndOfASpringGapKeepTheirWallClockOrder() throws {
        let evaluator = ScheduleEvaluator(site: niort)
        let plan = try schedule([("20:00", 100), ("03:00", 50), ("02:30", 80)])
        // Both land at 03:00 CEST on 2026-03-29; 03:00 is the later wall-clock time, so it wins whatever the list says.
        #expect(evaluator.stepInForce(plan, at: try instant("2026-03-29T01:00:00Z"))?.level == 50)
    }

    @Test func inPolarNightTheLightsStayOnAndInTheMidnightSunTheyStayOff() throws {
        let oslo = try #require(TimeZone(identifier: "Europe/Oslo"))
        let tromso = ScheduleEvaluator(site: Site(name: "Tromsø", latitude: 69.65, longitude: 18.96, timeZone: oslo))
        let longyearbyen = ScheduleEvaluator(
            site: Site(name: "Longyearbyen", latitude: 78.22, longitude: 15.65, timeZone: oslo)
        )
        let allNight = try schedule([("sunset", 100), ("sunrise", 0)])
        let withOffsets = try schedule([("sunset-15m", 100), ("sunrise+15m", 0)])
        for plan in [allNight, withOffsets] {
            // 15 December: the sun does not rise at Tromsø.
            for hour in stride(from: 0, to: 24, by: 3) {
                let at = try instant("2026-12-15T\(hour < 10 ? "0" : "")\(hour):00:00Z")
                #expect(tromso.stepInForce(plan, at: at)?.level == 100, "\(at)")
            }
            // From late April to August the sun does not set at Longyearbyen.
            for day in ["2026-05-01", "2026-06-21", "2026-08-15"] {
                for hour in stride(from: 0, to: 24, by: 3) {
                    let at = try instant("\(day)T\(hour < 10 ? "0" : "")\(hour):00:00Z")
                    #expect(longyearbyen.stepInForce(plan, at: at)?.level == 0, "\(at)")
                }
            }
        }
    }
}
