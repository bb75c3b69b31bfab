import Foundation
import KerbsideConfiguration
import KerbsideCore
import Testing

@Suite("Dimming schedules in the configuration")
struct ScheduleConfigurationTests {
    @Test("schedules, the default, group assignments and command pacing are read")
    func seeds() throws {
        let fixture = try ConfigurationFixture()
        let configuration = try fixture.load(
            """
            site: {name: Testville, latitude: 46.3237, longitude: -0.4588, time_zone: Europe/Paris}
            inventory: [bays.geojson, lights.geojson]
            parking:
              zones: [{id: centre}]
            loops: {dimming_interval: 500ms}
            lighting:
              schedules:
                eco:
                  name: Eco
                  steps:
                    - {at: sunset, level: 100}
                    - {at: 23:00, level: 50}
                    - {at: sunrise+15m, level: 0}
                  exceptions:
                    - {name: Fête, dates: [2026-06-21], steps: [{at: civil_dusk, level: 100}]}
              default_schedule: eco
              commands: {rate: 10, max_attempts: 3, retry_after: 1m, off_target_after: 5m}
              groups:
                - {id: avenue, schedule: eco}

            """
        )
        let eco = try #require(configuration.scheduleSeeds["eco"])
        // An unquoted 23:00 or date is read as written, not as YAML 1.1 sexagesimal or timestamp.
        #expect(eco.steps?.map(\.at) == ["sunset", "23:00", "sunrise+15m"])
        #expect(eco.exceptions?.first?.dates == ["2026-06-21"])
        #expect(configuration.defaultSchedule == "eco")
        #expect(configuration.scheduleAssignments == ["avenue": "eco"])
        #expect(configuration.dimming.commandsPerSecond == 10)
        #expect(configuration.dimming.maxAttempts == 3)
        #expect(configuration.dimming.retryAfter == 60)
        #expect(configuration.dimming.offTargetAfter == 300)
        #expect(configuration.dimmingInterval == 0.5)
    }

    @Test("an invalid schedule is reported at the step that is wrong")
    func problems() throws {
        let fixture = try ConfigurationFixture()
        let problems = try fixture.problems(
            """
            site: {name: Testville, latitude: 46.3237, longitude: -0.4588, time_zone: Europe/Paris}
            inventory: [bays.geojson, lights.geojson]
            parking:
              zones: [{id: centre}]
            lighting:
              schedules:
                eco:
                  steps:
                    - {at: sunset, level: 100}
                    - {at: sunsett, level: 50}
              default_schedule: nightly
              groups:
                - {id: avenue, schedule: missing}

            """
        )
        let step = try problems.problem(at: "lighting.schedules.eco.steps[1].at")
        #expect(step.line == 10)
        #expect(step.message.contains("unknown event \"sunsett\""))
        #expect(try problems.problem(at: "lighting.default_schedule").message.contains("no schedule \"nightly\""))
        #expect(try problems.problem(at: "lighting.groups[0].schedule").line == 13)
    }
}
