import Dispatch
import Foundation
import KerbsideTesting
import MQTT
import Synchronization
import Testing

@Suite("MQTT sessions and the in-flight window", .timeLimit(.minutes(1)))
struct MQTTSessionTests {
    @Test(
        "a persistent session, renewed by a reconnect, keeps QoS 1 messages published while the client is away",
        arguments: [MQTTProtocolVersion.v311, .v5]
    )
    func persistentSessionOutlivesTheConnection(protocolVersion: MQTTProtocolVersion) async throws {
        let broker = try TestBroker()
        let topic = MQTTTestSupport.uniqueTopic("session")
        var configuration = MQTTTestSupport.configuration(broker, protocolVersion: protocolVersion)
        configuration.cleanSession = false
        let first = try RecordingClient(configuration, subscribing: ["\(topic)/#"])
        try #require(await first.waitUntilConnected())
        try #require(try await first.waitUntilSubscribed(probing: "\(topic)/probe"))

        // The session that must last is the one the reconnect opened (the broker forgot the first with its restart):
        // libmosquitto must ask for it on reconnects as on the first connect.
        broker.stop()
        #expect(await first.states.wait { $0.last == .disconnected })
        try broker.restart()
        try #require(await first.waitUntilConnected())
        try #require(try await first.waitUntilSubscribed(probing: "\(topic)/probe"))
        first.client.stop()

        let publisher = try RecordingClient(MQTTTestSupport.configuration(broker), subscribing: ["\(topic)/sent"])
        try #require(await publisher.waitUntilConnected())
        for index in 0..<5 {
            try publisher.client.publish(
                topic: "\(topic)/away",
                payload: Array("away-\(index)".utf8),
                qos: .atLeastOnce,
                retain: false
            )
        }
        // The broker handles one connection's packets in order: once this comes back, the five are queued.
        try #require(try await publisher.waitUntilSubscribed(probing: "\(topic)/sent"))

        // No subscription of its own: only the kept session can deliver.
        let second = try RecordingClient(configuration)
        try #require(await second.waitUntilConnected())
        let expected = (0..<5).map { Array("away-\($0)".utf8) }
        let away = { (messages: [MQTTMessage]) in messages.filter { $0.topic == "\(topic)/away" }.map(\.payload) }
        #expect(await second.messages.wait { away($0) == expected }, "\(second.messages.all.map(\.topic))")
    }

    @Test(
        "MQTT 5's receive maximum lets the broker send past its queue limit instead of dropping",
        arguments: [(receiveMaximum: 1000, delivered: 200), (receiveMaximum: nil, delivered: nil)] as [(Int?, Int?)]
    )
    func receiveMaximumWidensTheWindow(receiveMaximum: Int?, delivered: Int?) async throws {
        let broker = try TestBroker(configuration: ["max_queued_messages 5"])
        let topic = MQTTTestSupport.uniqueTopic("window")
        var configuration = MQTTTestSupport.configuration(broker, protocolVersion: .v5)
        configuration.receiveMaximum = receiveMaximum
        let subscriber = try MQTTClient(configuration: configuration, logger: MQTTTestSupport.quietLogger)
        defer { subscriber.stop() }
        let payloads = Recorder<String>()
        let release = DispatchSemaphore(value: 0)
        let isHolding = Atomic(true)
        // Holding the network thread in the first callback stops the client reading, hence acknowledging.
        subscriber.setMessageHandler { message in
            payloads.append(String(decoding: message.payload, as: UTF8.self))
            if isHolding.exchange(false, ordering: .relaxed) { release.wait() }
        }
        try subscriber.subscribe("\(topic)/data", qos: .atLeastOnce)
        try subscriber.start()
        try #require(await MQTTTestSupport.poll { subscriber.connectionState == .connected })

        let publisher = try RecordingClient(MQTTTestSupport.configuration(broker), subscribing: ["\(topic)/sent"])
        try #require(await publisher.waitUntilConnected())
        try #require(try await publisher.waitUntilSubscribed(probing: "\(topic)/sent"))
        // The first message may only reach a subscription the broker has granted: prove it, then hold.
        try publisher.client.publish(topic: "\(topic)/data", payload: Array("0".utf8), qos: .atLeastOnce, retain: false)
        try #require(await payloads.wait { $0 == ["0"] })
        for index in 1..<200 {
            let payload = Array("\(index)".utf8)
            try publisher.client.publish(topic: "\(topic)/data", payload: payload, qos: .atLeastOnce, retain: false)
        }
        try #require(try await publisher.waitUntilSubscribed(probing: "\(topic)/sent"))
        release.signal()
        // Delivered in order after everything the broker kept: once one shows, nothing more is coming. A marker sent
        // while the full window is still being acknowledged may be dropped like the rest, so send another until one
        // arrives.
        var markers = 0
        repeat {
            markers += 1
            try #require(markers <= 10, "no end marker came through")
            let marker = Array("end-\(markers)".utf8)
            try publisher.client.publish(topic: "\(topic)/data", payload: marker, qos: .atLeastOnce, retain: false)
        } while !(await payloads.wait(timeout: .seconds(2)) { $0.last?.hasPrefix("end-") == true })

        let received = payloads.all.filter { !$0.hasPrefix("end-") }.compactMap { Int($0) }
        #expect(received == Array(0..<received.count), "in order, without gaps")
        if let delivered {
            #expect(received.count == delivered)
        } else {
            // libmosquitto's default window of 20 and the broker's queue of 5 hold about 25; the rest is dropped.
            #expect(received.count < 50)
        }
    }
}
