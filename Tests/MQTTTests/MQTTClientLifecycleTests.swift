import Dispatch
import Foundation
import KerbsideTesting
import MQTT
import Synchronization
import Testing

@Suite("MQTT client lifecycle", .timeLimit(.minutes(1)))
struct MQTTClientLifecycleTests {
    @Test("configuration errors are caught before connecting")
    func invalidConfiguration() {
        let cases: [MQTTConfiguration] = [
            MQTTConfiguration(host: "", clientID: "a"),
            MQTTConfiguration(host: "localhost", port: 0, clientID: "a"),
            MQTTConfiguration(host: "localhost", port: 70000, clientID: "a"),
            MQTTConfiguration(host: "localhost", clientID: "a", keepAliveSeconds: 3),
            MQTTConfiguration(host: "localhost", clientID: "a", password: "secret"),
            MQTTConfiguration(host: "localhost", clientID: "", cleanSession: false),
            MQTTConfiguration(host: "localhost", clientID: "a", reconnectDelayMin: .milliseconds(1)),
            MQTTConfiguration(
                host: "localhost",
                clientID: "a",
                reconnectDelayMin: .seconds(5),
                reconnectDelayMax: .seconds(1)
            ),
            MQTTConfiguration(
                host: "localhost",
                clientID: "a",
                tls: MQTTTLSConfiguration(caFile: "/x", certificateFile: "/y")
            ),
        ]
        for configuration in cases {
            let error = #expect(throws: MQTTError.self) {
                _ = try MQTTClient(configuration: configuration, logger: MQTTTestSupport.quietLogger)
            }
            #expect(error?.code == .invalidArgument, "\(configuration)")
        }
    }

    @Test("unreadable TLS files are reported at init")
    func missingTLSFile() {
        let configuration = MQTTConfiguration(
            host: "localhost",
            clientID: "a",
            tls: MQTTTLSConfiguration(caFile: "/nonexistent/ca.pem")
        )
        let error = #expect(throws: MQTTError.self) {
            _ = try MQTTClient(configuration: configuration, logger: MQTTTestSupport.quietLogger)
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.operation == "mosquitto_tls_set")
    }

    @Test("calls before start and after stop fail with stable codes")
    func callsOutsideTheConnection() throws {
        let client = try MQTTClient(
            configuration: MQTTConfiguration(host: "127.0.0.1", clientID: "idle"),
            logger: MQTTTestSupport.quietLogger
        )
        #expect(client.connectionState == .disconnected)
        let noConnection = #expect(throws: MQTTError.self) {
            try client.publish(topic: "a/b", payload: [1], qos: .atMostOnce, retain: false)
        }
        #expect(noConnection?.code == .noConnection)
        // QoS 1 is queued for the first connection.
        try client.publish(topic: "a/b", payload: [1], qos: .atLeastOnce, retain: false)
        let badFilter = #expect(throws: MQTTError.self) { try client.subscribe("a/#/b", qos: .atMostOnce) }
        #expect(badFilter?.code == .invalidArgument)
        let badTopic = #expect(throws: MQTTError.self) {
            try client.publish(topic: "a/+", payload: [], qos: .atLeastOnce, retain: false)
        }
        #expect(badTopic?.code == .invalidArgument)

        client.stop()
        client.stop()
        let afterStop = #expect(throws: MQTTError.self) { try client.start() }
        #expect(afterStop?.code == .invalidState)
        let publishAfterStop = #expect(throws: MQTTError.self) {
            try client.publish(topic: "a/b", payload: [1], qos: .atLeastOnce, retain: false)
        }
        #expect(publishAfterStop?.code == .invalidState)
        let waitAfterStop = #expect(throws: MQTTError.self) { try client.waitUntilConnected(timeout: .seconds(1)) }
        #expect(waitAfterStop?.code == .invalidState)
    }

    @Test("start is idempotent and stop wakes a waiting thread")
    func startTwiceAndStopWhileWaiting() async throws {
        let closed = try ClosedPort()
        let client = try MQTTClient(
            configuration: MQTTConfiguration(host: "127.0.0.1", port: closed.port, clientID: "waiting"),
            logger: MQTTTestSupport.quietLogger
        )
        try client.start()
        try client.start()
        let outcome = Recorder<MQTTError.Code>()
        let waiter = Thread {
            do throws(MQTTError) {
                try client.waitUntilConnected(timeout: .seconds(30))
            } catch {
                outcome.append(error.code)
            }
        }
        waiter.start()
        // Stop once the waiter is blocked or about to block; either way it must return with invalid_state.
        client.stop()
        #expect(await outcome.wait(timeout: .seconds(10)) { !$0.isEmpty })
        #expect(outcome.all == [.invalidState])
    }

    @Test("dropping a started client disconnects it cleanly")
    func releaseWithoutStop() async throws {
        let broker = try TestBroker()
        var client: MQTTClient? = try MQTTClient(
            configuration: MQTTTestSupport.configuration(broker, clientID: "released"),
            logger: MQTTTestSupport.quietLogger
        )
        try client?.start()
        try #require(await MQTTTestSupport.poll { client?.connectionState == .connected })
        weak let weakClient = client
        client = nil
        #expect(weakClient == nil)
        #expect(await MQTTTestSupport.poll { broker.log.contains("Client released disconnected.") })
    }

    @Test("dropping the last reference inside a handler tears the client down without a crash")
    func releaseOnNetworkThread() async throws {
        let broker = try TestBroker()
        let topic = MQTTTestSupport.uniqueTopic("release-inside")
        let holder = Mutex<MQTTClient?>(nil)
        let testDroppedItsReference = DispatchSemaphore(value: 0)
        var client: MQTTClient? = try MQTTClient(
            configuration: MQTTTestSupport.configuration(broker, clientID: "released-inside"),
            logger: MQTTTestSupport.quietLogger
        )
        client?.setMessageHandler { _ in
            _ = testDroppedItsReference.wait(timeout: .now() + .seconds(20))
            // Now the network thread's own reference is the last one: deinit runs on that thread.
            holder.withLock { $0 = nil }
        }
        try client?.subscribe(topic, qos: .atLeastOnce)
        try client?.start()
        try #require(await MQTTTestSupport.poll { client?.connectionState == .connected })
        try client?.publish(topic: topic, payload: [1], qos: .atLeastOnce, retain: false)
        holder.withLock { $0 = client }
        weak let weakClient = client
        client = nil
        testDroppedItsReference.signal()
        #expect(await MQTTTestSupport.poll { weakClient == nil })
        let disconnected = await MQTTTestSupport.poll { broker.log.contains("Client released-inside disconnected.") }
        #expect(disconnected, "\(broker.log)")
    }
}
