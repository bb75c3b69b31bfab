import Foundation
import KerbsideCore

// In-process figures of issue 6 that need no broker: decode + apply headroom, one aggregation tick over 200,000
// bays, one dimming round over 800,000 lights, and memory per device. Run by scripts/bench in release mode.

let start = Date(timeIntervalSince1970: 1_800_000_000)

func city(bays: Int, lights: Int, zones: Int = 200, groups: Int = 800) -> Inventory {
    Inventory(
        zones: (0..<zones).map { ZoneDefinition(id: "z\($0)", name: "Zone \($0)") },
        signs: (0..<(zones / 4)).map { SignDefinition(id: "sign\($0)", name: "Sign \($0)", zones: ["z\($0 * 4)"]) },
        groups: (0..<groups).map { LightGroupDefinition(id: "g\($0)", name: "Group \($0)") },
        bays: (0..<bays).map { Bay(id: "b\($0)", zone: "z\($0 % zones)", sensor: "s\($0)") },
        lights: (0..<lights).map {
            Light(id: "l\($0)", group: "g\($0 % groups)", controller: "c\($0)", ratedPowerWatts: 60)
        }
    )
}

var figures: [Figure] = []

// `kerbside-bench --profile-dimming`: only dimming rounds over 80,000 lights, for a profiler.
if CommandLine.arguments.contains("--profile-dimming") {
    var state = LiveState(
        inventory: city(bays: 0, lights: 80_000, zones: 1, groups: 80),
        policy: IngestPolicy(),
        timeZone: .gmt,
        startedAt: start
    )
    for round in 1...4 {
        let targets: [(level: Int, reason: String)?] = (0..<80).map { _ in (round % 2 == 0 ? 100 : 50, "schedule:bench")
        }
        _ = state.planCommands(
            targets: targets,
            now: start.addingTimeInterval(Double(round)),
            policy: DimmingPolicy(),
            budget: 50
        )
    }
    exit(0)
}

// `kerbside-bench --profile-checkpoint`: what a checkpoint costs per device, converting and encoding.
if CommandLine.arguments.contains("--profile-checkpoint") {
    let count = 100_000
    var state = LiveState(
        inventory: city(bays: count, lights: count, zones: 100, groups: 100),
        policy: IngestPolicy(),
        timeZone: .gmt,
        startedAt: start
    )
    for round in 1...10 {
        for index in 0..<count {
            let instant = start.addingTimeInterval(Double(round * 60))
            _ = state.ingest(
                Array(#"{"occupied":\#(round % 2 == 0),"seq":\#(round)}"#.utf8),
                route: .parking(sensor: "s\(index)"[...]),
                receivedAt: instant
            )
            if round <= 4 {
                _ = state.ingest(
                    Array(#"{"level":\#(round * 20),"power_w":20,"seq":\#(round)}"#.utf8),
                    route: .lighting(controller: "c\(index)"[...]),
                    receivedAt: instant
                )
            }
        }
    }
    let all = DeviceChanges.all(bayCount: count, lightCount: count)
    var clock = ContinuousClock.now
    let persisted = state.persistedDevices(all)
    print("persist: \((ContinuousClock.now - clock) / (2 * count))")
    let encoder = JSONEncoder()
    clock = .now
    var bytes = 0
    for bay in persisted.bays { bytes += (try? encoder.encode(bay))?.count ?? 0 }
    for light in persisted.lights { bytes += (try? encoder.encode(light))?.count ?? 0 }
    print("JSON, one device at a time: \((ContinuousClock.now - clock) / (2 * count)), \(bytes / (2 * count)) B")
    clock = .now
    bytes = 0
    for bay in persisted.bays { bytes += bay.binaryRecord().count }
    for light in persisted.lights { bytes += light.binaryRecord().count }
    print("binary records: \((ContinuousClock.now - clock) / (2 * count)), \(bytes / (2 * count)) B")
    exit(0)
}

// `kerbside-bench --layout`: the bytes per device record that the tick streams through every second.
if CommandLine.arguments.contains("--layout") {
    print("BayState: \(MemoryLayout<BayState>.stride) B, LightState: \(MemoryLayout<LightState>.stride) B")
    exit(0)
}

// `kerbside-bench --profile-tick`: only ticks, over a tenth of the city, for a profiler such as callgrind;
// KERBSIDE_PROFILE_TICKS=0 profiles the set-up alone, to subtract it.
if CommandLine.arguments.contains("--profile-tick") {
    var state = LiveState(
        inventory: city(bays: 20_000, lights: 80_000, zones: 20, groups: 80),
        policy: IngestPolicy(),
        timeZone: .gmt,
        startedAt: start
    )
    for index in 0..<20_000 {
        _ = state.ingest(
            Array(#"{"occupied":true,"seq":1}"#.utf8),
            route: .parking(sensor: "s\(index)"[...]),
            receivedAt: start
        )
    }
    let ticks = Int(ProcessInfo.processInfo.environment["KERBSIDE_PROFILE_TICKS"] ?? "") ?? 5
    for second in 0..<ticks { _ = state.tick(now: start.addingTimeInterval(Double(second + 1))) }
    exit(0)
}

// 1. Headroom: decode + apply of native readings, one core.
do {
    let devices = 100_000
    let readings = 1_000_000
    let inventory = city(bays: devices, lights: 0, zones: 100, groups: 0)
    let payloads: [[UInt8]] = (0..<1000).map {
        Array(
            #"{"occupied":\#($0 % 2 == 0),"ts":"2027-01-15T08:00:00.000Z","seq":\#($0),"battery_v":3.58,"kind":"change"}"#
                .utf8
        )
    }
    let sensors: [Substring] = (0..<devices).map { "s\($0)"[...] }
    // A fresh state per run (seqs would be duplicates in a second one), built before the clock starts; the fourth
    // is for counting allocations, outside the timed runs.
    var states = (0..<4).map { _ in
        LiveState(inventory: inventory, policy: IngestPolicy(), timeZone: .gmt, startedAt: start)
    }
    let rounds = readings / devices
    // Device after device, round after round: each reading carries its device's next seq and flips the bay, so every
    // one is accepted and changes state (none is a duplicate rejected early).
    func apply(rounds: Range<Int>, to state: inout LiveState) {
        var accepted = 0
        for round in rounds {
            let payload = payloads[round % payloads.count]
            for sensor in sensors {
                let result = payload.withUnsafeBytes {
                    state.ingest($0, route: .parking(sensor: sensor), receivedAt: start)
                }
                if case .parking = result { accepted += 1 }
            }
        }
        precondition(accepted == rounds.count * devices, "\(rounds.count * devices - accepted) readings not accepted")
    }
    func decodeAndApply() {
        var state = states.removeLast()
        apply(rounds: 0..<rounds, to: &state)
    }
    func parseReference() {
        var parsed = 0
        for index in 0..<readings {
            let payload = payloads[(index / devices) % payloads.count]
            if (try? JSONSerialization.jsonObject(with: Data(payload))) != nil { parsed += 1 }
        }
        precondition(parsed == readings)
    }
    let seconds = Measure.median(runs: 3, decodeAndApply)
    let reference = Measure.median(runs: 3, parseReference)
    let perSecond = Double(readings) / seconds
    figures.append(
        Figure(
            name: "decode + apply, readings/s (one core)",
            value: perSecond / 1000,
            unit: "k/s",
            reference: Double(readings) / reference / 1000,
            referenceName: "Foundation JSONSerialization, parse only",
            goal: "≥ 1000 k/s",
            passes: perSecond >= 1_000_000
        )
    )
    figures.append(
        Figure(
            name: "decode + apply, ns per reading",
            value: seconds / Double(readings) * 1e9,
            unit: "ns",
            reference: reference / Double(readings) * 1e9,
            referenceName: "JSONSerialization",
            goal: "≤ 1000 ns",
            passes: seconds / Double(readings) * 1e9 <= 1000
        )
    )
    // Counted once every device has reported for a while: a device's first readings grow its buffers, once.
    var warmed = states.removeLast()
    apply(rounds: 0..<rounds, to: &warmed)
    if let allocations = AllocationCounter.count({ apply(rounds: rounds..<(2 * rounds), to: &warmed) }),
        let referenceAllocations = AllocationCounter.count(parseReference)
    {
        figures.append(
            Figure(
                name: "decode + apply, heap allocations per reading (devices already reporting)",
                value: Double(allocations) / Double(readings),
                unit: "allocations",
                reference: Double(referenceAllocations) / Double(readings),
                referenceName: "JSONSerialization",
                goal: "reported",
                passes: nil,
                digits: 2
            )
        )
    }
}

// 2. One aggregation tick over 200,000 bays, and 3. one dimming round over 800,000 lights; 4. memory per device.
do {
    let before = Measure.residentBytes()
    var state = LiveState(
        inventory: city(bays: 200_000, lights: 800_000),
        policy: IngestPolicy(),
        timeZone: .gmt,
        startedAt: start
    )
    for index in stride(from: 0, to: 200_000, by: 1) {
        let payload = Array(#"{"occupied":\#(index % 3 == 0),"seq":1}"#.utf8)
        _ = state.ingest(payload, route: .parking(sensor: "s\(index)"[...]), receivedAt: start)
    }
    let after = Measure.residentBytes()
    var now = start
    let tick = Measure.median {
        now = now.addingTimeInterval(1)
        _ = state.tick(now: now)
    }
    figures.append(
        Figure(
            name: "aggregation tick, 200,000 bays",
            value: tick * 1000,
            unit: "ms",
            reference: nil,
            referenceName: "",
            goal: "≤ 50 ms",
            passes: tick <= 0.05
        )
    )
    let targets: [(level: Int, reason: String)?] = (0..<800).map { ($0 % 2 == 0 ? 100 : 50, "schedule:bench") }
    var round = 0
    let dimming = Measure.median {
        round += 1
        // Alternate the targets so every round decides a new command for every light.
        let shifted = targets.map { $0.map { (level: round % 2 == 0 ? $0.level : 100 - $0.level, reason: $0.reason) } }
        _ = state.planCommands(targets: shifted, now: now, policy: DimmingPolicy(), budget: 1_000_000)
    }
    // The loop's usual round: every light compared with its group's target, nothing due (all were just told).
    let steadyTargets = targets.map {
        $0.map { (level: round % 2 == 0 ? $0.level : 100 - $0.level, reason: $0.reason) }
    }
    let evaluation = Measure.median {
        _ = state.planCommands(targets: steadyTargets, now: now, policy: DimmingPolicy(), budget: 50)
    }
    figures.append(
        Figure(
            name: "dimming evaluation, 800,000 lights, nothing due",
            value: evaluation * 1000,
            unit: "ms",
            reference: dimming * 1000,
            referenceName: "a round that commands every light, unpaced",
            goal: "≤ 50 ms",
            passes: evaluation <= 0.05
        )
    )
    let perDevice = Double(max(0, after - before)) / 1_000_000
    figures.append(
        Figure(
            name: "resident memory per device (1,000,000 devices, empty histories)",
            value: perDevice,
            unit: "B",
            reference: nil,
            referenceName: "",
            goal: "≤ 2147 B (2 GiB per million)",
            passes: perDevice <= 2147
        )
    )
}

print("| figure | Kerbside | reference (same run) | ratio | goal | result |")
print("| --- | --- | --- | --- | --- | --- |")
for figure in figures { print(figure.row) }
