import Foundation
import KerbsideCore
import KerbsideStore
import KerbsideTesting
import Logging
import MQTT
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `kill -9` in the middle of a QoS 1 stream, several times: the persistent session, the journal and the
/// checkpoints together must account for every reading once, losing at most the one inside the callback per kill.
@Suite("Crash recovery of kerbsided", .timeLimit(.minutes(4)))
struct CrashRecoveryTests {
    static let readingsPerBay = 40
    static let kills = 3
    /// The zones whose bays the stream flips: the first demo's 56 bays, not the whole demo city.
    static let zones = ["place-breche", "gare", "hotel-de-ville"]

    static func sensors() throws -> [String] {
        let url = DaemonProcessTests.packageRoot.appendingPathComponent("Devices/demo/bays.geojson")
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        let features = try #require(document?["features"] as? [[String: Any]])
        return features.compactMap {
            guard let properties = $0["properties"] as? [String: Any],
                let zone = properties["zone"] as? String, zones.contains(zone)
            else { return nil }
            return properties["sensor"] as? String
        }
    }

    func configuration(directory: URL, brokerPort: Int, httpPort: Int) throws -> String {
        let demo = try DaemonProcessTests.demoInventorySettings()
        return """
            site: {name: Niort, latitude: 46.3237, longitude: -0.4588, time_zone: Europe/Paris}
            broker: {host: 127.0.0.1, port: \(brokerPort), client_id: kerbsided-crash-test}
            mqtt: {topic_prefix: kerbside, instance: crash-test}
            http: {host: 127.0.0.1, port: \(httpPort)}
            storage: {path: \(directory.appendingPathComponent("kerbside.sqlite").path)}
            loops: {aggregation_interval: 100ms, checkpoint_interval: 1s}
            \(demo.inventory)
            parking:
              defaults: {offline_after: 1d, flapping_max_changes: 10000, flapping_window: 1s}
              zones: \(demo.zones)
            lighting:
              groups: \(demo.groups)
            access:
              tokens: [{name: test, sha256: 171d50e88768456ffd665f43291b141c39eee45c6878c4e962ffabe4aeaadce8, role: viewer}]

            """
    }

    func launch(configFile: URL, log: URL) throws -> Process {
        let process = Process()
        process.executableURL = DaemonProcessTests.executable
        process.arguments = ["run", "--config", configFile.path]
        if !FileManager.default.fileExists(atPath: log.path) {
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: log)
        try handle.seekToEnd()
        process.standardError = handle
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func acceptedReadings(httpPort: Int) async -> Int? {
        guard let body = try? await DaemonProcessTests.body(of: "http://127.0.0.1:\(httpPort)/metrics") else {
            return nil
        }
        for line in body.split(separator: "\n") where line.hasPrefix("kerbside_readings_accepted_total ") {
            return Int(Double(line.split(separator: " ").last ?? "") ?? 0)
        }
        return nil
    }

    @Test func killNineMidStreamLosesAtMostOneReadingPerKillAndCountsNoneTwice() async throws {
        let broker = try TestBroker(configuration: ["max_queued_messages 1000000"])
        let httpPort = try TestBroker.freeLoopbackPort()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kerbside-crash-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let configFile = directory.appendingPathComponent("kerbside.yaml")
        try configuration(directory: directory, brokerPort: broker.port, httpPort: httpPort)
            .write(to: configFile, atomically: true, encoding: .utf8)
        let log = directory.appendingPathComponent("kerbsided.log")

        let publisher = try MQTTClient(
            configuration: MQTTConfiguration(host: broker.host, port: broker.port, clientID: "crash-pub-\(UUID())"),
            logger: Logger(label: "publisher")
        )
        try publisher.start()
        defer { publisher.stop() }
        try await waitUntil("publisher connected") { publisher.connectionState == .connected }

        // Every reading flips its bay, so each one after a bay's first is an arrival or a departure: a lost one
        // takes two transitions away (one if it was the bay's last), one counted twice would add.
        let sensors = try Self.sensors()
        var stream: [(topic: String, payload: [UInt8])] = []
        for round in 0..<Self.readingsPerBay {
            for sensor in sensors {
                stream.append(
                    (
                        "kerbside/parking/\(sensor)/state",
                        Array(#"{"occupied":\#(round % 2 == 0),"seq":\#(round + 1)}"#.utf8)
                    )
                )
            }
        }
        let chunks = stride(from: 0, to: stream.count, by: stream.count / (Self.kills + 1)).map {
            stream[$0..<min($0 + stream.count / (Self.kills + 1), stream.count)]
        }

        var process = try launch(configFile: configFile, log: log)
        try await waitUntil("kerbsided is ready", timeout: .seconds(60)) {
            (try? await DaemonProcessTests.status(of: "http://127.0.0.1:\(httpPort)/readyz")) == 200
        }
        for (index, chunk) in chunks.enumerated() {
            for message in chunk {
                try publisher.publish(topic: message.topic, payload: message.payload, qos: .atLeastOnce, retain: false)
            }
            guard index < Self.kills else { break }
            // Kill it while the chunk is still flowing in: as soon as it has applied some of it.
            try await waitUntil("kerbsided is taking the stream", timeout: .seconds(60)) {
                (await Self.acceptedReadings(httpPort: httpPort) ?? 0) >= 20
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
            process = try launch(configFile: configFile, log: log)
            try await waitUntil("kerbsided is back", timeout: .seconds(60)) {
                (try? await DaemonProcessTests.status(of: "http://127.0.0.1:\(httpPort)/readyz")) == 200
            }
        }
        // Delivered in order after everything before it: once it shows, the stream is through.
        try publisher.publish(
            topic: "kerbside/lighting/ul2030-0001/state",
            payload: Array(#"{"level":42,"seq":1}"#.utf8),
            qos: .atLeastOnce,
            retain: false
        )
        try await waitUntil("the last message is applied", timeout: .seconds(60)) {
            let url = "http://127.0.0.1:\(httpPort)/api/v1/lighting/lights/adp-01"
            let body = try? await DaemonProcessTests.body(of: url)
            return body?.contains(#""reported_level":42"#) == true
        }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "\(output.suffix(4000))")
        #expect(output.contains("replayed the ingest journal"), "\(output.suffix(4000))")

        let database = try KerbsideDatabase(path: directory.appendingPathComponent("kerbside.sqlite").path)
        let from = Date().addingTimeInterval(-3600)
        let to = Date().addingTimeInterval(3600)
        var transitions = 0
        for zone in Self.zones {
            transitions += try database.minuteRollups(zone: zone, from: from, to: to)
                .reduce(0) { $0 + $1.arrivals + $1.departures }
        }
        // The minute still open at the stop lives in the checkpoint, and goes on when the daemon starts again.
        let checkpoint = try #require(try database.checkpoint())
        transitions += checkpoint.state.zoneRollups.reduce(0) {
            let open = $1.openBucket(at: checkpoint.state.takenAt)
            return $0 + open.arrivals + open.departures
        }
        let expected = sensors.count * (Self.readingsPerBay - 1)
        let missing = expected - transitions
        print("crash recovery: \(Self.kills) kills, \(stream.count) readings, \(missing) transitions missing")
        #expect(transitions <= expected, "a reading was counted twice")
        #expect(missing <= 2 * Self.kills, "more than one reading lost per kill")
    }
}
