import Foundation
import KerbsideConfiguration
import Testing

@Suite("Problems in the YAML file")
struct YAMLProblemTests {
    @Test("a minimal file loads with every default")
    func defaults() throws {
        let fixture = try ConfigurationFixture()
        let configuration = try fixture.load(ConfigurationFixture.minimalYAML())
        #expect(configuration.broker == BrokerSettings(clientID: "kerbsided-default"))
        #expect(configuration.topicPrefix == "kerbside")
        #expect(configuration.instance == "default")
        #expect(configuration.http == HTTPSettings())
        #expect(configuration.storagePath == fixture.path("kerbside.sqlite"))
        #expect(configuration.ingest == .init())
        #expect(configuration.aggregationInterval == 1)
        #expect(configuration.logLevel == "info")
        #expect(configuration.tokens.isEmpty)
        #expect(configuration.configFile == fixture.configPath)
        #expect(configuration.inventory.zones.first?.health == .init())
        #expect(configuration.inventory.zones.first?.maxStayMinutes == nil)
        #expect(configuration.inventory.groups.first?.offlineAfter == 10_800)
        #expect(configuration.inventory.bays.count == 2)
        #expect(configuration.inventory.lights.count == 1)
    }

    @Test("missing required keys are reported at the mapping that lacks them")
    func missingKeys() throws {
        let fixture = try ConfigurationFixture()
        let problems = try fixture.problems(
            """
            site:
              name: Testville
              latitude: 46.3
            logging: {level: info}

            """
        )
        let longitude = try problems.problem(at: "site.longitude")
        #expect(longitude.file == fixture.configPath)
        #expect(longitude.line == 2)
        #expect(longitude.message.contains("required key is missing"))
        #expect(try problems.problem(at: "site.time_zone").line == 2)
        #expect(try problems.problem(at: "inventory").line == 1)
        #expect(problems.count == 3)
    }

    @Test("unknown keys at any level are reported with the likely intended key")
    func unknownKeys() throws {
        let fixture = try ConfigurationFixture()
        let problems = try fixture.problems(
            ConfigurationFixture.minimalYAML(
                """
                brokr: {host: example.org}
                http: {prot: 8080}
                ingest: {historyCapacity: 8}
                access:
                  tokens:
                    - {name: ops, sha256: \(String(repeating: "a", count: 64)), role: viewer, colour: red}

                """
            )
        )
        let broker = try problems.problem(at: "brokr")
        #expect(broker.line == 9)
        #expect(broker.column == 1)
        #expect(broker.message == "unknown key \"brokr\"; did you mean \"broker\"?")
        #expect(try problems.problem(at: "http.prot").message.contains("did you mean \"port\""))
        #expect(try problems.problem(at: "ingest.historyCapacity").message.contains("\"history_capacity\""))
        let colour = try problems.problem(at: "access.tokens[0].colour")
        #expect(colour.line == 14)
        #expect(colour.message.contains("expected one of name, sha256, role"))
        #expect(problems.count == 4)
    }

    @Test("wrong types say what was expected and what was found")
    func wrongTypes() throws {
        let fixture = try ConfigurationFixture()
        let problems = try fixture.problems(
            ConfigurationFixture.minimalYAML(
                """
                http: {port: "8080", host: [a, b]}
                broker: {tls: {insecure_skip_hostname_check: maybe}}
                signs: {id: x}

                """
            )
        )
        #expect(
            try problems.problem(at: "http.port").message
                == "expected an integer from 1 to 65535, found the string \"8080\""
        )
        #expect(try problems.problem(at: "http.host").message == "expected a string, found a list")
        #expect(
            try problems.problem(at: "broker.tls.insecure_skip_hostname_check").message
                == "expected true or false, found the string \"maybe\""
        )
        let signs = try problems.problem(at: "signs")
        #expect(signs.message == "expected a list of signs, found a mapping")
        #expect(signs.line == 11)
    }

    @Test("out-of-range values are reported with the range")
    func ranges() throws {
        let fixture = try ConfigurationFixture()
        let problems = try fixture.problems(
            """
            site: {name: Nowhere, latitude: 91, longitude: -180.5, time_zone: Europe/Niort}
            inventory: [bays.geojson]
            http: {port: 0}
            broker: {port: 70000, protocol: v3, keepalive: 2s}
            logging: {level: verbose}
            parking:
              zones: [{id: centre}]
            signs:
              - {id: s, zones: [centre], min_coverage: 1.5}

            """
        )
        #expect(try problems.problem(at: "site.latitude").message == "expected a number from -90 to 90, found 91")
        #expect(
            try problems.problem(at: "site.longitude").message
                == "expected a number from -180 to 180, found -180.5"
        )
        #expect(
            try problems.problem(at: "site.time_zone").message
                == "expected an IANA time zone name such as Europe/Paris, found unknown zone \"Europe/Niort\""
        )
        #expect(try problems.problem(at: "http.port").message == "expected an integer from 1 to 65535, found 0")
        #expect(try problems.problem(at: "broker.port").line == 4)
        #expect(
            try problems.problem(at: "broker.protocol").message
                == "expected one of v5, v311, found \"v3\"; did you mean v5?"
        )
        #expect(
            try problems.problem(at: "broker.keepalive").message
                == "expected a duration from 5s to 18h12m15s, found 2s"
        )
        #expect(try problems.problem(at: "logging.level").message.hasPrefix("expected one of trace, debug, info"))
        #expect(try problems.problem(at: "signs[0].min_coverage").message == "expected a number from 0 to 1, found 1.5")
        #expect(problems.count == 9)
    }

    @Test("tokens need 64 hex digits and a known role")
    func tokens() throws {
        let fixture = try ConfigurationFixture()
        let valid = String(repeating: "ab", count: 32)
        let problems = try fixture.problems(
            ConfigurationFixture.minimalYAML(
                """
                access:
                  tokens:
                    - {name: short, sha256: abc123, role: viewer}
                    - {name: nothex, sha256: \(String(repeating: "zz", count: 32)), role: admin}
                    - {name: boss, sha256: \(valid), role: superuser}
                    - {name: upper, sha256: \(valid.uppercased()), role: admin}
                    - {name: twin, sha256: \(valid), role: viewer}

                """
            )
        )
        #expect(try problems.problem(at: "access.tokens[0].sha256").message.contains("found 6 characters"))
        #expect(try problems.problem(at: "access.tokens[1].sha256").message.contains("non-hex"))
        let role = try problems.problem(at: "access.tokens[2].role")
        #expect(role.message == "expected one of viewer, lighting, admin, found \"superuser\"")
        #expect(role.line == 13)
        #expect(try problems.problem(at: "access.tokens[4].sha256").message.contains("\"upper\""))
        #expect(problems.count == 4)

        let configuration = try fixture.load(
            ConfigurationFixture.minimalYAML(
                "access: {tokens: [{name: ops, sha256: \(valid.uppercased()), role: lighting}]}"
            )
        )
        #expect(configuration.tokens == [.init(name: "ops", sha256: valid, role: .lighting)])
    }

    @Test("several problems in one file are all reported, in file order")
    func severalAtOnce() throws {
        let fixture = try ConfigurationFixture()
        let problems = try fixture.problems(
            """
            site: {name: Testville, latitude: north, longitude: -0.4588, time_zone: Europe/Paris}
            inventory: [bays.geojson, lights.geojson]
            loggin: {level: info}
            parking:
              defaults: {offline_after: soon}
              zones:
                - {id: centre, max_stay_minutes: 0}
            lighting:
              groups:
                - {id: avenue, offline_after: 0s}

            """
        )
        #expect(
            problems.map(\.key) == [
                "site.latitude", "loggin", "parking.defaults.offline_after", "parking.zones[0].max_stay_minutes",
                "lighting.groups[0].offline_after",
            ]
        )
        #expect(problems.map(\.line) == [1, 3, 5, 7, 10])
        let error = ConfigurationError(problems: problems)
        #expect(error.description.hasSuffix("\n5 configuration problems"))
        #expect(error.description.hasPrefix("\(fixture.configPath):1:"))
    }

    @Test("a YAML syntax error is reported at its line")
    func syntax() throws {
        let fixture = try ConfigurationFixture()
        let problems = try fixture.problems("site: {name: x\ninventory: [a\n")
        #expect(problems.count == 1)
        #expect(problems.first?.line != nil)
        #expect(problems.first?.message.contains("syntax error") == true)

        let duplicate = try fixture.problems("site: {}\nhttp: {}\nsite: {}\n")
        #expect(duplicate.first?.message == "expected each key once in a mapping, found \"site\" more than once")

        let empty = try fixture.problems("")
        #expect(empty.first?.message.contains("empty document") == true)

        let missing = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(path: fixture.path("nope.yaml"))
        }
        #expect(missing.problems.first?.message.contains("no such file") == true)
    }

    @Test("ids and the topic prefix must work as MQTT topic levels")
    func identifiers() throws {
        let fixture = try ConfigurationFixture()
        let problems = try fixture.problems(
            ConfigurationFixture.minimalYAML(
                """
                mqtt: {topic_prefix: /city, instance: "niort #1"}
                signs: [{id: a/b, zones: [centre]}]

                """
            )
        )
        #expect(try problems.problem(at: "mqtt.topic_prefix").message.contains("leading or trailing"))
        #expect(try problems.problem(at: "mqtt.instance").message.contains("white space"))
        #expect(try problems.problem(at: "signs[0].id").message.contains("containing \"/\""))
    }
}
