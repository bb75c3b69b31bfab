import Foundation
import KerbsideConfiguration
import KerbsideCore
import Testing

@Suite("GeoJSON inventory files")
struct GeoJSONInventoryTests {
    /// Loads the minimal configuration with `features` as its only inventory file, `devices.geojson`.
    private func load(_ features: [String], fixture: ConfigurationFixture) throws -> DaemonConfiguration {
        try fixture.write("devices.geojson", ConfigurationFixture.featureCollection(features))
        return try fixture.load(
            ConfigurationFixture.minimalYAML().replacingOccurrences(
                of: "[bays.geojson, lights.geojson]",
                with: "[devices.geojson]"
            )
        )
    }

    private func problems(_ features: [String], fixture: ConfigurationFixture) throws -> [ConfigurationProblem] {
        try problems(text: ConfigurationFixture.featureCollection(features), fixture: fixture)
    }

    private func problems(text: String, fixture: ConfigurationFixture) throws -> [ConfigurationProblem] {
        try fixture.write("devices.geojson", text)
        return try fixture.problems(
            ConfigurationFixture.minimalYAML().replacingOccurrences(
                of: "[bays.geojson, lights.geojson]",
                with: "[devices.geojson]"
            )
        )
    }

    @Test("kinds are inferred from sensor and controller, or taken from kind")
    func kinds() throws {
        let fixture = try ConfigurationFixture()
        let configuration = try load(
            [
                ConfigurationFixture.bay("b1", sensor: "s1", extra: #", "max_stay_minutes": 30, "colour": "blue""#),
                ConfigurationFixture.light("l1", controller: "c1"),
                ConfigurationFixture.bay("b2", sensor: "s2", extra: #", "kind": "parking_bay", "controller": null"#),
                ConfigurationFixture.light("l2", controller: "c2", extra: #", "kind": "streetlight", "sensor": "x""#),
            ],
            fixture: fixture
        )
        let inventory = configuration.inventory
        #expect(
            inventory.bays == [
                Bay(
                    id: "b1",
                    zone: "centre",
                    sensor: "s1",
                    maxStayMinutes: 30,
                    coordinate: Coordinate(longitude: -0.4588, latitude: 46.3237)
                ),
                Bay(
                    id: "b2",
                    zone: "centre",
                    sensor: "s2",
                    coordinate: Coordinate(longitude: -0.4588, latitude: 46.3237)
                ),
            ]
        )
        #expect(inventory.lights.map(\.id) == ["l1", "l2"])
        #expect(inventory.lights.first?.ratedPowerWatts == 60)
        #expect(configuration.inventoryFiles == [fixture.path("devices.geojson")])
    }

    @Test("null geometry, numeric ids and the feature's own id are accepted")
    func lenientShapes() throws {
        let fixture = try ConfigurationFixture()
        let configuration = try load(
            [
                #"{"type": "Feature", "geometry": null, "properties": {"id": 17, "zone": "centre", "sensor": "s1"}}"#,
                #"{"type": "Feature", "id": "b2", "geometry": null, "properties": {"zone": "centre", "sensor": "s2"}}"#,
            ],
            fixture: fixture
        )
        #expect(configuration.inventory.bays.map(\.id) == ["17", "b2"])
        #expect(configuration.inventory.bays.allSatisfy { $0.coordinate == nil })
    }

    @Test("feature problems name the file, the feature index and its id")
    func featureProblems() throws {
        let fixture = try ConfigurationFixture()
        let problems = try problems(
            [
                ConfigurationFixture.bay("b0", sensor: "s0"),
                #"""
                {"type": "Feature", "geometry": null,
                 "properties": {"id": "x1", "sensor": "s1", "controller": "c1"}}
                """#,
                #"{"type": "Feature", "geometry": null, "properties": {"id": "x2"}}"#,
                #"{"type": "Feature", "geometry": null, "properties": {"id": "b3", "zone": "centre", "sensor": true}}"#,
                #"""
                {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": []},
                 "properties": {"id": "b4", "zone": "centre", "sensor": "s4"}}
                """#,
                ConfigurationFixture.light("l5", controller: "c5", extra: #", "kind": "lamp""#),
                #"""
                {"type": "Feature", "geometry": null,
                 "properties": {"id": "l6", "group": "avenue", "controller": "c6", "rated_power_w": -5}}
                """#,
                #"""
                {"type": "Feature", "geometry": {"type": "Point", "coordinates": [46.3237, -0.4588]},
                 "properties": {"id": "b7", "zone": "centre", "sensor": "s7", "max_stay_minutes": 1.5}}
                """#,
                #"""
                {"type": "Feature", "geometry": {"type": "Point", "coordinates": [200, 46]},
                 "properties": {"id": "b8", "zone": "centre", "sensor": "s/8"}}
                """#,
                #"{"type": "Feature", "geometry": null, "properties": null}"#,
            ],
            fixture: fixture
        )
        let file = fixture.path("devices.geojson")
        #expect(problems.allSatisfy { $0.file == file })
        #expect(
            try problems.problem(at: "features[1].properties").message
                == "has both sensor and controller; set kind to parking_bay or streetlight (feature \"x1\")"
        )
        #expect(try problems.problem(at: "features[2].properties").message.hasPrefix("has neither sensor"))
        #expect(
            try problems.problem(at: "features[3].properties.sensor").message
                == "expected a non-empty string, found the boolean true (feature \"b3\")"
        )
        #expect(
            try problems.problem(at: "features[4].geometry.type").message
                == "expected a Point geometry or null, found the string \"Polygon\" (feature \"b4\")"
        )
        #expect(
            try problems.problem(at: "features[5].properties.kind").message
                == "expected parking_bay or streetlight, found \"lamp\" (feature \"l5\")"
        )
        #expect(
            try problems.problem(at: "features[6].properties.rated_power_w").message
                == "expected a number greater than 0, found the number -5 (feature \"l6\")"
        )
        #expect(try problems.problem(at: "features[7].geometry.coordinates").message.contains("looks swapped"))
        #expect(
            try problems.problem(at: "features[7].properties.max_stay_minutes").message
                == "expected a whole number greater than 0, found the number 1.5 (feature \"b7\")"
        )
        #expect(try problems.problem(at: "features[8].geometry.coordinates").message.contains("[200, 46]"))
        #expect(try problems.problem(at: "features[8].properties.sensor").message.contains("containing \"/\""))
        #expect(try problems.problem(at: "features[9].properties").message.hasSuffix("found null"))
        #expect(problems.count == 11)
    }

    @Test("a file that is not JSON, not a FeatureCollection or missing is reported")
    func invalidFiles() throws {
        let fixture = try ConfigurationFixture()
        let notJSON = try problems(
            text: "{\"type\": \"FeatureCollection\", \"features\": [\n{oops}]}",
            fixture: fixture
        )
        #expect(notJSON.count == 1)
        #expect(notJSON.first?.file == fixture.path("devices.geojson"))
        #expect(
            notJSON.first?.message
                == "expected a GeoJSON FeatureCollection, found text that is not valid JSON: "
                + "expected a quoted member name"
        )
        #expect(notJSON.first?.line == 2)
        #expect(notJSON.first?.column == 2)

        let trailingComma = try problems(text: #"{"type": "FeatureCollection", "features": [],}"#, fixture: fixture)
        #expect(trailingComma.first?.column == 46)

        let feature = try problems(text: ConfigurationFixture.bay("b1", sensor: "s1"), fixture: fixture)
        #expect(
            try feature.problem(at: "type").message == "expected \"FeatureCollection\" (a list of features), "
                + "found the string \"Feature\""
        )

        // Features are read as the parser reaches them; a wrong type after them is still the only problem.
        let typeLast = try problems(
            text: #"{"features": [{"type": "Feature", "properties": {}}], "type": "Topology"}"#,
            fixture: fixture
        )
        #expect(typeLast.filter { $0.file == fixture.path("devices.geojson") }.count == 1)
        #expect(
            try typeLast.problem(at: "type").message == "expected \"FeatureCollection\" (a list of features), "
                + "found the string \"Topology\""
        )

        let array = try problems(text: "[]", fixture: fixture)
        #expect(array.first?.message == "expected a GeoJSON FeatureCollection object, found an array of 0 values")

        let noFeatures = try problems(text: #"{"type": "FeatureCollection", "features": {}}"#, fixture: fixture)
        #expect(try noFeatures.problem(at: "features").message == "expected an array of features, found an object")

        let missing = try fixture.problems(
            ConfigurationFixture.minimalYAML().replacingOccurrences(
                of: "[bays.geojson, lights.geojson]",
                with: "[bays.geojson, lights.geojson, streets.geojson]"
            )
        )
        let entry = try missing.problem(at: "inventory[2]")
        #expect(entry.file == fixture.configPath)
        #expect(entry.line == 2)
        #expect(entry.message.contains("no such file"))
    }

    @Test("features may come before the type member")
    func featuresBeforeType() throws {
        let fixture = try ConfigurationFixture()
        try fixture.write(
            "devices.geojson",
            #"{"features": [\#(ConfigurationFixture.bay("b1", sensor: "s1"))], "type": "FeatureCollection"}"#
        )
        let configuration = try fixture.load(
            ConfigurationFixture.minimalYAML().replacingOccurrences(
                of: "[bays.geojson, lights.geojson]",
                with: "[devices.geojson]"
            )
        )
        #expect(configuration.inventory.bays.map(\.id) == ["b1"])
    }

    @Test("problems carry the line of the object they are in; escapes decode")
    func linesAndEscapes() throws {
        let fixture = try ConfigurationFixture()
        let text = #"""
            {"type": "FeatureCollection",
             "features": [
              {"type": "Feature", "geometry": null,
               "properties": {"id": "br\u00e8che-1", "zone": "centre", "sensor": "s\u002d1", "car": "\ud83d\ude97"}},
              {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-0.45]},
               "properties": {"id": "b2", "zone": "centre", "sensor": "s2"}},
              {"type": "Feature", "geometry": null,
               "properties": {"id": "b3", "zone": "centre"}}
             ]}
            """#
        let problems = try problems(text: text, fixture: fixture)
        let coordinates = try problems.problem(at: "features[1].geometry.coordinates")
        #expect(coordinates.line == 5)
        #expect(coordinates.column == 35)
        #expect(coordinates.message.contains("found an array of 1 value (feature \"b2\")"))
        let neither = try problems.problem(at: "features[2].properties")
        #expect(neither.line == 8)
        #expect(neither.column == 18)
        #expect(problems.count == 2)

        let configuration = try load(
            [
                #"""
                {"type": "Feature", "geometry": null,
                 "properties": {"id": "br\u00e8che-1", "zone": "centre", "sensor": "s\u002d1"}}
                """#
            ],
            fixture: fixture
        )
        #expect(configuration.inventory.bays.first?.id == "brèche-1")
        #expect(configuration.inventory.bays.first?.sensor == "s-1")
    }
}
