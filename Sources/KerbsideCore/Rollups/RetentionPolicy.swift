import Foundation

/// How long each rollup level is kept; older buckets are deleted by the daemon.
public struct RetentionPolicy: Sendable, Equatable {
    public var minute: TimeInterval
    public var quarterHour: TimeInterval
    public var hour: TimeInterval
    public var day: TimeInterval

    public init(
        minute: TimeInterval = 7 * 86_400,
        quarterHour: TimeInterval = 90 * 86_400,
        hour: TimeInterval = 730 * 86_400,
        day: TimeInterval = 3650 * 86_400
    ) {
        self.minute = minute
        self.quarterHour = quarterHour
        self.hour = hour
        self.day = day
    }

    /// The retention of `step`'s level.
    public func keep(_ step: RollupStep) -> TimeInterval {
        switch step {
        case .minute: minute
        case .quarterHour: quarterHour
        case .hour: hour
        case .day: day
        }
    }
}
