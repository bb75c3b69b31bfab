import ArgumentParser
import Foundation
import KerbsideConfiguration
import KerbsideCore
import Logging
import MQTT
import Synchronization

@main
struct KerbsideSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kerbside-sim",
        abstract: "Simulated parking sensors and streetlight controllers for a Kerbside inventory (native JSON).",
        discussion: """
            A first, minimal simulator: every bay of the configuration's inventory reports its state in Kerbside's \
            native JSON, cars arrive and leave at random, and every controller reports its level, power and meter. \
            Richer demand curves, failures and network-server envelopes come with the simulator issue.
            """
    )

    @Option(name: .shortAndLong, help: "The Kerbside configuration whose inventory and broker to use.")
    var config: String

    @Option(help: "Readings per second, over all devices.")
    var rate: Double = 20

    @Option(help: "Target share of occupied bays (0…1).")
    var occupancy: Double = 0.7

    @Option(help: "Stop after this many readings (default: run until interrupted).")
    var count: Int?

    @Option(help: "Random seed, for a reproducible run.")
    var seed: UInt64 = 42

    func run() throws {
        let configuration: DaemonConfiguration
        do {
            configuration = try ConfigurationLoader.load(path: config)
        } catch {
            throw ValidationError("\(error)")
        }
        let client = try MQTTClient(
            configuration: MQTTConfiguration(
                host: configuration.broker.host,
                port: configuration.broker.port,
                clientID: "kerbside-sim-\(ProcessInfo.processInfo.processIdentifier)",
                username: configuration.broker.username,
                password: configuration.broker.password
            ),
            logger: Logger(label: "kerbside-sim")
        )
        let prefix = configuration.topicPrefix
        let inbox = CommandInbox()
        client.setMessageHandler { inbox.receive($0) }
        try client.subscribe(prefix + "/lighting/+/set", qos: .atLeastOnce)
        try client.start()
        try client.waitUntilConnected(timeout: .seconds(15))
        var city = SimulatedCity(inventory: configuration.inventory, occupancy: occupancy, seed: seed)
        let interval = 1 / max(rate, 0.001)
        var sent = 0
        print("kerbside-sim: \(city.bayCount) bays, \(city.lightCount) lights, \(rate) readings/s → \(prefix)/…")
        while count.map({ sent < $0 }) ?? true {
            for command in inbox.drain() {
                city.command(controller: command.controller, level: command.level, id: command.id)
            }
            let reading = city.nextReading(at: Date())
            try client.publish(
                topic: prefix + reading.topicSuffix,
                payload: Array(reading.json.utf8),
                qos: .atLeastOnce,
                retain: false
            )
            sent += 1
            if sent % 500 == 0 { print("kerbside-sim: \(sent) readings sent") }
            Thread.sleep(forTimeInterval: interval)
        }
        client.stop()
        print("kerbside-sim: done, \(sent) readings sent")
    }
}

/// Dimming commands received on the MQTT thread, taken by the simulation loop.
final class CommandInbox: Sendable {
    struct Command {
        var controller: String
        var level: Int
        var id: String
    }

    private let commands = Mutex<[Command]>([])

    func receive(_ message: MQTTMessage) {
        // P/lighting/{controller}/set
        let levels = message.topic.split(separator: "/")
        guard levels.count >= 3, levels.last == "set",
            let body = try? JSONSerialization.jsonObject(with: Data(message.payload)) as? [String: Any],
            let level = body["level"] as? Int, let id = body["id"] as? String
        else { return }
        let command = Command(controller: String(levels[levels.count - 2]), level: level, id: id)
        commands.withLock { $0.append(command) }
    }

    func drain() -> [Command] {
        commands.withLock { commands in
            defer { commands.removeAll() }
            return commands
        }
    }
}
