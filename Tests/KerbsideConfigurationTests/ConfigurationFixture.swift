import Foundation
import KerbsideConfiguration
import Testing

/// A fresh temporary directory per test holding a configuration and its inventory, removed when released.
final class ConfigurationFixture {
    let directory: URL

    /// A directory with `bays.geojson` (zone `centre`, bays `c1`, `c2`) and `lights.geojson` (group `avenue`,
    /// light `l1`), the inventory ``minimalYAML`` names.
    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kerbside-config-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try write("bays.geojson", Self.featureCollection([Self.bay("c1", sensor: "s1"), Self.bay("c2", sensor: "s2")]))
        try write("lights.geojson", Self.featureCollection([Self.light("l1", controller: "ctl-1")]))
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    var configPath: String { directory.appendingPathComponent("kerbside.yaml").path }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ contents: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Writes `yaml` as `kerbside.yaml` and loads it.
    func load(_ yaml: String) throws -> DaemonConfiguration {
        try write("kerbside.yaml", yaml)
        return try ConfigurationLoader.load(path: configPath)
    }

    /// Writes `yaml` as `kerbside.yaml`, expects loading to fail and returns the problems.
    func problems(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [ConfigurationProblem] {
        try write("kerbside.yaml", yaml)
        do {
            let configuration = try ConfigurationLoader.load(path: configPath)
            Issue.record("expected problems, loaded \(configuration.configFile)", sourceLocation: sourceLocation)
            return []
        } catch {
            return error.problems
        }
    }

    /// The smallest valid configuration, with `extra` appended at the top level.
    static func minimalYAML(_ extra: String = "") -> String {
        """
        site: {name: Testville, latitude: 46.3237, longitude: -0.4588, time_zone: Europe/Paris}
        inventory: [bays.geojson, lights.geojson]
        parking:
          zones:
            - {id: centre, name: Centre}
        lighting:
          groups:
            - {id: avenue, name: Avenue}

        """ + extra
    }

    static func featureCollection(_ features: [String]) -> String {
        "{\"type\": \"FeatureCollection\", \"features\": [\n" + features.joined(separator: ",\n") + "\n]}\n"
    }

    static func bay(_ id: String, zone: String = "centre", sensor: String, extra: String = "") -> String {
        """
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-0.4588, 46.3237]},
         "properties": {"id": "\(id)", "zone": "\(zone)", "sensor": "\(sensor)"\(extra)}}
        """
    }

    static func light(_ id: String, group: String = "avenue", controller: String, extra: String = "") -> String {
        """
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-0.4590, 46.3240]},
         "properties": {"id": "\(id)", "group": "\(group)", "controller": "\(controller)", "rated_power_w": 60\(extra)}}
        """
    }
}

extension [ConfigurationProblem] {
    /// The problem at `key`, failing the test when there is none.
    func problem(at key: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ConfigurationProblem {
        try #require(
            first { $0.key == key },
            "no problem at \(key) in:\n\(map(\.description).joined(separator: "\n"))",
            sourceLocation: sourceLocation
        )
    }
}
