import Foundation
import KerbsideCore

/// What can go wrong with simulated devices, as shares of the fleet.
public struct FailureRates: Sendable {
    /// Sensors that stop reporting at some point.
    public var dyingSensors = 0.01
    /// Sensors that toggle wildly for a while.
    public var flappingSensors = 0.01
    /// Sensors whose battery runs low.
    public var lowBatteries = 0.03
    /// Cars that stay far longer than allowed.
    public var overstays = 0.05
    /// Controllers whose lamp fails.
    public var lampFailures = 0.01
    /// Controllers that never answer commands.
    public var deafControllers = 0.01

    public init() {}

    public static let none: FailureRates = {
        var rates = FailureRates()
        rates.dyingSensors = 0
        rates.flappingSensors = 0
        rates.lowBatteries = 0
        rates.overstays = 0
        rates.lampFailures = 0
        rates.deafControllers = 0
        return rates
    }()
}

/// A simulated city: every bay's car park life and every controller's obedience, advanced through time, producing
/// the messages real devices would send. Pure and deterministic for a seed: the caller publishes and keeps time.
public struct SimulatedCity: Sendable {
    struct SimulatedBay: Sendable {
        var sensor: String
        var zone: String
        var transport: SimulatedTransport
        var occupied: Bool
        var reported: Bool?
        var nextChange: Date
        var nextHeartbeat: Date
        var seq: UInt64 = 0
        var batteryVolts: Double
        var batteryDrainPerHour: Double
        var diesAt: Date?
        var flapsFrom: Date?
    }

    struct SimulatedLight: Sendable {
        var controller: String
        var ratedWatts: Double
        var transport: SimulatedTransport
        var level = 0
        var commanded: (level: Int, id: String?, at: Date)?
        var meter: Double = 1000
        var meterAt: Date
        var nextReport: Date
        var seq: UInt64 = 0
        var lampFails: Date?
        var deaf: Bool
        var owesEcho = false
    }

    public let topicPrefix: String
    public var demand: DemandCurve
    /// Put timestamps in payloads; off when simulated time runs faster than the daemon's clock.
    public var includeTimestamps = true
    public let timeZone: TimeZone
    private var random: SplitMix64
    private var bays: [SimulatedBay]
    private var lights: [SimulatedLight]
    private let lightIndexByController: [String: Int]
    private let lightIndexByDevEUI: [String: Int]
    /// Seconds a controller takes to obey a command.
    public var obeyDelay: TimeInterval = 2

    /// - Parameters:
    ///   - inventory: the bays and lights to simulate.
    ///   - topicPrefix: `P` of the native topics.
    ///   - networkServers: the integrations the daemon reads; LoRaWAN devices (with `dev_eui` and `model`) take
    ///     turns among them, and speak native JSON when there is none.
    ///   - timeZone: the site's zone, for the daily demand curve.
    ///   - start: the simulated time at which the city starts.
    ///   - seed: the random seed.
    ///   - failures: how many devices misbehave.
    public init(
        inventory: Inventory,
        topicPrefix: String,
        networkServers: [NetworkServerKind],
        timeZone: TimeZone,
        start: Date,
        seed: UInt64,
        failures: FailureRates = FailureRates()
    ) {
        self.topicPrefix = topicPrefix
        self.timeZone = timeZone
        demand = .townCentre
        var random = SplitMix64(seed: seed)
        var loraTurn = 0
        func transport(devEUI: String?, model: String?) -> SimulatedTransport {
            guard let devEUI, let model, !networkServers.isEmpty else { return .native }
            defer { loraTurn += 1 }
            return .networkServer(networkServers[loraTurn % networkServers.count], model: model, devEUI: devEUI)
        }
        bays = inventory.bays.map { bay in
            let dies = random.unit() < failures.dyingSensors
            let flaps = random.unit() < failures.flappingSensors
            let lowBattery = random.unit() < failures.lowBatteries
            return SimulatedBay(
                sensor: bay.sensor,
                zone: bay.zone,
                transport: transport(devEUI: bay.devEUI, model: bay.model),
                occupied: random.unit() < 0.5,
                nextChange: start.addingTimeInterval(random.unit() * 600),
                nextHeartbeat: start.addingTimeInterval(random.unit() * 600),
                batteryVolts: lowBattery ? 3.15 : 3.4 + random.unit() * 0.2,
                batteryDrainPerHour: lowBattery ? 0.01 : 0,
                diesAt: dies ? start.addingTimeInterval(600 + random.unit() * 3 * 3600) : nil,
                flapsFrom: flaps ? start.addingTimeInterval(random.unit() * 3600) : nil
            )
        }
        lights = inventory.lights.map { light in
            SimulatedLight(
                controller: light.controller,
                ratedWatts: light.ratedPowerWatts,
                transport: transport(devEUI: light.devEUI, model: light.model),
                meterAt: start,
                nextReport: start.addingTimeInterval(random.unit() * 900),
                lampFails: random.unit() < failures.lampFailures
                    ? start.addingTimeInterval(random.unit() * 6 * 3600) : nil,
                deaf: random.unit() < failures.deafControllers
            )
        }
        self.random = random
        lightIndexByController = inventory.lightIndexByController
        var byEUI: [String: Int] = [:]
        for (index, light) in inventory.lights.enumerated() {
            if let eui = light.devEUI { byEUI[eui] = index }
        }
        lightIndexByDevEUI = byEUI
    }

    public var bayCount: Int { bays.count }
    public var lightCount: Int { lights.count }

    /// The subscriptions a simulated fleet needs to hear commands: native `set` topics and network-server downlinks.
    public var commandFilters: [String] {
        [topicPrefix + "/lighting/+/set", "application/+/device/+/command/down", "v3/+/devices/+/down/push"]
    }

    /// What the daemon should believe: occupied and free bays per zone, by the states last reported.
    public var reportedByZone: [String: (occupied: Int, free: Int)] {
        var result: [String: (occupied: Int, free: Int)] = [:]
        for bay in bays {
            guard let reported = bay.reported else { continue }
            var counts = result[bay.zone] ?? (0, 0)
            if reported { counts.occupied += 1 } else { counts.free += 1 }
            result[bay.zone] = counts
        }
        return result
    }

    /// Everything devices send from the last call until `now`, in time order per device.
    ///
    /// - Parameter now: the simulated time to advance to.
    /// - Returns: the messages to publish.
    public mutating func advance(to now: Date) -> [SimulatedMessage] {
        var messages: [SimulatedMessage] = []
        for index in bays.indices {
            messages += advanceBay(index, to: now)
        }
        for index in lights.indices {
            messages += advanceLight(index, to: now)
        }
        return messages
    }

    /// A command the daemon published: native `set`, or a network-server downlink.
    ///
    /// - Parameters:
    ///   - topic: the MQTT topic.
    ///   - payload: the message.
    ///   - now: the simulated time it arrived.
    public mutating func receive(topic: String, payload: [UInt8], at now: Date) {
        if topic.hasSuffix("/set"), topic.hasPrefix(topicPrefix + "/lighting/") {
            let controller = topic.dropFirst((topicPrefix + "/lighting/").count).dropLast("/set".count)
            guard let index = lightIndexByController[String(controller)],
                let body = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any],
                let level = body["level"] as? Int
            else { return }
            command(index, level: level, id: body["id"] as? String, at: now)
        } else if let downlink = Envelopes.downlink(topic: topic, payload: payload) {
            let index = lightIndexByDevEUI[downlink.device] ?? lightIndexByController[downlink.device]
            // NAS broadcast dimming: 01 FE <level>.
            guard let index, downlink.bytes.count >= 3, downlink.bytes[0] == 0x01 else { return }
            command(index, level: Int(downlink.bytes[2]), id: nil, at: now)
        }
    }

    private mutating func command(_ index: Int, level: Int, id: String?, at now: Date) {
        guard !lights[index].deaf else { return }
        lights[index].commanded = (min(max(level, 0), 100), id, now.addingTimeInterval(obeyDelay))
    }

    // MARK: - Bays

    private mutating func advanceBay(_ index: Int, to now: Date) -> [SimulatedMessage] {
        var messages: [SimulatedMessage] = []
        while true {
            let bay = bays[index]
            let next = min(bay.nextChange, bay.nextHeartbeat)
            guard next <= now else { break }
            if let dies = bay.diesAt, next >= dies { break }
            if bay.nextChange <= bay.nextHeartbeat {
                bays[index].occupied.toggle()
                bays[index].nextChange = next.addingTimeInterval(nextStay(for: bays[index], at: next))
                messages.append(report(index, at: next, heartbeat: false))
            } else {
                bays[index].nextHeartbeat = next.addingTimeInterval(600)
                messages.append(report(index, at: next, heartbeat: true))
            }
        }
        return messages
    }

    private mutating func nextStay(for bay: SimulatedBay, at instant: Date) -> TimeInterval {
        if let flaps = bay.flapsFrom, instant >= flaps, instant < flaps.addingTimeInterval(1800) {
            return 5 + random.unit() * 20
        }
        let target = min(0.95, max(0.05, demand.occupancy(atSecondOfDay: secondOfDay(instant))))
        if bay.occupied {
            // A car just arrived: a stay of about 45 min, sometimes far longer.
            let stay = random.exponential(mean: 45 * 60)
            return random.unit() < 0.05 ? stay * 6 : stay
        }
        // A bay just freed: the next car comes sooner when the street is busy.
        return random.exponential(mean: 45 * 60 * (1 - target) / target)
    }

    private mutating func report(_ index: Int, at instant: Date, heartbeat: Bool) -> SimulatedMessage {
        bays[index].seq += 1
        bays[index].batteryVolts -= bays[index].batteryDrainPerHour / 6
        bays[index].reported = bays[index].occupied
        let bay = bays[index]
        switch bay.transport {
        case .native:
            var fields = [
                #""occupied":\#(bay.occupied)"#, #""seq":\#(bay.seq)"#,
                #""battery_v":\#((bay.batteryVolts * 100).rounded() / 100)"#,
                #""kind":"\#(heartbeat ? "heartbeat" : "change")""#,
            ]
            if includeTimestamps { fields.append(#""ts":"\#(RFC3339.format(instant, fractionalDigits: 3))""#) }
            return SimulatedMessage(
                topic: "\(topicPrefix)/parking/\(bay.sensor)/state",
                payload: Array(("{" + fields.joined(separator: ",") + "}").utf8)
            )
        case .networkServer(let kind, let model, let devEUI):
            let frame =
                UplinkFrames.parking(
                    model: model,
                    occupied: bay.occupied,
                    heartbeat: heartbeat,
                    batteryVolts: bay.batteryVolts
                ) ?? (1, [bay.occupied ? 1 : 0])
            return Envelopes.uplink(
                kind,
                devEUI: devEUI,
                deviceID: bay.sensor,
                fPort: frame.fPort,
                bytes: frame.bytes,
                frameCounter: bay.seq,
                time: includeTimestamps ? instant : nil
            )
        }
    }

    // MARK: - Lights

    private mutating func advanceLight(_ index: Int, to now: Date) -> [SimulatedMessage] {
        var messages: [SimulatedMessage] = []
        if let commanded = lights[index].commanded, commanded.at <= now {
            meter(index, at: commanded.at)
            lights[index].level = commanded.level
            lights[index].commanded = nil
            lights[index].owesEcho = true
            messages += lightReports(index, at: commanded.at, ack: commanded.id)
        }
        while lights[index].nextReport <= now {
            let at = lights[index].nextReport
            meter(index, at: at)
            lights[index].nextReport = at.addingTimeInterval(900)
            messages += lightReports(index, at: at, ack: nil)
        }
        return messages
    }

    private mutating func meter(_ index: Int, at instant: Date) {
        let light = lights[index]
        lights[index].meter +=
            power(of: light, at: light.meterAt) * max(0, instant.timeIntervalSince(light.meterAt)) / 3600
        lights[index].meterAt = instant
    }

    private func power(of light: SimulatedLight, at instant: Date) -> Double {
        if let fails = light.lampFails, instant >= fails { return 0 }
        return light.ratedWatts * Double(light.level) / 100
    }

    private mutating func lightReports(_ index: Int, at instant: Date, ack: String?) -> [SimulatedMessage] {
        lights[index].seq += 1
        let light = lights[index]
        let failed = light.lampFails.map { instant >= $0 } ?? false
        let watts = power(of: light, at: instant)
        switch light.transport {
        case .native:
            var fields = [
                #""level":\#(light.level)"#, #""power_w":\#(watts)"#,
                #""energy_wh":\#((light.meter * 10).rounded() / 10)"#, #""seq":\#(light.seq)"#,
                #""faults":[\#(failed ? #""lamp_failure""# : "")]"#,
            ]
            if let ack { fields.append(#""ack":"\#(ack)""#) }
            if includeTimestamps { fields.append(#""ts":"\#(RFC3339.format(instant, fractionalDigits: 3))""#) }
            lights[index].owesEcho = false
            return [
                SimulatedMessage(
                    topic: "\(topicPrefix)/lighting/\(light.controller)/state",
                    payload: Array(("{" + fields.joined(separator: ",") + "}").utf8)
                )
            ]
        case .networkServer(let kind, _, let devEUI):
            var frames: [(Int, [UInt8])] = []
            if light.owesEcho { frames.append((60, UplinkFrames.nasEcho(level: light.level))) }
            frames.append((23, UplinkFrames.nasStatus(level: light.level, lampFailure: failed, at: instant)))
            frames.append((26, UplinkFrames.nasUsage(energyWattHours: light.meter, powerWatts: watts)))
            lights[index].owesEcho = false
            var messages: [SimulatedMessage] = []
            for (offset, frame) in frames.enumerated() {
                if offset > 0 { lights[index].seq += 1 }
                messages.append(
                    Envelopes.uplink(
                        kind,
                        devEUI: devEUI,
                        deviceID: light.controller,
                        fPort: frame.0,
                        bytes: frame.1,
                        frameCounter: lights[index].seq,
                        time: includeTimestamps ? instant : nil
                    )
                )
            }
            return messages
        }
    }

    private func secondOfDay(_ instant: Date) -> Double {
        let local = instant.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: instant))
        return local.truncatingRemainder(dividingBy: 86_400)
    }
}
