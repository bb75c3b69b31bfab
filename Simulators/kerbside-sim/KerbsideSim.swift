import ArgumentParser
import Foundation
import KerbsideConfiguration
import KerbsideCore
import KerbsideSimulation
import Logging
import MQTT
import Synchronization

@main
struct KerbsideSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kerbside-sim",
        abstract: "A living city for a Kerbside configuration: parking sensors and streetlight controllers.",
        discussion: """
            City mode (the default) simulates every bay and light of the configuration's inventory: cars arrive \
            and leave along a daily demand curve with rush hours and overstays; some sensors die, flap or run low \
            on battery; controllers obey dimming commands after a short delay, acknowledge, report power and a \
            cumulative meter, and some fail (lamp failure) or never answer. Devices with a dev_eui and a model \
            speak through the configuration's network servers (ChirpStack v4, The Things Stack v3) with their \
            model's real bytes; the others speak native JSON. --speed runs the day faster than real time.

            Load mode (--load N) publishes N native readings over the inventory's bays, as fast as possible or at \
            --rate per second, and prints what it sent: for benchmarks.
            """
    )

    @Option(name: .shortAndLong, help: "The Kerbside configuration whose inventory and broker to use.")
    var config: String

    @Option(help: "Simulated seconds per real second (city mode); above 1, payloads carry no timestamps.")
    var speed: Double = 1

    @Option(help: "Load mode: publish this many readings, then stop.")
    var load: Int?

    @Option(help: "Load mode: readings per second; 0 publishes as fast as the broker takes them.")
    var rate: Double = 0

    @Option(help: "Load mode: spread readings over this many bays (default: all of the inventory's).")
    var devices: Int?

    @Option(help: "Load mode: MQTT QoS, 0 or 1.")
    var qos: Int = 1

    @Option(help: "Random seed, for a reproducible run.")
    var seed: UInt64 = 42

    @Flag(help: "City mode: no device misbehaves.")
    var healthy = false

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
        if let load {
            try runLoad(load, configuration: configuration, client: client)
        } else {
            try runCity(configuration: configuration, client: client)
        }
    }

    private func runCity(configuration: DaemonConfiguration, client: MQTTClient) throws {
        let servers = configuration.networkServers.compactMap { NetworkServerKind(rawValue: $0.format.rawValue) }
        let start = Date()
        var city = SimulatedCity(
            inventory: configuration.inventory,
            topicPrefix: configuration.topicPrefix,
            networkServers: servers,
            timeZone: configuration.site.timeZone,
            start: start,
            seed: seed,
            failures: healthy ? .none : FailureRates()
        )
        city.includeTimestamps = speed <= 1
        let inbox = Mutex<[(topic: String, payload: [UInt8])]>([])
        client.setMessageHandler { message in inbox.withLock { $0.append((message.topic, message.payload)) } }
        for filter in city.commandFilters { try client.subscribe(filter, qos: .atLeastOnce) }
        try client.start()
        try client.waitUntilConnected(timeout: .seconds(15))
        print(
            "kerbside-sim: \(city.bayCount) bays, \(city.lightCount) lights, "
                + "network servers: \(servers.isEmpty ? "none" : servers.map(\.rawValue).joined(separator: ", ")), "
                + "speed ×\(speed)"
        )
        var sent = 0
        while true {
            let simulated = start.addingTimeInterval(Date().timeIntervalSince(start) * max(speed, 0.001))
            for command in inbox.withLock({ inbox in
                defer { inbox.removeAll() }
                return inbox
            }) {
                city.receive(topic: command.topic, payload: command.payload, at: simulated)
            }
            for message in city.advance(to: simulated) {
                try client.publish(topic: message.topic, payload: message.payload, qos: .atLeastOnce, retain: false)
                sent += 1
                if sent % 500 == 0 { print("kerbside-sim: \(sent) messages sent") }
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    private func runLoad(_ count: Int, configuration: DaemonConfiguration, client: MQTTClient) throws {
        let sensors = configuration.inventory.bays.map(\.sensor).prefix(devices ?? Int.max)
        guard !sensors.isEmpty else { throw ValidationError("the inventory has no bays to load") }
        try client.start()
        try client.waitUntilConnected(timeout: .seconds(15))
        let quality: MQTTQoS = qos == 0 ? .atMostOnce : .atLeastOnce
        let topics = sensors.map { "\(configuration.topicPrefix)/parking/\($0)/state" }
        var seqs = [UInt64](repeating: 0, count: topics.count)
        let started = Date()
        for index in 0..<count {
            let device = index % topics.count
            seqs[device] += 1
            let payload = #"{"occupied":\#(index / topics.count % 2 == 0),"seq":\#(seqs[device]),"battery_v":3.6}"#
            try client.publish(topic: topics[device], payload: Array(payload.utf8), qos: quality, retain: false)
            if rate > 0 {
                let due = started.addingTimeInterval(Double(index + 1) / rate)
                let wait = due.timeIntervalSinceNow
                if wait > 0 { Thread.sleep(forTimeInterval: wait) }
            }
        }
        let elapsed = Date().timeIntervalSince(started)
        client.stop()
        print(
            "kerbside-sim: load handed \(count) readings over \(topics.count) devices at QoS \(qos) to libmosquitto in "
                + String(format: "%.3f s (%.0f readings/s)", elapsed, Double(count) / max(elapsed, 1e-9))
                + "; the clean disconnect after it waited for them to go out"
        )
    }
}
