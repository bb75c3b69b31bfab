import Foundation

/// Integrates one zone's bay counts over the current bucket as transitions arrive, and closes buckets.
///
/// Pure: the caller feeds transitions and tells it the time; it returns the buckets that closed. Transitions must
/// come in time order per zone; one stamped before the last applied instant (a reading from another sensor that
/// arrived late) is applied at that instant, so time never runs backwards inside a bucket.
public struct ZoneRollupAccumulator: Sendable, Codable {
    public let zone: String
    public let capacity: Int
    public let bucketLength: TimeInterval
    public private(set) var occupied: Int
    public private(set) var free: Int
    public var unknown: Int { capacity - occupied - free }

    private var current: ZoneRollup
    private var integratedUntil: Date

    /// - Parameters:
    ///   - zone: the zone's id.
    ///   - capacity: its number of bays.
    ///   - bucketLength: seconds per bucket; buckets are aligned to UTC multiples of it.
    ///   - occupied: bays occupied at `now`.
    ///   - free: bays free at `now`.
    ///   - now: where accumulation starts, inside the first bucket.
    public init(zone: String, capacity: Int, bucketLength: TimeInterval, occupied: Int, free: Int, now: Date) {
        self.zone = zone
        self.capacity = capacity
        self.bucketLength = bucketLength
        self.occupied = occupied
        self.free = free
        let start = Self.bucketStart(of: now, length: bucketLength)
        current = ZoneRollup(
            zone: zone,
            start: start,
            duration: bucketLength,
            capacity: capacity,
            occupiedMax: occupied,
            freeMin: free
        )
        // Before `now` nobody was counting: that part of the first bucket is unknown.
        current.unknownBaySeconds = now.timeIntervalSince(start) * Double(capacity)
        integratedUntil = now
    }

    /// The UTC-aligned start of the bucket holding `instant`.
    public static func bucketStart(of instant: Date, length: TimeInterval) -> Date {
        Date(timeIntervalSince1970: (instant.timeIntervalSince1970 / length).rounded(.down) * length)
    }

    /// Applies a bay's change of known state.
    ///
    /// - Parameters:
    ///   - from: the bay's state before.
    ///   - to: the bay's state after.
    ///   - at: when it changed.
    /// - Returns: the buckets that closed before `at`, oldest first.
    public mutating func apply(from: Occupancy, to: Occupancy, at: Date) -> [ZoneRollup] {
        let closed = advance(to: at)
        integrate(until: max(at, integratedUntil))
        adjust(from, by: -1)
        adjust(to, by: 1)
        if from == .free && to == .occupied { current.arrivals += 1 }
        if from == .occupied && to == .free { current.departures += 1 }
        current.occupiedMax = max(current.occupiedMax, occupied)
        current.freeMin = min(current.freeMin, free)
        return closed
    }

    /// Closes every bucket that ended at or before `now`.
    ///
    /// - Parameter now: the current time.
    /// - Returns: the closed buckets, oldest first.
    public mutating func advance(to now: Date) -> [ZoneRollup] {
        var closed: [ZoneRollup] = []
        while now >= current.end {
            let end = current.end
            integrate(until: end)
            closed.append(current)
            current = ZoneRollup(
                zone: zone,
                start: end,
                duration: bucketLength,
                capacity: capacity,
                occupiedMax: occupied,
                freeMin: free
            )
        }
        return closed
    }

    /// Closes the buckets up to `now` as if every bay were unknown since the last applied instant: the daemon was
    /// down, and nobody knows what happened then. The counts hold on after `now`.
    ///
    /// - Parameter now: when counting resumes.
    /// - Returns: the buckets that closed, oldest first.
    public mutating func skipUnknown(until now: Date) -> [ZoneRollup] {
        let held = (occupied: occupied, free: free)
        (occupied, free) = (0, 0)
        let closed = advance(to: now)
        integrate(until: now)
        (occupied, free) = held
        if closed.isEmpty {
            current.occupiedMax = max(current.occupiedMax, occupied)
            current.freeMin = min(current.freeMin, free)
        } else {
            current.occupiedMax = occupied
            current.freeMin = free
        }
        return closed
    }

    /// The still-open bucket as it stands at `now`, so history answers never miss the newest minutes.
    ///
    /// - Parameter now: the current time, inside the open bucket.
    /// - Returns: the open bucket with its integrals taken up to `now` and its duration cut there.
    public func openBucket(at now: Date) -> ZoneRollup {
        var copy = self
        copy.integrate(until: max(now, integratedUntil))
        copy.current.duration = max(0, min(now, copy.current.end).timeIntervalSince(copy.current.start))
        return copy.current
    }

    private mutating func integrate(until instant: Date) {
        let seconds = max(0, min(instant, current.end).timeIntervalSince(integratedUntil))
        current.occupiedBaySeconds += Double(occupied) * seconds
        current.knownBaySeconds += Double(occupied + free) * seconds
        current.unknownBaySeconds += Double(unknown) * seconds
        integratedUntil = max(integratedUntil, min(instant, current.end))
    }

    private mutating func adjust(_ state: Occupancy, by delta: Int) {
        switch state {
        case .occupied: occupied += delta
        case .free: free += delta
        case .unknown: break
        }
    }
}
