import Foundation
import KerbsideTesting
import Logging
import MQTT
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A primary and its standby as an operator runs them: `kill -9` of the primary makes the broker publish its will,
/// and the standby takes over the signs at once.
@Suite("Hot standby as processes", .timeLimit(.minutes(2)))
struct HotStandbyProcessTests {
    func configuration(
        instance: String,
        standbyFor: String?,
        brokerPort: Int,
        httpPort: Int,
        directory: URL
    ) throws -> URL {
        let demo = try DaemonProcessTests.demoInventorySettings()
        let mqtt = "{topic_prefix: kerbside, instance: \(instance)" + (standbyFor.map { ", standby_for: \($0)" } ?? "")
        let file = directory.appendingPathComponent("\(instance).yaml")
        try """
        site: {name: Niort, latitude: 46.3237, longitude: -0.4588, time_zone: Europe/Paris}
        broker: {host: 127.0.0.1, port: \(brokerPort), client_id: kerbsided-\(instance)}
        mqtt: \(mqtt)}
        http: {host: 127.0.0.1, port: \(httpPort)}
        storage: {path: \(directory.appendingPathComponent("\(instance).sqlite").path)}
        \(demo.inventory)
        parking:
          zones: \(demo.zones)
        signs:
          - {id: breche-entree, zones: [place-breche]}
        lighting:
          groups: \(demo.groups)

        """.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    func launch(_ configuration: URL, log: URL) throws -> Process {
        let process = Process()
        process.executableURL = DaemonProcessTests.executable
        process.arguments = ["run", "--config", configuration.path]
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func readiness(port: Int) async -> [String: Any]? {
        guard let body = try? await DaemonProcessTests.body(of: "http://127.0.0.1:\(port)/readyz") else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
    }

    @Test func aKilledPrimaryIsReplacedByItsStandbyAtOnce() async throws {
        let broker = try TestBroker()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kerbside-standby-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (primaryPort, standbyPort) = (try TestBroker.freeLoopbackPort(), try TestBroker.freeLoopbackPort())
        let signs = try await TopicRecorder(broker: broker, filter: "kerbside/signs/#")

        let primary = try launch(
            try configuration(
                instance: "niort-a",
                standbyFor: nil,
                brokerPort: broker.port,
                httpPort: primaryPort,
                directory: directory
            ),
            log: directory.appendingPathComponent("niort-a.log")
        )
        defer { if primary.isRunning { kill(primary.processIdentifier, SIGKILL) } }
        try await waitUntil("the primary publishes", timeout: .seconds(60)) {
            await Self.readiness(port: primaryPort)?["publishing"] as? Bool == true && !signs.messages.isEmpty
        }
        let standby = try launch(
            try configuration(
                instance: "niort-b",
                standbyFor: "niort-a",
                brokerPort: broker.port,
                httpPort: standbyPort,
                directory: directory
            ),
            log: directory.appendingPathComponent("niort-b.log")
        )
        defer { if standby.isRunning { kill(standby.processIdentifier, SIGKILL) } }
        try await waitUntil("the standby stands by", timeout: .seconds(60)) {
            let readiness = await Self.readiness(port: standbyPort)
            return readiness?["ready"] as? Bool == true && readiness?["publishing"] as? Bool == false
        }

        let signsBefore = signs.messages.count
        kill(primary.processIdentifier, SIGKILL)
        primary.waitUntilExit()
        // The broker publishes the will as the socket closes; the standby states every sign at its next tick (1 s).
        try await waitUntil("the standby has taken over", timeout: .seconds(10)) {
            await Self.readiness(port: standbyPort)?["publishing"] as? Bool == true
        }
        try await waitUntil("the standby states the sign", timeout: .seconds(10)) {
            signs.messages.count > signsBefore
        }
        #expect(signs.messages.last?.topic == "kerbside/signs/breche-entree")

        standby.terminate()
        standby.waitUntilExit()
        #expect(standby.terminationStatus == 0)
    }
}
