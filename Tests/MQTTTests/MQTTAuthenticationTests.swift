import KerbsideTesting
import MQTT
import Testing

@Suite("MQTT user name and password", .timeLimit(.minutes(1)))
struct MQTTAuthenticationTests {
    static let passwords = ["kerbside": "correct horse"]

    @Test("the right password connects", arguments: [MQTTProtocolVersion.v311, .v5])
    func rightPassword(protocolVersion: MQTTProtocolVersion) async throws {
        let broker = try TestBroker(passwords: Self.passwords)
        let client = try RecordingClient(
            MQTTTestSupport.configuration(
                broker,
                protocolVersion: protocolVersion,
                username: "kerbside",
                password: "correct horse"
            )
        )
        #expect(await client.waitUntilConnected())
    }

    @Test(
        "a wrong password is refused as not authorized, again on every retry",
        arguments: [MQTTProtocolVersion.v311, .v5]
    )
    func wrongPassword(protocolVersion: MQTTProtocolVersion) async throws {
        let broker = try TestBroker(passwords: Self.passwords)
        let (logger, store) = CapturingLogHandler.makeLogger()
        let client = try RecordingClient(
            MQTTTestSupport.configuration(
                broker,
                protocolVersion: protocolVersion,
                username: "kerbside",
                password: "wrong"
            ),
            logger: logger
        )
        #expect(await client.states.wait { $0.contains { if case .refused = $0 { true } else { false } } })
        guard case .refused(let error) = client.client.connectionState else {
            Issue.record("expected a refusal, got \(client.client.connectionState)")
            return
        }
        #expect(error.code == .notAuthorized)
        #expect(error.reasonCode != nil)
        #expect(client.client.lastError == error)
        // The client keeps retrying (under MQTT 5 libmosquitto ends its thread on a refusal; the client restarts it).
        let refusals = { store.all.filter { $0.message == "MQTT broker refused the connection" }.count }
        #expect(await MQTTTestSupport.poll { refusals() >= 2 })
    }

    @Test("an anonymous client is refused when the broker requires passwords")
    func anonymous() async throws {
        let broker = try TestBroker(passwords: Self.passwords)
        let client = try RecordingClient(MQTTTestSupport.configuration(broker))
        #expect(await client.states.wait { $0.contains { if case .refused = $0 { true } else { false } } })
        #expect(client.client.lastError?.code == .notAuthorized)
    }
}
