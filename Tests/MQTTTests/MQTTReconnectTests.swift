import Foundation
import KerbsideTesting
import MQTT
import Testing

@Suite("MQTT reconnects", .timeLimit(.minutes(1)))
struct MQTTReconnectTests {
    @Test(
        "after a broker restart the client reconnects, resubscribes and sends what it queued",
        arguments: [MQTTProtocolVersion.v311, .v5]
    )
    func brokerRestart(protocolVersion: MQTTProtocolVersion) async throws {
        let broker = try TestBroker()
        let topic = MQTTTestSupport.uniqueTopic("restart")
        let subscriber = try RecordingClient(
            MQTTTestSupport.configuration(broker, protocolVersion: protocolVersion),
            subscribing: ["\(topic)/#"]
        )
        let publisher = try RecordingClient(MQTTTestSupport.configuration(broker, protocolVersion: protocolVersion))
        try #require(await subscriber.waitUntilConnected())
        try #require(await publisher.waitUntilConnected())
        try #require(try await subscriber.waitUntilSubscribed(probing: "\(topic)/probe"))

        broker.stop()
        #expect(await subscriber.states.wait { $0.last == .disconnected })
        #expect(await publisher.states.wait { $0.last == .disconnected })
        // Lost, or already refused by a first reconnect attempt.
        let lossCodes: [MQTTError.Code] = [.connectionLost, .connectionRefused]
        #expect(publisher.client.lastError.map { lossCodes.contains($0.code) } == true)

        // QoS 1 while disconnected: queued inside libmosquitto, sent after the reconnect. Retained, so the
        // subscriber sees it whether it resubscribes before or after the publisher resends.
        try publisher.client.publish(
            topic: "\(topic)/queued",
            payload: Array("while-down".utf8),
            qos: .atLeastOnce,
            retain: true
        )
        // QoS 0 needs a connection.
        let lost = #expect(throws: MQTTError.self) {
            try publisher.client.publish(topic: "\(topic)/lost", payload: [], qos: .atMostOnce, retain: false)
        }
        #expect(lost?.code == .noConnection)

        try broker.restart()
        try #require(await subscriber.waitUntilConnected())
        try #require(await publisher.waitUntilConnected())
        #expect(await subscriber.waitForMessage(topic: "\(topic)/queued", payload: "while-down") != nil)

        let live = Array("again".utf8)
        try publisher.client.publish(topic: "\(topic)/live", payload: live, qos: .atLeastOnce, retain: false)
        #expect(await subscriber.waitForMessage(topic: "\(topic)/live", payload: "again") != nil)
        #expect(subscriber.states.all == [.connecting, .connected, .disconnected, .connected])
        #expect(subscriber.client.lastError == nil)
    }

    @Test("a client started before its broker connects once the broker is up")
    func startBeforeBroker() async throws {
        let broker = try TestBroker()
        broker.stop()
        let client = try RecordingClient(MQTTTestSupport.configuration(broker))
        #expect(await client.states.wait { $0.last == .disconnected })
        #expect(client.client.lastError?.code == .connectionRefused)
        try broker.restart()
        #expect(await client.waitUntilConnected())
        #expect(client.states.all == [.connecting, .disconnected, .connected])
    }

    @Test("connecting to a closed port does not crash and reports disconnected")
    func closedPort() async throws {
        let closed = try ClosedPort()
        let configuration = MQTTConfiguration(
            host: "127.0.0.1",
            port: closed.port,
            clientID: "closed-port",
            reconnectDelayMin: .seconds(1)
        )
        let client = try RecordingClient(configuration)
        #expect(await client.states.wait { $0.last == .disconnected })
        #expect(client.client.connectionState == .disconnected)
        let error = try #require(client.client.lastError)
        #expect(error.code == .connectionRefused)
        #expect(error.returnCode != nil)
        let timeout = #expect(throws: MQTTError.self) {
            try client.client.waitUntilConnected(timeout: .milliseconds(1500))
        }
        #expect(timeout?.code == .timeout)
        client.client.stop()
        #expect(client.client.connectionState == .disconnected)
        #expect(client.states.all == [.connecting, .disconnected])
    }
}
