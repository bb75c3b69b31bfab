import KerbsideTesting
import MQTT
import Testing

@Suite("MQTT over TLS", .timeLimit(.minutes(1)), .enabled(if: TestCertificates.isAvailable))
struct MQTTTLSTests {
    @Test(
        "a client certificate signed by the broker's CA connects and round-trips",
        arguments: [MQTTProtocolVersion.v311, .v5]
    )
    func mutualTLS(protocolVersion: MQTTProtocolVersion) async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let broker = try TestBroker(configuration: certificates.brokerConfiguration)
        let tls = MQTTTLSConfiguration(
            caFile: certificates.caFile,
            certificateFile: certificates.clientCertificate,
            keyFile: certificates.clientKey
        )
        let topic = MQTTTestSupport.uniqueTopic("tls")
        let client = try RecordingClient(
            MQTTTestSupport.configuration(broker, protocolVersion: protocolVersion, tls: tls),
            subscribing: [topic]
        )
        try #require(await client.waitUntilConnected())
        try #require(try await client.waitUntilSubscribed(probing: topic))
    }

    @Test("a broker certificate from an unknown CA is rejected and retried, never connected")
    func unknownAuthority() async throws {
        let certificates = try TestCertificates()
        let stranger = try TestCertificates(name: "some-other-ca")
        defer {
            certificates.remove()
            stranger.remove()
        }
        let broker = try TestBroker(configuration: certificates.brokerConfiguration)
        let tls = MQTTTLSConfiguration(
            caFile: stranger.caFile,
            certificateFile: stranger.clientCertificate,
            keyFile: stranger.clientKey
        )
        let client = try RecordingClient(MQTTTestSupport.configuration(broker, tls: tls))
        #expect(await client.states.wait { $0.last == .disconnected })
        #expect(client.client.lastError?.code == .tls)
        #expect(!client.states.all.contains(.connected))
    }
}
