import Foundation
import KerbsideCore

extension ConfigurationReader {
    /// The GeoJSON inventory files and the bays and lights in them. A file that cannot be read is reported at its
    /// entry in the configuration; what is wrong inside one is reported in that file.
    func readInventory(_ document: YAMLMapping, site: Site?) -> (files: [String], bays: [Bay], lights: [Light]) {
        let expected = "a list of GeoJSON files"
        guard let items = document.sequence("inventory", expected: expected, required: true) else {
            return ([], [], [])
        }
        if items.isEmpty {
            log.report(
                "expected \(expected) (at least one), found an empty list",
                at: document.location(of: "inventory")
            )
        }
        var files: [String] = []
        var bays: [Bay] = []
        var lights: [Light] = []
        for item in items {
            guard let given = yaml.string(item.node, key: item.key) else { continue }
            let path = resolve(given)
            guard !files.contains(path) else {
                yaml.report("\"\(path)\" is listed twice; each file is read once", key: item.key, at: item.node)
                continue
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                let found = FileManager.default.fileExists(atPath: path) ? "a file it cannot read" : "no such file"
                yaml.report(
                    "expected a readable GeoJSON file, found \(found) at \"\(path)\"",
                    key: item.key,
                    at: item.node
                )
                continue
            }
            files.append(path)
            log.beginFile(path)
            let reader = GeoJSONInventoryReader(file: path, site: site, log: log, locations: locations)
            let devices = reader.read(data)
            bays += devices.bays
            lights += devices.lights
        }
        return (files, bays, lights)
    }

    /// Reads the inventory files again, recording where each device is declared, so the cross-checks' problems can
    /// name a line; what is wrong inside the files was reported by the first reading.
    func recordDeviceLocations(files: [String], site: Site?) {
        locations.recordsDevices = true
        for path in files {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let reader = GeoJSONInventoryReader(file: path, site: site, log: ProblemLog(), locations: locations)
            _ = reader.read(data)
        }
    }
}
