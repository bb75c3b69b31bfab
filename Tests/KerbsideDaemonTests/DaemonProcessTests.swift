import Foundation
import KerbsideTesting
import Logging
import MQTT
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `kerbsided` as an operator runs it: the built executable, a configuration file, signals.
@Suite("kerbsided as a process", .timeLimit(.minutes(2)))
struct DaemonProcessTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The executable beside the test bundle, which `swift build --build-tests` builds.
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kerbsided")
    }

    func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kerbsided-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Every value of `property` in the demo inventory file `file`, once each, in the file's order.
    static func demoValues(of property: String, in file: String) throws -> [String] {
        let url = packageRoot.appendingPathComponent("Devices/demo").appendingPathComponent(file)
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        let features = try #require(document?["features"] as? [[String: Any]])
        var values: [String] = []
        for feature in features {
            if let value = (feature["properties"] as? [String: Any])?[property] as? String, !values.contains(value) {
                values.append(value)
            }
        }
        return values
    }

    /// The settings a configuration needs to load the demo inventory: the files, the device catalog its LoRaWAN
    /// devices name, and every zone and light group it uses (as YAML flow lists, for `zones:` and `groups:`).
    static func demoInventorySettings() throws -> (inventory: String, zones: String, groups: String) {
        let demo = packageRoot.appendingPathComponent("Devices/demo")
        let files = ["bays.geojson", "lights.geojson"].map { demo.appendingPathComponent($0).path }
        let inventory = """
            inventory: [\(files.joined(separator: ", "))]
            device_models: \(packageRoot.appendingPathComponent("Devices/models").path)
            """
        func flow(_ ids: [String]) -> String { "[" + ids.map { "{id: \($0)}" }.joined(separator: ", ") + "]" }
        return (
            inventory,
            flow(try demoValues(of: "zone", in: "bays.geojson")),
            flow(try demoValues(of: "group", in: "lights.geojson"))
        )
    }

    func demoConfiguration(brokerPort: Int, httpPort: Int) throws -> String {
        let demo = try Self.demoInventorySettings()
        return """
            site: {name: Niort, latitude: 46.3237, longitude: -0.4588, time_zone: Europe/Paris}
            broker: {host: 127.0.0.1, port: \(brokerPort), client_id: kerbsided-process-test}
            mqtt: {topic_prefix: kerbside, instance: process-test}
            http: {host: 127.0.0.1, port: \(httpPort)}
            \(demo.inventory)
            parking:
              zones: \(demo.zones)
            signs:
              - {id: breche-entree, zones: [place-breche]}
            lighting:
              groups: \(demo.groups)
            access:
              tokens: [{name: test, sha256: 171d50e88768456ffd665f43291b141c39eee45c6878c4e962ffabe4aeaadce8, role: viewer}]

            """
    }

    func launch(_ arguments: [String]) throws -> (process: Process, stderr: Pipe) {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = Pipe()
        try process.run()
        return (process, stderr)
    }

    @Test func checkConfigReportsEveryProblemWithItsPlaceAndExits78() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("broken.yaml")
        try """
        site: {name: X, latitude: 123, longitude: 0, time_zone: Mars/Olympus}
        brokr: {host: localhost}
        inventory: [missing.geojson]

        """.write(to: file, atomically: true, encoding: .utf8)
        let (process, stderr) = try launch(["check-config", "--config", file.path])
        let report = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 78)
        #expect(report.contains("broken.yaml:1:"), "\(report)")
        #expect(report.contains("site.latitude"))
        #expect(report.contains("site.time_zone"))
        #expect(report.contains("brokr"))
        #expect(report.contains("missing.geojson"))
    }

    @Test func runsOnTheDemoInventoryAndShutsDownCleanlyOnSIGTERM() async throws {
        let broker = try TestBroker()
        let httpPort = try TestBroker.freeLoopbackPort()
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("kerbside.yaml")
        try demoConfiguration(brokerPort: broker.port, httpPort: httpPort).write(
            to: file,
            atomically: true,
            encoding: .utf8
        )

        let watcher = try MQTTClient(
            configuration: MQTTConfiguration(host: broker.host, port: broker.port, clientID: "watcher-\(UUID())"),
            logger: Logger(label: "watcher")
        )
        let presence = LockedStrings()
        watcher.setMessageHandler { presence.append(String(decoding: $0.payload, as: UTF8.self)) }
        try watcher.subscribe("kerbside/daemon/process-test/status", qos: .atLeastOnce)
        try watcher.start()
        defer { watcher.stop() }

        let (process, stderr) = try launch(["run", "--config", file.path])
        try await waitUntil("kerbsided is ready", timeout: .seconds(30)) {
            (try? await Self.status(of: "http://127.0.0.1:\(httpPort)/readyz")) == 200
        }
        try await waitUntil("online announced") { presence.values.last == "online" }

        let publisher = try MQTTClient(
            configuration: MQTTConfiguration(host: broker.host, port: broker.port, clientID: "pub-\(UUID())"),
            logger: Logger(label: "publisher")
        )
        try publisher.start()
        defer { publisher.stop() }
        try await waitUntil("publisher connected") { publisher.connectionState == .connected }
        try publisher.publish(
            topic: "kerbside/parking/nwave-0001/state",
            payload: Array(#"{"occupied":true}"#.utf8),
            qos: .atLeastOnce,
            retain: false
        )
        try await waitUntil("the reading is visible over HTTP") {
            let body = try? await Self.body(of: "http://127.0.0.1:\(httpPort)/api/v1/parking/bays/breche-001")
            return body?.contains("\"state\":\"occupied\"") == true
        }

        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let log = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(log)")
        try await waitUntil("offline announced") { presence.values.last == "offline" }
        #expect(log.contains("stopped"))
    }

    static func status(of url: String) async throws -> Int {
        let (_, response) = try await URLSession.shared.data(from: try #require(URL(string: url)))
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    static func body(of url: String) async throws -> String {
        var request = URLRequest(url: try #require(URL(string: url)))
        request.setValue("Bearer kerbside-demo-viewer", forHTTPHeaderField: "Authorization")
        let (data, _) = try await URLSession.shared.data(for: request)
        return String(decoding: data, as: UTF8.self)
    }
}

/// Strings appended from a callback thread and read by the test.
final class LockedStrings: Sendable {
    private let strings = LockedBox<[String]>([])
    var values: [String] { strings.value }
    func append(_ string: String) { strings.mutate { $0.append(string) } }
}
