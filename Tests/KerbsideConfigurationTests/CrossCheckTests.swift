import Foundation
import KerbsideConfiguration
import Testing

@Suite("Inventory cross-checks")
struct CrossCheckTests {
    @Test("a bay in an unknown zone and a light in an unknown group point at the feature's property")
    func unknownReferences() throws {
        let fixture = try ConfigurationFixture()
        try fixture.write(
            "bays.geojson",
            ConfigurationFixture.featureCollection([
                ConfigurationFixture.bay("c1", sensor: "s1"),
                ConfigurationFixture.bay("c2", zone: "centr", sensor: "s2"),
            ])
        )
        try fixture.write(
            "lights.geojson",
            ConfigurationFixture.featureCollection([ConfigurationFixture.light("l1", group: "avenu", controller: "c1")])
        )
        let problems = try fixture.problems(ConfigurationFixture.minimalYAML())
        let bay = try problems.problem(at: "features[1].properties.zone")
        #expect(bay.file == fixture.path("bays.geojson"))
        #expect(bay.message == "bay \"c2\": zone \"centr\" is not configured")
        let light = try problems.problem(at: "features[0].properties.group")
        #expect(light.file == fixture.path("lights.geojson"))
        #expect(problems.count == 2)
    }

    @Test("duplicates across files point at the second declaration and name the first")
    func duplicates() throws {
        let fixture = try ConfigurationFixture()
        try fixture.write(
            "more.geojson",
            ConfigurationFixture.featureCollection([
                ConfigurationFixture.bay("c3", sensor: "s3"), ConfigurationFixture.bay("c1", sensor: "s1"),
            ])
        )
        let problems = try fixture.problems(
            ConfigurationFixture.minimalYAML().replacingOccurrences(
                of: "[bays.geojson, lights.geojson]",
                with: "[bays.geojson, lights.geojson, more.geojson]"
            )
                + """
                signs:
                  - {id: s1, zones: [centre]}
                  - {id: s1, zones: [centre]}

                """
        )
        let sign = try problems.problem(at: "signs[1].id")
        #expect(sign.line == 11)
        #expect(sign.message == "sign \"s1\" is declared more than once; first at signs[0].id (line 10)")
        let bay = try problems.problem(at: "features[1].properties.id")
        #expect(bay.file == fixture.path("more.geojson"))
        #expect(
            bay.message.hasPrefix("bay \"c1\" is declared more than once; first at \(fixture.path("bays.geojson"))")
        )
        let sensor = try problems.problem(at: "features[1].properties.sensor")
        #expect(sensor.message.hasPrefix("sensor \"s1\" is declared more than once"))
        #expect(problems.count == 3)
    }

    @Test("signs over unknown zones and disordered thresholds point at the sign's keys")
    func signs() throws {
        let fixture = try ConfigurationFixture()
        let problems = try fixture.problems(
            ConfigurationFixture.minimalYAML(
                """
                signs:
                  - id: gare
                    zones: [centre, gare]
                  - id: centre
                    zones: [centre]
                    thresholds: {full_increasing: 0, full_decreasing: 5, almost_full_increasing: 5,
                                 almost_full_decreasing: 8}
                  - id: partial
                    zones: []
                    thresholds: {full_increasing: 0}

                """
            )
        )
        let zone = try problems.problem(at: "signs[0].zones[1]")
        #expect(zone.line == 11)
        #expect(zone.column == 21)
        #expect(zone.message == "sign \"gare\": zone \"gare\" is not configured")
        let thresholds = try problems.problem(at: "signs[1].thresholds")
        #expect(thresholds.line == 14)
        #expect(thresholds.message == "sign \"centre\": full_decreasing must be < almost_full_increasing")
        #expect(try problems.problem(at: "signs[2].zones").message == "sign \"partial\": counts no zone")
        #expect(
            try problems.problem(at: "signs[2].thresholds.full_decreasing").message
                == "expected all four thresholds or none, missing full_decreasing, almost_full_increasing, "
                + "almost_full_decreasing"
        )
        #expect(problems.count == 4)
    }

    @Test("a suspect threshold shorter than the stay limit is reported")
    func suspectAfterStayLimit() throws {
        let fixture = try ConfigurationFixture()
        let problems = try fixture.problems(
            """
            site: {name: Testville, latitude: 46.3237, longitude: -0.4588, time_zone: Europe/Paris}
            inventory: [bays.geojson]
            parking:
              defaults: {suspect_after: 2h}
              zones:
                - {id: centre, max_stay_minutes: 180}

            """
        )
        let problem = try problems.problem(at: "parking.zones[0].max_stay_minutes")
        #expect(problem.message.hasPrefix("expected suspect_after (2h) to be longer than max_stay_minutes (3h)"))
        #expect(problems.count == 1)
    }
}
