import Foundation
import KerbsideTesting
import MQTT
import Testing

@Suite("MQTT round trips against a real broker", .timeLimit(.minutes(1)))
struct MQTTRoundTripTests {
    @Test(
        "publish and subscribe deliver in order",
        arguments: [MQTTProtocolVersion.v311, .v5],
        [MQTTQoS.atMostOnce, .atLeastOnce]
    )
    func roundTrip(protocolVersion: MQTTProtocolVersion, qos: MQTTQoS) async throws {
        let broker = try TestBroker()
        let topic = MQTTTestSupport.uniqueTopic("round-trip")
        let subscriber = try RecordingClient(
            MQTTTestSupport.configuration(broker, protocolVersion: protocolVersion),
            subscribing: ["\(topic)/#"],
            qos: qos
        )
        let publisher = try RecordingClient(MQTTTestSupport.configuration(broker, protocolVersion: protocolVersion))
        try #require(await subscriber.waitUntilConnected())
        try #require(await publisher.waitUntilConnected())
        try #require(try await subscriber.waitUntilSubscribed(probing: "\(topic)/probe"))

        let payloads = (0..<5).map { "reading-\($0)" }
        for payload in payloads {
            try publisher.client.publish(topic: "\(topic)/bay", payload: Array(payload.utf8), qos: qos, retain: false)
        }
        let arrived = await subscriber.messages.wait { messages in
            messages.filter { $0.topic == "\(topic)/bay" }.count == payloads.count
        }
        #expect(arrived)
        let received = subscriber.messages.all.filter { $0.topic == "\(topic)/bay" }
        #expect(received.map { String(decoding: $0.payload, as: UTF8.self) } == payloads)
        #expect(received.allSatisfy { $0.qos == qos && !$0.retain })
        #expect(subscriber.states.all == [.connecting, .connected])
    }

    @Test("binary and empty payloads survive the copy out of C buffers")
    func binaryPayloads() async throws {
        let broker = try TestBroker()
        let topic = MQTTTestSupport.uniqueTopic("binary")
        let client = try RecordingClient(MQTTTestSupport.configuration(broker), subscribing: ["\(topic)/#"])
        try #require(await client.waitUntilConnected())
        try #require(try await client.waitUntilSubscribed(probing: "\(topic)/probe"))
        let binary: [UInt8] = [0, 255, 1, 0, 128, 10, 13]
        try client.client.publish(topic: "\(topic)/binary", payload: binary, qos: .atLeastOnce, retain: false)
        try client.client.publish(topic: "\(topic)/empty", payload: [], qos: .atLeastOnce, retain: false)
        #expect(await client.messages.wait { $0.contains { $0.topic == "\(topic)/empty" } })
        #expect(client.messages.all.first { $0.topic == "\(topic)/binary" }?.payload == binary)
        #expect(client.messages.all.first { $0.topic == "\(topic)/empty" }?.payload == [])
    }

    @Test(
        "a burst reaches a borrowing handler whole and in order, binary and empty payloads included",
        arguments: [MQTTQoS.atMostOnce, .atLeastOnce]
    )
    func burstToBorrowingHandler(qos: MQTTQoS) async throws {
        let broker = try TestBroker()
        let topic = MQTTTestSupport.uniqueTopic("burst")
        let subscriber = try MQTTClient(
            configuration: MQTTTestSupport.configuration(broker),
            logger: MQTTTestSupport.quietLogger
        )
        let received = Recorder<(topic: String, payload: [UInt8])>()
        // Copied inside the call: the bytes are libmosquitto's, freed once it returns.
        subscriber.setBorrowingMessageHandler { message in
            received.append((String(decoding: message.topic, as: UTF8.self), Array(message.payload)))
        }
        try subscriber.subscribe("\(topic)/#", qos: qos)
        try subscriber.start()
        defer { subscriber.stop() }
        let publisher = try RecordingClient(MQTTTestSupport.configuration(broker))
        try #require(await publisher.waitUntilConnected())
        let probe = "\(topic)/probe"
        try #require(
            await MQTTTestSupport.poll {
                try? publisher.client.publish(topic: probe, payload: [1], qos: .atLeastOnce, retain: false)
                return received.all.contains { $0.topic == probe }
            }
        )

        // Back to back, so the socket holds many packets at once, which the network thread reads ahead; fewer than
        // the broker's stock queue of 1,000, which mosquitto 2.0 applies to QoS 0 too.
        let payloads: [[UInt8]] = [[0, 255, 1, 0, 128], []] + (0..<900).map { Array("reading-\($0)".utf8) }
        for payload in payloads {
            try publisher.client.publish(topic: "\(topic)/bay", payload: payload, qos: qos, retain: false)
        }
        let arrived = await received.wait { $0.filter { $0.topic == "\(topic)/bay" }.count == payloads.count }
        #expect(arrived)
        #expect(received.all.filter { $0.topic == "\(topic)/bay" }.map(\.payload) == payloads)
    }

    @Test(
        "a retained message reaches a later subscriber, flagged as retained",
        arguments: [MQTTProtocolVersion.v311, .v5]
    )
    func retainedMessage(protocolVersion: MQTTProtocolVersion) async throws {
        let broker = try TestBroker()
        let topic = MQTTTestSupport.uniqueTopic("retained") + "/status"
        let publisher = try RecordingClient(MQTTTestSupport.configuration(broker, protocolVersion: protocolVersion))
        try #require(await publisher.waitUntilConnected())
        try publisher.client.publish(topic: topic, payload: Array("online".utf8), qos: .atLeastOnce, retain: true)
        // Subscribing on the same connection after publishing proves the broker stored it.
        try publisher.client.subscribe(topic, qos: .atLeastOnce)
        #expect(await publisher.waitForMessage(topic: topic, payload: "online")?.retain == true)

        let later = try RecordingClient(
            MQTTTestSupport.configuration(broker, protocolVersion: protocolVersion),
            subscribing: [topic]
        )
        let message = try #require(await later.waitForMessage(topic: topic, payload: "online"))
        #expect(message.retain)
        #expect(message.qos == .atLeastOnce)
    }

    @Test("waitUntilConnected returns once connected; connects and stops are logged with dotted metadata keys")
    func blockingWaitAndLogging() throws {
        let broker = try TestBroker()
        let (logger, store) = CapturingLogHandler.makeLogger()
        let client = try MQTTClient(
            configuration: MQTTTestSupport.configuration(broker, clientID: "logged-client"),
            logger: logger
        )
        try client.start()
        try client.waitUntilConnected(timeout: .seconds(10))
        #expect(client.connectionState == .connected)
        #expect(client.lastError == nil)
        client.stop()
        let connected = try #require(store.all.first { $0.message == "MQTT connected" })
        #expect(connected.level == .info)
        #expect(connected.metadata["mqtt.host"] == "127.0.0.1")
        #expect(connected.metadata["mqtt.port"] == "\(broker.port)")
        #expect(connected.metadata["mqtt.client_id"] == "logged-client")
        #expect(store.all.contains { $0.message == "MQTT stopped" })
    }
}
