import Foundation
import KerbsideCore

/// Lets a few log lines per reason through each interval and counts the rest, so a flood of bad payloads cannot
/// flood the journal; the counters and `/api/v1/ingest/rejects` keep the full picture.
struct RateLimitedLog: Sendable {
    let linesPerInterval: Int
    let interval: TimeInterval
    private var windowStart: Date?
    private var emitted: [RejectReason: Int] = [:]
    private var suppressed: [RejectReason: Int] = [:]

    init(linesPerInterval: Int = 5, interval: TimeInterval = 60) {
        self.linesPerInterval = linesPerInterval
        self.interval = interval
    }

    enum Decision: Equatable {
        /// Log it; `suppressedBefore` lines of this reason were dropped in the previous window.
        case log(suppressedBefore: Int)
        case suppress
    }

    mutating func decide(_ reason: RejectReason, at now: Date) -> Decision {
        var carried = 0
        if let start = windowStart, now.timeIntervalSince(start) < interval {
            // same window
        } else {
            windowStart = now
            emitted = [:]
            carried = suppressed[reason] ?? 0
            suppressed = [:]
        }
        guard emitted[reason, default: 0] < linesPerInterval else {
            suppressed[reason, default: 0] += 1
            return .suppress
        }
        emitted[reason, default: 0] += 1
        return .log(suppressedBefore: carried)
    }
}
