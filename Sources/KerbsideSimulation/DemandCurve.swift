import Foundation

/// How busy parking is through a day: the share of bays a street fills at each local hour, with morning and evening
/// rushes and quiet nights.
public struct DemandCurve: Sendable {
    /// Target occupancy at each local hour 0…23.
    public var hourly: [Double]

    public static let townCentre = DemandCurve(hourly: [
        0.25, 0.2, 0.2, 0.2, 0.2, 0.25, 0.35, 0.55, 0.75, 0.85, 0.9, 0.9,
        0.85, 0.8, 0.8, 0.85, 0.9, 0.9, 0.8, 0.65, 0.5, 0.4, 0.35, 0.3,
    ])

    public init(hourly: [Double]) {
        self.hourly = hourly
    }

    /// The target occupancy at a local time, interpolated between hours.
    ///
    /// - Parameter secondOfDay: seconds after local midnight.
    /// - Returns: a share 0…1.
    public func occupancy(atSecondOfDay secondOfDay: Double) -> Double {
        let hour = (secondOfDay / 3600).truncatingRemainder(dividingBy: 24)
        let lower = Int(hour.rounded(.down)) % 24
        let weight = hour - hour.rounded(.down)
        return hourly[lower] * (1 - weight) + hourly[(lower + 1) % 24] * weight
    }
}

/// A small, seedable generator, so a run can be replayed exactly.
public struct SplitMix64: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<1.
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Exponentially distributed with the given mean.
    public mutating func exponential(mean: Double) -> Double { -mean * log(max(1e-12, 1 - unit())) }
}
