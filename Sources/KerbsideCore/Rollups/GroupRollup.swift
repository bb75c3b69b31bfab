import Foundation

/// A light group's lighting figures over one time bucket, kept as integrals so coarser buckets are exact sums.
///
/// Light-seconds are time-weighted like the parking figures: a light burning for 30 s of a bucket adds 30 to
/// `burningLightSeconds`. Energy is what the lights drew (meter deltas, else estimated from power); `fullPowerWattHours`
/// is what the same burning time would have drawn at rated power, so their difference is what dimming saved.
public struct GroupRollup: RollupBucket, Equatable, Codable {
    public var group: String
    public var start: Date
    public var duration: TimeInterval
    public var lights: Int
    public var energyWattHours: Double
    public var fullPowerWattHours: Double
    /// Σ reported level × seconds, over lights whose state was known.
    public var levelLightSeconds: Double
    public var knownLightSeconds: Double
    public var unknownLightSeconds: Double
    /// Light-seconds with a level above zero.
    public var burningLightSeconds: Double
    /// Light-seconds while reporting at least one fault.
    public var faultLightSeconds: Double

    public init(
        group: String,
        start: Date,
        duration: TimeInterval,
        lights: Int,
        energyWattHours: Double = 0,
        fullPowerWattHours: Double = 0,
        levelLightSeconds: Double = 0,
        knownLightSeconds: Double = 0,
        unknownLightSeconds: Double = 0,
        burningLightSeconds: Double = 0,
        faultLightSeconds: Double = 0
    ) {
        self.group = group
        self.start = start
        self.duration = duration
        self.lights = lights
        self.energyWattHours = energyWattHours
        self.fullPowerWattHours = fullPowerWattHours
        self.levelLightSeconds = levelLightSeconds
        self.knownLightSeconds = knownLightSeconds
        self.unknownLightSeconds = unknownLightSeconds
        self.burningLightSeconds = burningLightSeconds
        self.faultLightSeconds = faultLightSeconds
    }

    public var subject: String { group }

    /// Average reported level (percent) over the lights that reported; `nil` when none did.
    public var levelAverage: Double? {
        knownLightSeconds > 0 ? levelLightSeconds / knownLightSeconds : nil
    }

    public var burningHours: Double { burningLightSeconds / 3600 }
    public var faultMinutes: Double { faultLightSeconds / 60 }
    /// Energy the dimming saved against full power over the same burning time; never negative.
    public var savedWattHours: Double { max(0, fullPowerWattHours - energyWattHours) }

    /// Average number of lights whose state was unknown.
    public var unknownAverage: Double {
        duration > 0 ? unknownLightSeconds / duration : 0
    }

    public static func merging(_ parts: [GroupRollup], start: Date, duration: TimeInterval) -> GroupRollup? {
        guard let first = parts.first else { return nil }
        var merged = GroupRollup(
            group: first.group,
            start: start,
            duration: duration,
            lights: parts.map(\.lights).max() ?? first.lights
        )
        for part in parts {
            merged.energyWattHours += part.energyWattHours
            merged.fullPowerWattHours += part.fullPowerWattHours
            merged.levelLightSeconds += part.levelLightSeconds
            merged.knownLightSeconds += part.knownLightSeconds
            merged.unknownLightSeconds += part.unknownLightSeconds
            merged.burningLightSeconds += part.burningLightSeconds
            merged.faultLightSeconds += part.faultLightSeconds
        }
        // Time no part covers (the daemon was down) counts as unknown.
        let covered = parts.reduce(0) { $0 + $1.duration }
        merged.unknownLightSeconds += max(0, duration - covered) * Double(merged.lights)
        return merged
    }
}
