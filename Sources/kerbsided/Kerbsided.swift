import ArgumentParser
import Foundation
import KerbsideConfiguration
import KerbsideDaemon
import KerbsideHTTP
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

@main
struct Kerbsided: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kerbsided",
        abstract: "Kerbside: live parking occupancy, signage and street lighting from a city's MQTT broker.",
        subcommands: [Run.self, CheckConfig.self, HashToken.self],
        defaultSubcommand: Run.self
    )

    static func main() async {
        unblockShutdownSignals()
        await main(nil)
    }

    /// A parent may start us with SIGTERM and SIGINT blocked (a test runner does), which would make the daemon
    /// deaf to shutdown requests; unblock them before any thread inherits the mask.
    static func unblockShutdownSignals() {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }
}

struct ConfigOption: ParsableArguments {
    @Option(name: .shortAndLong, help: "The configuration file (YAML).")
    var config: String = "/etc/kerbside/kerbside.yaml"

    /// Loads the configuration or prints every problem and exits with status 78 (EX_CONFIG).
    func load() throws -> DaemonConfiguration {
        do {
            return try ConfigurationLoader.load(path: config)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(78)
        }
    }
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the daemon until SIGTERM or SIGINT.")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.load()
        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        MetricsSystem.bootstrap(factory)
        let logger = Logger(label: "kerbsided")
        let daemon = try Daemon(
            configuration: configuration,
            logger: logger,
            metricsFactory: factory,
            metricsExposition: { registry.emitToString() }
        )
        // Parsing a large inventory leaves freed parse garbage in malloc's arenas; give it back before the daemon
        // settles in for months.
        FreedMemory.returnToSystem()
        logger.info(
            "starting",
            metadata: [
                "site": "\(configuration.site.name)",
                "bays": "\(configuration.inventory.bays.count)",
                "lights": "\(configuration.inventory.lights.count)",
                "mqtt.host": "\(configuration.broker.host):\(configuration.broker.port)",
                "http.address": "\(configuration.http.host):\(configuration.http.port)",
            ]
        )
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: daemon.services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
        logger.info("stopped")
    }
}

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration and inventory, report every problem, and exit."
    )

    @OptionGroup var options: ConfigOption

    func run() throws {
        let configuration = try options.load()
        let inventory = configuration.inventory
        print(
            "\(options.config): OK — site \(configuration.site.name), \(inventory.zones.count) zones, "
                + "\(inventory.bays.count) bays, \(inventory.signs.count) signs, \(inventory.groups.count) light groups, "
                + "\(inventory.lights.count) lights, \(configuration.tokens.count) tokens"
        )
    }
}

struct HashToken: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash-token",
        abstract: "Print the SHA-256 of a token, for access.tokens[].sha256 (reads the token from standard input)."
    )

    func run() throws {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw ValidationError("give the token on standard input")
        }
        print(TokenHashing.sha256Hex(of: line))
    }
}
