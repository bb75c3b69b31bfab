import Foundation

/// The bucket sizes of history answers. Minutes, quarter hours and hours are aligned to UTC multiples of their
/// length; days are the site's local days, so a DST day is one 23 h or 25 h bucket.
public enum RollupStep: String, Sendable, CaseIterable {
    case minute = "1m"
    case quarterHour = "15m"
    case hour = "1h"
    case day = "1d"

    var fixedLength: TimeInterval? {
        switch self {
        case .minute: 60
        case .quarterHour: 900
        case .hour: 3600
        case .day: nil
        }
    }

    /// The buckets of this step that overlap `from..<to`, as `(start, end)` pairs.
    ///
    /// - Parameters:
    ///   - from: the first instant wanted.
    ///   - to: the instant after the last one wanted.
    ///   - timeZone: the site's zone, for local days.
    /// - Returns: the buckets, oldest first.
    public func buckets(from: Date, to: Date, timeZone: TimeZone) -> [(start: Date, end: Date)] {
        var result: [(start: Date, end: Date)] = []
        if let length = fixedLength {
            var start = ZoneRollupAccumulator.bucketStart(of: from, length: length)
            while start < to {
                result.append((start, start.addingTimeInterval(length)))
                start = start.addingTimeInterval(length)
            }
            return result
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var cursor = from
        while cursor < to, let day = calendar.dateInterval(of: .day, for: cursor) {
            result.append((day.start, day.end))
            cursor = day.end
        }
        return result
    }

    /// Groups minute buckets into this step's buckets over `from..<to`.
    ///
    /// - Parameters:
    ///   - minutes: minute buckets of one subject, in any order (stored ones and the open one).
    ///   - from: the first instant wanted.
    ///   - to: the instant after the last one wanted.
    ///   - timeZone: the site's zone, for local days.
    /// - Returns: one bucket per step that has data, oldest first; a gap inside a bucket counts as unknown.
    public func group<Bucket: RollupBucket>(
        _ minutes: [Bucket],
        from: Date,
        to: Date,
        timeZone: TimeZone
    ) -> [Bucket] {
        mergeRollups(minutes, into: buckets(from: from, to: to, timeZone: timeZone))
    }
}
