import Dispatch
import Foundation
import KerbsideTesting
import MQTT
import Testing

@Suite("MQTT last will", .timeLimit(.minutes(1)))
struct MQTTWillTests {
    @Test("a clean stop does not publish the will")
    func cleanStopKeepsWill() async throws {
        let broker = try TestBroker()
        let willTopic = MQTTTestSupport.uniqueTopic("will") + "/status"
        let observer = try RecordingClient(MQTTTestSupport.configuration(broker), subscribing: [willTopic])
        try #require(await observer.waitUntilConnected())
        try #require(try await observer.waitUntilSubscribed(probing: willTopic))

        let will = MQTTWill(topic: willTopic, payload: Array("offline".utf8), qos: .atLeastOnce, retain: false)
        let client = try RecordingClient(MQTTTestSupport.configuration(broker, will: will))
        try #require(await client.waitUntilConnected())
        client.client.stop()
        #expect(client.client.connectionState == .disconnected)

        // The broker had the client's DISCONNECT before this sentinel was even sent.
        try observer.client.publish(topic: willTopic, payload: Array("sentinel".utf8), qos: .atLeastOnce, retain: false)
        #expect(await observer.waitForMessage(topic: willTopic, payload: "sentinel") != nil)
        #expect(!observer.messages.all.contains { $0.payload == Array("offline".utf8) })
    }

    @Test("a clean stop under a stream of inbound QoS 1 messages does not publish the will either")
    func cleanStopUnderTraffic() async throws {
        let broker = try TestBroker()
        let prefix = MQTTTestSupport.uniqueTopic("will-traffic")
        let observer = try RecordingClient(MQTTTestSupport.configuration(broker), subscribing: ["\(prefix)/status/#"])
        try #require(await observer.waitUntilConnected())
        try #require(try await observer.waitUntilSubscribed(probing: "\(prefix)/status/probe"))

        // Several clients, each stopped while the broker is still sending it messages: libmosquitto's own
        // disconnect drops the connection without DISCONNECT in this situation.
        var clients: [RecordingClient] = []
        for index in 0..<4 {
            let will = MQTTWill(
                topic: "\(prefix)/status/\(index)",
                payload: Array("offline".utf8),
                qos: .atLeastOnce,
                retain: false
            )
            let client = try RecordingClient(
                MQTTTestSupport.configuration(broker, will: will),
                subscribing: ["\(prefix)/stream"]
            )
            try #require(await client.waitUntilConnected())
            try #require(try await client.waitUntilSubscribed(probing: "\(prefix)/stream"))
            clients.append(client)
        }
        for index in 0..<400 {
            try observer.client.publish(
                topic: "\(prefix)/stream",
                payload: Array("\(index)".utf8),
                qos: .atLeastOnce,
                retain: false
            )
        }
        for client in clients {
            #expect(await client.messages.wait { $0.count > 20 })
            client.client.stop()
        }

        try observer.client.publish(
            topic: "\(prefix)/status/sentinel",
            payload: Array("sentinel".utf8),
            qos: .atLeastOnce,
            retain: false
        )
        #expect(await observer.waitForMessage(topic: "\(prefix)/status/sentinel", payload: "sentinel") != nil)
        #expect(!observer.messages.all.contains { $0.payload == Array("offline".utf8) })
    }

    @Test("the broker publishes the will when the client goes silent past its keepalive")
    func keepaliveTimeoutPublishesWill() async throws {
        let broker = try TestBroker()
        let prefix = MQTTTestSupport.uniqueTopic("will-timeout")
        let willTopic = "\(prefix)/status"
        let observer = try RecordingClient(MQTTTestSupport.configuration(broker), subscribing: [willTopic])
        try #require(await observer.waitUntilConnected())
        try #require(try await observer.waitUntilSubscribed(probing: willTopic))

        // The client's handler blocks its network thread on a "freeze" message: no more PINGREQs, so after 1.5
        // keepalives the broker drops it as dead and publishes its will.
        let will = MQTTWill(topic: willTopic, payload: Array("offline".utf8), qos: .atLeastOnce, retain: false)
        let release = DispatchSemaphore(value: 0)
        let frozen = Recorder<Bool>()
        let client = try MQTTClient(
            configuration: MQTTTestSupport.configuration(broker, keepAliveSeconds: 5, will: will),
            logger: MQTTTestSupport.quietLogger
        )
        client.setMessageHandler { message in
            guard message.topic == "\(prefix)/freeze" else { return }
            frozen.append(true)
            _ = release.wait(timeout: .now() + .seconds(30))
        }
        try client.subscribe("\(prefix)/freeze", qos: .atMostOnce)
        try client.start()
        defer { client.stop() }
        try #require(await MQTTTestSupport.poll { client.connectionState == .connected })

        // Published on the client's own connection, after its SUBSCRIBE: the broker handles both in order.
        try client.publish(topic: "\(prefix)/freeze", payload: [1], qos: .atMostOnce, retain: false)
        #expect(await frozen.wait { !$0.isEmpty })
        let willArrived = await observer.waitForMessage(topic: willTopic, payload: "offline", timeout: .seconds(20))
        release.signal()
        #expect(willArrived != nil)
        // Once unfrozen, the client finds its connection gone and connects again.
        #expect(await MQTTTestSupport.poll { client.connectionState == .connected && client.lastError == nil })
    }
}
