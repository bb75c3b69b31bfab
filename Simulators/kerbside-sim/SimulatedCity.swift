import Foundation
import KerbsideCore

/// The simulator's ground truth: which bays are occupied and what each light does, advanced one reading at a time.
struct SimulatedCity {
    struct Reading {
        var topicSuffix: String
        var json: String
    }

    private var random: SplitMix64
    private let bays: [Bay]
    private let lights: [Light]
    private var occupied: [Bool]
    private var seqs: [String: UInt64] = [:]
    private var meters: [Double]
    /// The level each controller was last told by Kerbside, and the command id it still has to acknowledge.
    private var commanded: [Int?]
    private var pendingAcks: [String?]
    private let lightIndexByController: [String: Int]
    /// Each light's power since its previous reading and when that was, so its meter counts real energy.
    private var drawing: [(watts: Double, since: Date?)]
    private let occupancy: Double

    var bayCount: Int { bays.count }
    var lightCount: Int { lights.count }

    init(inventory: Inventory, occupancy: Double, seed: UInt64) {
        random = SplitMix64(seed: seed)
        bays = inventory.bays
        lights = inventory.lights
        self.occupancy = min(max(occupancy, 0), 1)
        occupied = Array(repeating: false, count: inventory.bays.count)
        meters = inventory.lights.map { _ in 1000 }
        commanded = inventory.lights.map { _ in nil }
        pendingAcks = inventory.lights.map { _ in nil }
        lightIndexByController = inventory.lightIndexByController
        drawing = inventory.lights.map { _ in (0, nil) }
        for index in occupied.indices { occupied[index] = random.unit() < self.occupancy }
    }

    /// A dimming command from Kerbside: the controller obeys, and acknowledges in its next report.
    mutating func command(controller: String, level: Int, id: String) {
        guard let index = lightIndexByController[controller] else { return }
        commanded[index] = min(max(level, 0), 100)
        pendingAcks[index] = id
    }

    mutating func nextReading(at now: Date) -> Reading {
        // A controller that owes an acknowledgement reports first, as a real one answers a command at once.
        if let index = pendingAcks.firstIndex(where: { $0 != nil }) {
            return lightingReading(index: index, at: now)
        }
        // Three in four readings are parking: bays far outnumber lights in most cities.
        if lights.isEmpty || (!bays.isEmpty && random.unit() < 0.75) {
            return parkingReading(at: now)
        }
        return lightingReading(index: Int(random.next() % UInt64(lights.count)), at: now)
    }

    private mutating func parkingReading(at now: Date) -> Reading {
        let index = Int(random.next() % UInt64(bays.count))
        // Occupied bays empty with a probability that keeps the zone near its target occupancy.
        let flip = occupied[index] ? random.unit() < (1 - occupancy) : random.unit() < occupancy
        if flip { occupied[index].toggle() }
        let sensor = bays[index].sensor
        let seq = nextSeq(sensor)
        let battery = 3.3 + Double(random.next() % 40) / 100
        let json =
            #"{"occupied":\#(occupied[index]),"ts":"\#(RFC3339.format(now, fractionalDigits: 3))","seq":\#(seq),"#
            + #""battery_v":\#(battery),"kind":"\#(flip ? "change" : "heartbeat")"}"#
        return Reading(topicSuffix: "/parking/\(sensor)/state", json: json)
    }

    private mutating func lightingReading(index: Int, at now: Date) -> Reading {
        let light = lights[index]
        // Until Kerbside commands it, a controller follows a local program of its own.
        let level = commanded[index] ?? [0, 30, 60, 100][Int(random.next() % 4)]
        let power = light.ratedPowerWatts * Double(level) / 100
        if let since = drawing[index].since {
            meters[index] += drawing[index].watts * max(0, now.timeIntervalSince(since)) / 3600
        }
        drawing[index] = (power, now)
        let controller = light.controller
        let seq = nextSeq(controller)
        let ack = pendingAcks[index].map { #","ack":"\#($0)""# } ?? ""
        pendingAcks[index] = nil
        let json =
            #"{"level":\#(level),"power_w":\#(power),"energy_wh":\#((meters[index] * 10).rounded() / 10),"#
            + #""ts":"\#(RFC3339.format(now, fractionalDigits: 3))","seq":\#(seq)\#(ack)}"#
        return Reading(topicSuffix: "/lighting/\(controller)/state", json: json)
    }

    private mutating func nextSeq(_ device: String) -> UInt64 {
        let seq = seqs[device, default: 0]
        seqs[device] = seq + 1
        return seq
    }
}

/// A tiny, seedable generator so runs can be replayed.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
