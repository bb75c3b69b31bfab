import Foundation
import KerbsideConfiguration
import Testing

@Suite("Durations")
struct DurationParserTests {
    @Test(
        "parse",
        arguments: [
            ("90s", 90.0), ("5m", 300), ("3h", 10_800), ("1d", 86_400), ("2d", 172_800), ("1h30m", 5_400),
            ("1d2h3m4s", 93_784), ("45", 45), ("0", 0), ("250ms", 0.25), ("1.5h", 5_400), (" 10m ", 600),
        ] as [(String, TimeInterval)]
    )
    func parses(text: String, seconds: TimeInterval) throws {
        #expect(try DurationParser.parse(text) == seconds)
    }

    @Test("reject", arguments: ["5x", "-1m", "", "m", "1h30", "30m1h", "1m1m", "1.h", "h1", "1 h", "+5s"])
    func rejects(text: String) {
        #expect(throws: DurationError.self) { try DurationParser.parse(text) }
    }

    @Test("say what is wrong")
    func explains() {
        #expect(throws: DurationError(text: "5x", reason: "has an unknown unit \"x\"")) {
            try DurationParser.parse("5x")
        }
        #expect(throws: DurationError(text: "-1m", reason: "is negative")) { try DurationParser.parse("-1m") }
        #expect(throws: DurationError(text: "", reason: "is empty")) { try DurationParser.parse("") }
    }

    @Test("in the configuration: strings, plain integers and problems at their line")
    func inConfiguration() throws {
        let fixture = try ConfigurationFixture()
        let configuration = try fixture.load(
            ConfigurationFixture.minimalYAML(
                """
                ingest: {max_clock_skew: 90s, max_age: 1h30m}
                loops: {aggregation_interval: 2}
                broker: {keepalive: 1m}

                """
            )
        )
        #expect(configuration.ingest.maxClockSkew == 90)
        #expect(configuration.ingest.maxAge == 5_400)
        #expect(configuration.aggregationInterval == 2)
        #expect(configuration.broker.keepAlive == 60)

        let problems = try fixture.problems(
            ConfigurationFixture.minimalYAML(
                """
                ingest:
                  max_clock_skew: 5x
                  max_age: -1m
                loops: {aggregation_interval: ""}

                """
            )
        )
        #expect(problems.count == 3)
        let skew = try problems.problem(at: "ingest.max_clock_skew")
        #expect(skew.line == 10)
        #expect(skew.column == 19)
        #expect(skew.message.contains("unknown unit \"x\""))
        #expect(try problems.problem(at: "ingest.max_age").message.contains("negative"))
        #expect(try problems.problem(at: "loops.aggregation_interval").line == 12)
    }
}
