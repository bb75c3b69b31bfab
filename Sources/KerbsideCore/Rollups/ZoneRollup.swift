import Foundation

/// A zone's parking figures over one time bucket, kept as integrals so coarser buckets are exact sums of finer ones.
///
/// A bay occupied for 45 s of a 60 s bucket adds 45 bay-seconds to `occupiedBaySeconds`: occupancy is time-weighted,
/// never a count of samples.
public struct ZoneRollup: RollupBucket, Equatable, Codable {
    public var zone: String
    public var start: Date
    public var duration: TimeInterval
    public var capacity: Int
    public var occupiedBaySeconds: Double
    /// Bay-seconds whose state was known (free or occupied).
    public var knownBaySeconds: Double
    public var unknownBaySeconds: Double
    public var occupiedMax: Int
    public var freeMin: Int
    public var arrivals: Int
    public var departures: Int

    public init(
        zone: String,
        start: Date,
        duration: TimeInterval,
        capacity: Int,
        occupiedBaySeconds: Double = 0,
        knownBaySeconds: Double = 0,
        unknownBaySeconds: Double = 0,
        occupiedMax: Int = 0,
        freeMin: Int = 0,
        arrivals: Int = 0,
        departures: Int = 0
    ) {
        self.zone = zone
        self.start = start
        self.duration = duration
        self.capacity = capacity
        self.occupiedBaySeconds = occupiedBaySeconds
        self.knownBaySeconds = knownBaySeconds
        self.unknownBaySeconds = unknownBaySeconds
        self.occupiedMax = occupiedMax
        self.freeMin = freeMin
        self.arrivals = arrivals
        self.departures = departures
    }

    /// Occupied share of the known bay-time; `nil` when no bay was known during the bucket.
    public var occupancyAverage: Double? {
        knownBaySeconds > 0 ? occupiedBaySeconds / knownBaySeconds : nil
    }

    /// Average number of bays whose state was unknown.
    public var unknownAverage: Double {
        duration > 0 ? unknownBaySeconds / duration : 0
    }

    public var subject: String { zone }

    /// Combines consecutive buckets of one zone into the bucket that spans them.
    ///
    /// - Parameters:
    ///   - parts: finer buckets of the same zone, in any order.
    ///   - start: the coarser bucket's start.
    ///   - duration: the coarser bucket's length, which may be 23 h or 25 h for a local day.
    /// - Returns: the sums of the integrals and counts, the extremes of the extremes; `nil` without parts.
    public static func merging(_ parts: [ZoneRollup], start: Date, duration: TimeInterval) -> ZoneRollup? {
        guard let first = parts.first else { return nil }
        var merged = ZoneRollup(
            zone: first.zone,
            start: start,
            duration: duration,
            capacity: parts.map(\.capacity).max() ?? first.capacity,
            occupiedMax: first.occupiedMax,
            freeMin: first.freeMin
        )
        for part in parts {
            merged.occupiedBaySeconds += part.occupiedBaySeconds
            merged.knownBaySeconds += part.knownBaySeconds
            merged.unknownBaySeconds += part.unknownBaySeconds
            merged.occupiedMax = max(merged.occupiedMax, part.occupiedMax)
            merged.freeMin = min(merged.freeMin, part.freeMin)
            merged.arrivals += part.arrivals
            merged.departures += part.departures
        }
        // Time not covered by any part (the daemon was down) counts as unknown: nobody knows what happened then.
        let covered = parts.reduce(0) { $0 + $1.duration }
        merged.unknownBaySeconds += max(0, duration - covered) * Double(merged.capacity)
        return merged
    }
}
