import Foundation

/// What a bay is known to be: `unknown` before its first reading and while its sensor is silent.
public enum Occupancy: String, Sendable, Codable, Equatable {
    case unknown
    case free
    case occupied
}

/// One accepted parking reading as kept in a bay's history.
public struct BaySample: Sendable, Equatable, Codable {
    public var at: Date
    public var occupied: Bool
    public var batteryVolts: Double?
    public var kind: ParkingReadingKind
}

/// A change of a bay's known state, as the rollups and event stream see it.
public struct BayTransition: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// free → occupied
        case arrival
        /// occupied → free
        case departure
        /// from or to `unknown`: nobody knows when that car came or went
        case other
    }

    public var bayIndex: Int
    public var from: Occupancy
    public var to: Occupancy
    public var at: Date

    public var kind: Kind {
        switch (from, to) {
        case (.free, .occupied): .arrival
        case (.occupied, .free): .departure
        default: .other
        }
    }
}

/// The live record of one bay: the pure occupancy state machine of DESIGN.md.
///
/// The record keeps what the sensor last said; `status(at:)` layers time on top (offline, flapping, suspect,
/// overstay) so that no timer has to mutate it.
public struct BayState: Sendable {
    /// The sensor's last word, ignoring silence.
    public internal(set) var reported: Occupancy = .unknown
    /// When `reported` took its value, by the reading's timestamp.
    public internal(set) var since: Date?
    /// Receive time of the last accepted reading: silence is measured on the daemon's clock, not the device's.
    public internal(set) var lastSeen: Date?
    /// Device time of the last accepted reading, to refuse readings that arrive out of order.
    public internal(set) var lastReadingAt: Date?
    public internal(set) var batteryVolts: Double?
    /// When the car now in the bay arrived, if it was seen arriving (free → occupied); a parking session's start.
    public internal(set) var arrivedAt: Date?
    /// Times of recent free↔occupied changes, newest last, for flapping.
    public internal(set) var changeTimes: RingBuffer<Date>
    public internal(set) var history: RingBuffer<BaySample>
    public var seqWindow: SeqWindow

    public init(historyCapacity: Int, flappingMaxChanges: Int, seqWindowCapacity: Int = SeqWindow.defaultCapacity) {
        changeTimes = RingBuffer(capacity: flappingMaxChanges + 1)
        history = RingBuffer(capacity: historyCapacity)
        seqWindow = SeqWindow(capacity: seqWindowCapacity)
    }

    /// The state in force at `now`, after `policy`'s silence limit.
    public func occupancy(at now: Date, policy: SensorHealthPolicy) -> Occupancy {
        isOffline(at: now, policy: policy) ? .unknown : reported
    }

    public func isOffline(at now: Date, policy: SensorHealthPolicy) -> Bool {
        guard let lastSeen else { return false }
        return now.timeIntervalSince(lastSeen) > policy.offlineAfter
    }

    /// Applies an accepted reading and returns the transition it caused, if any.
    ///
    /// - Parameters:
    ///   - reading: the decoded reading, already checked by ingest.
    ///   - occurredAt: the reading's own time (or its receive time when it carries none).
    ///   - receivedAt: when the daemon received it.
    ///   - policy: the zone's health policy, to tell whether the bay was silent before this reading.
    ///   - bayIndex: the bay's position in the inventory, carried into the transition.
    /// - Returns: the change of known state, or `nil` when the reading confirms what was known.
    public mutating func apply(
        _ reading: ParkingReading,
        occurredAt: Date,
        receivedAt: Date,
        policy: SensorHealthPolicy,
        bayIndex: Int
    ) -> BayTransition? {
        let before = occupancy(at: receivedAt, policy: policy)
        let after: Occupancy = reading.occupied ? .occupied : .free
        lastSeen = receivedAt
        lastReadingAt = occurredAt
        if let volts = reading.batteryVolts { batteryVolts = volts }
        history.append(
            BaySample(
                at: occurredAt,
                occupied: reading.occupied,
                batteryVolts: reading.batteryVolts,
                kind: reading.kind
            )
        )
        reported = after
        guard before != after else { return nil }
        since = occurredAt
        if before != .unknown { changeTimes.append(occurredAt) }
        let transition = BayTransition(bayIndex: bayIndex, from: before, to: after, at: occurredAt)
        arrivedAt = transition.kind == .arrival ? occurredAt : nil
        return transition
    }

    /// Turns a silent bay `unknown` from the moment its silence became too long, and says what it was before.
    public mutating func markOfflineIfSilent(at now: Date, policy: SensorHealthPolicy, bayIndex: Int) -> BayTransition?
    {
        guard reported != .unknown, let lastSeen, isOffline(at: now, policy: policy) else { return nil }
        let wentSilentAt = lastSeen.addingTimeInterval(policy.offlineAfter)
        let transition = BayTransition(bayIndex: bayIndex, from: reported, to: .unknown, at: wentSilentAt)
        reported = .unknown
        since = wentSilentAt
        arrivedAt = nil
        return transition
    }
}
