import Foundation
import KerbsideTesting
import Logging
import MQTT

/// Builders and waits shared by the broker tests.
enum MQTTTestSupport {
    /// A unique topic prefix per test, so parallel tests never see each other's messages.
    static func uniqueTopic(_ name: String) -> String {
        "kerbside-test/\(name)/\(UUID().uuidString.prefix(8))"
    }

    static func configuration(
        _ broker: TestBroker,
        clientID: String = "test-\(UUID().uuidString.prefix(8))",
        protocolVersion: MQTTProtocolVersion = .v311,
        username: String? = nil,
        password: String? = nil,
        keepAliveSeconds: Int = 60,
        will: MQTTWill? = nil,
        tls: MQTTTLSConfiguration? = nil
    ) -> MQTTConfiguration {
        MQTTConfiguration(
            host: broker.host,
            port: broker.port,
            clientID: clientID,
            username: username,
            password: password,
            protocolVersion: protocolVersion,
            keepAliveSeconds: keepAliveSeconds,
            tls: tls,
            will: will,
            reconnectDelayMin: .seconds(1),
            reconnectDelayMax: .seconds(2)
        )
    }

    /// Checks `condition` every 10 ms until it holds or the timeout passes.
    ///
    /// The wait for a condition with a deadline that every broker test uses: a message, a state, a log line.
    static func poll(timeout: Duration = .seconds(20), until condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    static var quietLogger: Logger {
        Logger(label: "mqtt-test") { _ in SwiftLogNoOpLogHandler() }
    }
}

/// A started client that records every message and connection state it sees.
final class RecordingClient: Sendable {
    let client: MQTTClient
    let messages = Recorder<MQTTMessage>()
    let states = Recorder<MQTTConnectionState>()

    /// Creates the client, subscribes to `filters` (renewed on every connect) and starts it.
    init(
        _ configuration: MQTTConfiguration,
        subscribing filters: [String] = [],
        qos: MQTTQoS = .atLeastOnce,
        logger: Logger = MQTTTestSupport.quietLogger,
        start: Bool = true
    ) throws {
        client = try MQTTClient(configuration: configuration, logger: logger)
        let messages = messages
        let states = states
        client.setMessageHandler { messages.append($0) }
        client.setConnectionHandler { states.append($0) }
        for filter in filters {
            try client.subscribe(filter, qos: qos)
        }
        if start {
            try client.start()
        }
    }

    deinit {
        client.stop()
    }

    /// Waits until the client is connected, without blocking a thread.
    func waitUntilConnected(timeout: Duration = .seconds(20)) async -> Bool {
        await MQTTTestSupport.poll(timeout: timeout) { client.connectionState == .connected }
    }

    /// Waits until a message on `topic` with `payload` has arrived.
    @discardableResult
    func waitForMessage(topic: String, payload: String, timeout: Duration = .seconds(20)) async -> MQTTMessage? {
        let bytes = Array(payload.utf8)
        let matches: @Sendable (MQTTMessage) -> Bool = { $0.topic == topic && $0.payload == bytes }
        await messages.wait(timeout: timeout) { $0.contains(where: matches) }
        return messages.all.first(where: matches)
    }

    /// Proves the broker has processed this client's subscription to a filter matching `topic` by publishing a
    /// probe there and waiting for it to come back: the broker handles the packets of one connection in order.
    func waitUntilSubscribed(probing topic: String, timeout: Duration = .seconds(20)) async throws -> Bool {
        let payload = "probe-\(UUID().uuidString.prefix(8))"
        try client.publish(topic: topic, payload: Array(payload.utf8), qos: .atLeastOnce, retain: false)
        return await waitForMessage(topic: topic, payload: payload, timeout: timeout) != nil
    }
}
