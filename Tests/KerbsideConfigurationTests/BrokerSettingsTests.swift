import Foundation
import KerbsideConfiguration
import Testing

@Suite("Broker settings")
struct BrokerSettingsTests {
    @Test("everything set, with the password read from a file and TLS files resolved")
    func fullySet() throws {
        let fixture = try ConfigurationFixture()
        try fixture.write("password", "  s3cret \nignored second line\n")
        try fixture.write("ca.pem", "CA")
        try fixture.write("client.pem", "CERT")
        try fixture.write("client.key", "KEY")
        let configuration = try fixture.load(
            ConfigurationFixture.minimalYAML(
                """
                mqtt: {topic_prefix: city/niort, instance: niort-1}
                broker:
                  host: broker.example.org
                  username: kerbside
                  password_file: password
                  protocol: v311
                  keepalive: 1m
                  reconnect_min: 2s
                  reconnect_max: 1m
                  tls: {ca_file: ca.pem, cert_file: client.pem, key_file: ./client.key}

                """
            )
        )
        let broker = configuration.broker
        #expect(broker.host == "broker.example.org")
        #expect(broker.port == 8883)
        #expect(broker.clientID == "kerbsided-niort-1")
        #expect(broker.username == "kerbside")
        #expect(broker.password == "s3cret")
        #expect(broker.protocolVersion == .v311)
        #expect(broker.keepAlive == 60)
        #expect(broker.reconnectMin == 2)
        #expect(broker.reconnectMax == 60)
        #expect(
            broker.tls
                == TLSSettings(
                    caFile: fixture.path("ca.pem"),
                    certFile: fixture.path("client.pem"),
                    keyFile: fixture.path("client.key")
                )
        )
        #expect(configuration.topicPrefix == "city/niort")
    }

    @Test("password rules, TLS pairs and missing files are reported")
    func problems() throws {
        let fixture = try ConfigurationFixture()
        try fixture.write("cert.pem", "CERT")
        let problems = try fixture.problems(
            ConfigurationFixture.minimalYAML(
                """
                broker:
                  password: inline
                  password_file: missing-password
                  reconnect_min: 10s
                  reconnect_max: 5s
                  tls:
                    ca_file: /nonexistent/ca.pem
                    ca_path: cert.pem
                    cert_file: cert.pem

                """
            )
        )
        #expect(try problems.problem(at: "broker.password_file").message == "give password or password_file, not both")
        #expect(problems.contains { $0.key == "broker.password_file" && $0.message.contains("no such path") })
        #expect(try problems.problem(at: "broker.password").message.contains("needs a username"))
        #expect(
            try problems.problem(at: "broker.reconnect_max").message
                == "expected at least reconnect_min (10s), found 5s"
        )
        #expect(
            try problems.problem(at: "broker.tls.ca_file").message
                == "expected a readable file, found no such path \"/nonexistent/ca.pem\""
        )
        #expect(
            try problems.problem(at: "broker.tls.ca_path").message.hasPrefix(
                "expected a readable directory, found a file"
            )
        )
        let key = try problems.problem(at: "broker.tls.key_file")
        #expect(key.message == "required key is missing; cert_file needs key_file")
        #expect(key.line == 15)
        #expect(problems.count == 7)
    }

    @Test("a hot standby names its primary, which cannot be itself; MQTT 5 is the default")
    func standby() throws {
        let fixture = try ConfigurationFixture()
        let standby = try fixture.load(
            ConfigurationFixture.minimalYAML("mqtt: {instance: niort-b, standby_for: niort-a}\n")
        )
        #expect(standby.standbyFor == "niort-a")
        #expect(standby.broker.protocolVersion == .v5)
        #expect(try fixture.load(ConfigurationFixture.minimalYAML("")).standbyFor == nil)
        let problems = try fixture.problems(
            ConfigurationFixture.minimalYAML("mqtt: {instance: niort-a, standby_for: niort-a}\n")
        )
        #expect(try problems.problem(at: "mqtt.standby_for").message.contains("cannot stand by for itself"))
    }
}
