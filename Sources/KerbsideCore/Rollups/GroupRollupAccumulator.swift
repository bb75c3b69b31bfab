import Foundation

/// What one light contributes to its group's rollups while its state is known.
public struct LightRollupState: Sendable, Equatable, Codable {
    public var level: Int
    public var faulty: Bool
    /// Power to integrate for a light without an energy meter: reported power, else rated power scaled by level.
    /// `nil` for a metered light, whose energy is booked from meter deltas instead.
    public var estimatedWatts: Double?
    public var ratedWatts: Double

    public init(level: Int, faulty: Bool, estimatedWatts: Double?, ratedWatts: Double) {
        self.level = level
        self.faulty = faulty
        self.estimatedWatts = estimatedWatts
        self.ratedWatts = ratedWatts
    }

    var burning: Bool { level > 0 }
}

/// Integrates one light group's figures over the current bucket as light states change, and closes buckets.
///
/// Pure, like `ZoneRollupAccumulator`: the caller feeds changes in time order and tells it the time; a change stamped
/// before the last applied instant is applied at that instant.
public struct GroupRollupAccumulator: Sendable, Codable {
    public let group: String
    public let lights: Int
    public let bucketLength: TimeInterval

    private var known = 0
    private var levelSum = 0
    private var burning = 0
    private var faulty = 0
    private var estimatedWatts = 0.0
    private var fullPowerWatts = 0.0
    private var current: GroupRollup
    private var integratedUntil: Date

    /// - Parameters:
    ///   - group: the group's id.
    ///   - lights: its number of lights.
    ///   - bucketLength: seconds per bucket; buckets are aligned to UTC multiples of it.
    ///   - states: the known state of each light at `now` (unknown ones left out).
    ///   - now: where accumulation starts, inside the first bucket.
    public init(group: String, lights: Int, bucketLength: TimeInterval, states: [LightRollupState], now: Date) {
        self.group = group
        self.lights = lights
        self.bucketLength = bucketLength
        let start = ZoneRollupAccumulator.bucketStart(of: now, length: bucketLength)
        current = GroupRollup(group: group, start: start, duration: bucketLength, lights: lights)
        // Before `now` nobody was counting: that part of the first bucket is unknown.
        current.unknownLightSeconds = now.timeIntervalSince(start) * Double(lights)
        integratedUntil = now
        for state in states { add(state, sign: 1) }
    }

    /// Applies a light's change of state; `nil` is unknown (never heard, or offline).
    ///
    /// - Parameters:
    ///   - from: the light's state before.
    ///   - to: the light's state after.
    ///   - at: when it changed.
    /// - Returns: the buckets that closed before `at`, oldest first.
    public mutating func apply(from: LightRollupState?, to: LightRollupState?, at: Date) -> [GroupRollup] {
        let closed = advance(to: at)
        integrate(until: max(at, integratedUntil))
        if let from { add(from, sign: -1) }
        if let to { add(to, sign: 1) }
        return closed
    }

    /// Books metered energy (a meter delta) into the bucket holding `at`.
    ///
    /// - Parameters:
    ///   - wattHours: the energy the meter counted since its previous reading.
    ///   - at: when the reading that reports it arrived.
    /// - Returns: the buckets that closed before `at`, oldest first.
    public mutating func book(wattHours: Double, at: Date) -> [GroupRollup] {
        let closed = advance(to: at)
        current.energyWattHours += wattHours
        return closed
    }

    /// Closes every bucket that ended at or before `now`.
    ///
    /// - Parameter now: the current time.
    /// - Returns: the closed buckets, oldest first.
    public mutating func advance(to now: Date) -> [GroupRollup] {
        var closed: [GroupRollup] = []
        while now >= current.end {
            let end = current.end
            integrate(until: end)
            closed.append(current)
            current = GroupRollup(group: group, start: end, duration: bucketLength, lights: lights)
        }
        return closed
    }

    /// Closes the buckets up to `now` as if every light were unknown since the last applied instant: the daemon was
    /// down. The light states hold on after `now`.
    ///
    /// - Parameter now: when counting resumes.
    /// - Returns: the buckets that closed, oldest first.
    public mutating func skipUnknown(until now: Date) -> [GroupRollup] {
        let held = self
        (known, levelSum, burning, faulty, estimatedWatts, fullPowerWatts) = (0, 0, 0, 0, 0, 0)
        let closed = advance(to: now)
        integrate(until: now)
        (known, levelSum, burning, faulty) = (held.known, held.levelSum, held.burning, held.faulty)
        (estimatedWatts, fullPowerWatts) = (held.estimatedWatts, held.fullPowerWatts)
        return closed
    }

    /// The still-open bucket as it stands at `now`.
    ///
    /// - Parameter now: the current time, inside the open bucket.
    /// - Returns: the open bucket with its integrals taken up to `now` and its duration cut there.
    public func openBucket(at now: Date) -> GroupRollup {
        var copy = self
        copy.integrate(until: max(now, integratedUntil))
        copy.current.duration = max(0, min(now, copy.current.end).timeIntervalSince(copy.current.start))
        return copy.current
    }

    private mutating func integrate(until instant: Date) {
        let seconds = max(0, min(instant, current.end).timeIntervalSince(integratedUntil))
        current.levelLightSeconds += Double(levelSum) * seconds
        current.knownLightSeconds += Double(known) * seconds
        current.unknownLightSeconds += Double(lights - known) * seconds
        current.burningLightSeconds += Double(burning) * seconds
        current.faultLightSeconds += Double(faulty) * seconds
        current.energyWattHours += estimatedWatts * seconds / 3600
        current.fullPowerWattHours += fullPowerWatts * seconds / 3600
        integratedUntil = max(integratedUntil, min(instant, current.end))
    }

    private mutating func add(_ state: LightRollupState, sign: Int) {
        known += sign
        levelSum += sign * state.level
        if state.burning {
            burning += sign
            fullPowerWatts += Double(sign) * state.ratedWatts
        }
        if state.faulty { faulty += sign }
        if let watts = state.estimatedWatts { estimatedWatts += Double(sign) * watts }
        // Sums of watts drift by rounding as lights come and go; with no light counted they are exactly zero.
        if known == 0 {
            estimatedWatts = 0
            fullPowerWatts = 0
        }
    }
}
