import Foundation
import KerbsideCore
import Yams

/// Reads one composed configuration document, section by section, into a ``DaemonConfiguration``.
///
/// Every section substitutes a default for a value it had to reject and carries on, so the problems of all sections
/// and of the inventory files come out of one pass. A partly valid entry (a zone with a bad duration, say) is still
/// built from its id so that what refers to it does not fail as well: one mistake, one problem.
struct ConfigurationReader {
    /// The keys of the top level, in the order the reference file documents them.
    static let topLevelKeys = [
        "site", "broker", "mqtt", "http", "storage", "ingest", "loops", "logging", "inventory", "parking", "signs",
        "lighting", "access", "network_servers", "device_models",
    ]

    let yaml: YAMLReader
    /// Directory that relative paths in the file are resolved against: the configuration file's own.
    let baseDirectory: String
    let locations = InventoryLocations()

    var log: ProblemLog { yaml.log }

    /// The configuration in `root`, or `nil` when a required part is missing; problems are in `log` either way.
    func read(_ root: Node, configFile: String) -> DaemonConfiguration? {
        guard let document = yaml.mapping(root, key: "", keys: Self.topLevelKeys) else { return nil }
        let site = readSite(document)
        let (topicPrefix, instance, standbyFor) = readMQTT(document)
        let broker = readBroker(document, instance: instance)
        let http = readHTTP(document)
        let storage = readStorage(document)
        let ingest = readIngest(document)
        let loops = readLoops(document)
        let logLevel = readLogLevel(document)
        let zones = readZones(document)
        let signs = readSigns(document)
        let (groups, lightingControl) = readLightGroups(document)
        let tokens = readTokens(document)
        locations.recordsDevices = false
        let devices = readInventory(document, site: site)

        let inventory = Inventory(
            zones: zones,
            signs: signs,
            groups: groups,
            bays: devices.bays,
            lights: devices.lights
        )
        let deviceModels = readDeviceModels(document)
        let networkServers = readNetworkServers(document)
        let crossProblems = inventory.problems + catalogProblems(inventory, models: deviceModels)
        if !crossProblems.isEmpty {
            recordDeviceLocations(files: devices.files, site: site)
        }
        locations.report(
            crossProblems,
            to: log,
            fallback: document.location(of: "inventory")
        )

        guard let site else { return nil }
        var configuration = DaemonConfiguration(
            configFile: configFile,
            site: site,
            broker: broker,
            topicPrefix: topicPrefix,
            instance: instance,
            http: http,
            storagePath: storage.path,
            retention: storage.retention,
            ingest: ingest,
            aggregationInterval: loops.aggregation,
            logLevel: logLevel,
            inventory: inventory,
            tokens: tokens,
            inventoryFiles: devices.files
        )
        configuration.checkpointInterval = loops.checkpoint
        configuration.standbyFor = standbyFor
        configuration.deviceModels = deviceModels
        configuration.networkServers = networkServers
        configuration.dimmingInterval = loops.dimming
        configuration.dimming = lightingControl.policy
        configuration.scheduleSeeds = lightingControl.schedules
        configuration.defaultSchedule = lightingControl.defaultSchedule
        configuration.scheduleAssignments = lightingControl.assignments
        return configuration
    }

    private func readSite(_ document: YAMLMapping) -> Site? {
        let keys = ["name", "latitude", "longitude", "time_zone"]
        guard let site = document.mapping("site", keys: keys, required: true) else { return nil }
        let name = site.string("name", required: true)
        let latitude = site.double("latitude", in: -90...90, required: true)
        let longitude = site.double("longitude", in: -180...180, required: true)
        var timeZone: TimeZone?
        let expectedZone = "an IANA time zone name such as Europe/Paris"
        if let node = site.required("time_zone", expected: expectedZone),
            let identifier = yaml.string(node, key: site.path("time_zone"))
        {
            timeZone = TimeZone(identifier: identifier)
            if timeZone == nil {
                yaml.report(
                    "expected \(expectedZone), found unknown zone \"\(identifier)\"",
                    key: site.path("time_zone"),
                    at: node
                )
            }
        }
        guard let name, let latitude, let longitude, let timeZone else { return nil }
        return Site(name: name, latitude: latitude, longitude: longitude, timeZone: timeZone)
    }

    // MARK: Shared helpers

    /// `path` made absolute against the configuration file's directory.
    func resolve(_ path: String) -> String {
        let base = URL(fileURLWithPath: baseDirectory, isDirectory: true)
        return URL(fileURLWithPath: path, relativeTo: base).standardizedFileURL.path
    }

    /// An id at `name` of `mapping`, checked against ``IdentifierRules``.
    func identifier(_ mapping: YAMLMapping, _ name: String, required: Bool = true) -> String? {
        guard let id = mapping.string(name, required: required) else { return nil }
        if let problem = IdentifierRules.problem(with: id) {
            log.report(problem, at: mapping.location(of: name))
            return nil
        }
        return id
    }

    /// A readable file at `name` of `mapping`, resolved; reports a missing or unreadable one.
    func readableFile(_ mapping: YAMLMapping, _ name: String, directory: Bool = false) -> String? {
        guard let given = mapping.string(name) else { return nil }
        let path = resolve(given)
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        let what = directory ? "a readable directory" : "a readable file"
        if !exists {
            log.report("expected \(what), found no such path \"\(path)\"", at: mapping.location(of: name))
            return nil
        }
        if isDirectory.boolValue != directory || !FileManager.default.isReadableFile(atPath: path) {
            let found =
                isDirectory.boolValue != directory ? (directory ? "a file" : "a directory") : "no read permission"
            log.report("expected \(what), found \(found) at \"\(path)\"", at: mapping.location(of: name))
            return nil
        }
        return path
    }
}
