import Foundation
import KerbsideConfiguration
import KerbsideCore
import KerbsideHTTP
import KerbsideTesting
import Logging
import MQTT
import Metrics
import Prometheus
import ServiceLifecycle
import Synchronization
import Testing

@testable import KerbsideDaemon

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A real mosquitto, the daemon in-process on the small fixture city with a manual clock, and a test MQTT client.
///
/// The aggregation loop's timer is set far apart; tests advance the clock and call `aggregate()` themselves.
final class DaemonHarness: Sendable {
    static let viewerSecret = "e2e-viewer"
    static let lightingSecret = "e2e-lighting"

    let broker: TestBroker
    let clock = ManualClock()
    let daemon: Daemon
    let publisher: MQTTClient
    let registry = PrometheusCollectorRegistry()
    private let runTask = LockedBox<Task<Void, any Error>?>(nil)
    private let group: ServiceGroup

    let storagePath: String
    /// The temporary directory of a storage path the harness chose itself, removed with the harness: each daemon
    /// makes 64 MiB journal segments ahead, so a suite that left them would fill the disk within days.
    private let ownedDirectory: URL?

    /// - Parameters:
    ///   - inventory: the city.
    ///   - ingest: the ingest policy.
    ///   - storagePath: the SQLite file; by default a new one in a temporary directory removed with the harness.
    ///   - storeCapacity: how many buckets and sessions may wait for a failing disk.
    ///   - dimming: retries, pacing and the off-target delay of dimming commands.
    ///   - networkServers: network-server integrations to read uplinks from.
    ///   - deviceModels: the device catalog.
    ///   - logger: where the daemon logs; warnings and worse to standard error by default.
    ///   - broker: a broker shared with other harnesses; a new one by default.
    ///   - topicPrefix: the daemon's `mqtt.topic_prefix`.
    ///   - instance: the daemon's `mqtt.instance`.
    ///   - standbyFor: the daemon's `mqtt.standby_for`.
    /// - Throws: when the broker, the database or the daemon cannot start.
    init(
        inventory: Inventory = Fixtures.smallCity(),
        ingest: IngestPolicy = IngestPolicy(),
        storagePath: String? = nil,
        storeCapacity: Int = 1_000_000,
        dimming: DimmingPolicy = DimmingPolicy(),
        networkServers: [NetworkServerSettings] = [],
        deviceModels: [String: DeviceModel] = [:],
        logger: Logger? = nil,
        broker: TestBroker? = nil,
        topicPrefix: String = "kerbside",
        instance: String = "e2e",
        standbyFor: String? = nil
    ) async throws {
        if let storagePath {
            self.storagePath = storagePath
            ownedDirectory = nil
        } else {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kerbside-e2e-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            self.storagePath = directory.appendingPathComponent("kerbside.sqlite").path
            ownedDirectory = directory
        }
        let storagePath = self.storagePath
        // Mosquitto's stock queue (1000 messages per client) drops bursts a busy test machine cannot drain at once;
        // a deployment sizes it the same way (see systemd/mosquitto-kerbside.conf).
        self.broker = try broker ?? TestBroker(configuration: ["max_queued_messages 100000"])
        let broker = self.broker
        var quiet = Logger(label: "e2e")
        quiet.logLevel = .warning
        let logger = logger ?? quiet
        var configuration = DaemonConfiguration(
            configFile: "/dev/null",
            site: Site(
                name: "Test",
                latitude: 46.32,
                longitude: -0.46,
                timeZone: TimeZone(identifier: "Europe/Paris") ?? .gmt
            ),
            broker: BrokerSettings(
                host: broker.host,
                port: broker.port,
                clientID: "kerbsided-e2e-\(UUID().uuidString)"
            ),
            topicPrefix: topicPrefix,
            instance: instance,
            http: HTTPSettings(host: "127.0.0.1", port: 0),
            storagePath: storagePath,
            ingest: ingest,
            aggregationInterval: 3600,
            logLevel: "warning",
            inventory: inventory,
            tokens: [
                AccessToken(name: "e2e", sha256: TokenHashing.sha256Hex(of: Self.viewerSecret), role: .viewer),
                AccessToken(
                    name: "engineer",
                    sha256: TokenHashing.sha256Hex(of: Self.lightingSecret),
                    role: .lighting
                ),
            ],
            inventoryFiles: []
        )
        // Ticks come from the test (`dimming.tickNow()`) and from schedule changes, never from the timer.
        configuration.dimmingInterval = 3600
        configuration.dimming = dimming
        configuration.networkServers = networkServers
        configuration.deviceModels = deviceModels
        configuration.standbyFor = standbyFor
        let registry = registry
        daemon = try Daemon(
            configuration: configuration,
            logger: logger,
            metricsFactory: PrometheusMetricsFactory(registry: registry),
            metricsExposition: { registry.emitToString() },
            clock: { [clock] in clock.now() },
            storeCapacity: storeCapacity
        )
        group = ServiceGroup(services: daemon.services, logger: logger)
        let group = group
        runTask.set(Task { try await group.run() })
        publisher = try MQTTClient(
            configuration: MQTTConfiguration(host: broker.host, port: broker.port, clientID: "e2e-publisher-\(UUID())"),
            logger: logger
        )
        try publisher.start()
        // Polled, never a blocking wait: the cooperative pool has as many threads as cores, and every test shares it.
        try await waitUntil("the daemon and the test publisher are connected and serving") {
            self.daemon.httpPort != nil && self.daemon.broker.isConnected
                && self.publisher.connectionState == .connected
        }
    }

    deinit {
        if let ownedDirectory { try? FileManager.default.removeItem(at: ownedDirectory) }
    }

    /// Stops the daemon as SIGTERM would, and waits for it.
    func shutdown() async throws {
        await group.triggerGracefulShutdown()
        try await runTask.value?.value
        publisher.stop()
    }

    func publish(_ topic: String, _ json: String, qos: MQTTQoS = .atLeastOnce) throws {
        try publisher.publish(topic: topic, payload: Array(json.utf8), qos: qos, retain: false)
    }

    func park(_ sensor: String, _ json: String) throws {
        try publish("kerbside/parking/\(sensor)/state", json)
    }

    func light(_ controller: String, _ json: String) throws {
        try publish("kerbside/lighting/\(controller)/state", json)
    }

    @discardableResult
    func aggregate() -> LiveSnapshot { daemon.aggregateNow() }

    /// Waits until the daemon has taken in `count` readings and rejections in all, so a test knows its messages
    /// have all arrived.
    func waitForMessages(_ count: Int) async throws {
        try await waitUntil("\(count) messages received") { self.messagesReceived >= count }
    }

    var messagesReceived: Int { metricValue("kerbside_mqtt_messages_total") }

    func rejects(_ reason: RejectReason) -> Int {
        daemon.pipeline.currentRejectLog().counts[reason].map(Int.init) ?? 0
    }

    func metricValue(_ name: String) -> Int {
        for line in registry.emitToString().split(separator: "\n") where line.hasPrefix(name + " ") {
            return Int(Double(line.split(separator: " ").last ?? "") ?? 0)
        }
        return 0
    }

    // MARK: HTTP

    /// Sends any request with a JSON body.
    func send(
        _ method: String,
        _ path: String,
        json: String? = nil,
        token: String? = DaemonHarness.lightingSecret
    ) async throws -> (status: Int, body: [String: Any]?) {
        let port = try #require(daemon.httpPort)
        var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(port)\(path)")))
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = Data(json.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return (
            (response as? HTTPURLResponse)?.statusCode ?? 0,
            try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        )
    }

    func get(_ path: String, token: String? = DaemonHarness.viewerSecret) async throws -> (status: Int, body: Data) {
        let port = try #require(daemon.httpPort)
        let url = try #require(URL(string: "http://127.0.0.1:\(port)\(path)"))
        var request = URLRequest(url: url)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    func getJSONArray(_ path: String) async throws -> [[String: Any]] {
        let (status, body) = try await get(path)
        #expect(status == 200, "GET \(path) answered \(status): \(String(decoding: body, as: UTF8.self))")
        return try #require(try JSONSerialization.jsonObject(with: body) as? [[String: Any]])
    }

    func getJSON(_ path: String, token: String? = DaemonHarness.viewerSecret) async throws -> [String: Any] {
        let (status, body) = try await get(path, token: token)
        #expect(status == 200, "GET \(path) answered \(status): \(String(decoding: body, as: UTF8.self))")
        return try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
    }
}

/// Polls `condition` until it holds or `timeout` passes: waiting on a condition, never on the clock alone.
func waitUntil(
    _ what: String,
    timeout: Duration = .seconds(10),
    _ condition: @Sendable () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(5))
    }
    Issue.record("timed out waiting until \(what)")
    throw CancellationError()
}

/// Collects what a test MQTT client receives on a filter, in order.
final class TopicRecorder: Sendable {
    let client: MQTTClient
    private let received = LockedBox<[MQTTMessage]>([])

    init(broker: TestBroker, filter: String) async throws {
        client = try MQTTClient(
            configuration: MQTTConfiguration(host: broker.host, port: broker.port, clientID: "e2e-recorder-\(UUID())"),
            logger: Logger(label: "recorder")
        )
        let received = received
        client.setMessageHandler { message in received.mutate { $0.append(message) } }
        try client.subscribe(filter, qos: .atLeastOnce)
        try client.start()
        let client = client
        try await waitUntil("the recorder is connected") { client.connectionState == .connected }
    }

    var messages: [MQTTMessage] { received.value }

    func json(_ message: MQTTMessage) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(message.payload)) as? [String: Any]) ?? [:]
    }

    deinit { client.stop() }
}
