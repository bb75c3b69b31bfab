import Foundation

/// A bay as the API and the aggregates see it at one instant.
public struct BayStatus: Sendable, Equatable {
    public var state: Occupancy
    public var since: Date?
    public var lastSeen: Date?
    public var batteryVolts: Double?
    /// Silent longer than `offline_after`.
    public var isOffline: Bool
    /// Changing state more often than a car can.
    public var isFlapping: Bool
    /// Occupied far longer than any stay: probably a stuck sensor.
    public var isSuspect: Bool
    /// Occupied longer than the bay allows: an enforcement matter.
    public var isOverstay: Bool
    public var isBatteryLow: Bool
    /// The first change within the flapping window, when the bay is flapping (the tick fills it in).
    public var flappingSince: Date? = nil

    /// Whether the bay's answer can be counted on a sign.
    public var isTrusted: Bool { state != .unknown && !isFlapping && !isSuspect }
}

extension BayState {
    /// Layers time onto the record: offline, flapping, suspect and overstay as of `now`.
    ///
    /// - Parameters:
    ///   - now: the instant to judge at.
    ///   - policy: the zone's silence, flapping and stuck-sensor limits.
    ///   - maxStayMinutes: the limit in force for this bay (its own, else its zone's).
    /// - Returns: the bay as the API and the aggregates see it at `now`.
    public func status(at now: Date, policy: SensorHealthPolicy, maxStayMinutes: Int?) -> BayStatus {
        BayStatus(
            judging: reported,
            since: since,
            lastSeen: lastSeen,
            batteryVolts: batteryVolts,
            recentChanges: changeTimes.countFromNewest(notBelow: now.addingTimeInterval(-policy.flappingWindow)),
            at: now,
            policy: policy,
            maxStayMinutes: maxStayMinutes
        )
    }
}

extension BayStatus {
    /// The judgement behind `BayState.status`, from the bay's fields: the tick reads them in place, because handing
    /// a whole bay to a function copies it (retaining its histories), 200,000 times a second. `recentChanges` is
    /// how many state changes the bay saw within the policy's flapping window.
    @inline(__always)
    init(
        judging reported: Occupancy,
        since: Date?,
        lastSeen: Date?,
        batteryVolts: Double?,
        recentChanges: Int,
        at now: Date,
        policy: SensorHealthPolicy,
        maxStayMinutes: Int?
    ) {
        let offline = lastSeen.map { now.timeIntervalSince($0) > policy.offlineAfter } ?? false
        let state: Occupancy = offline ? .unknown : reported
        let occupiedFor = state == .occupied ? since.map { now.timeIntervalSince($0) } : nil
        self.init(
            state: state,
            since: offline ? lastSeen.map { $0.addingTimeInterval(policy.offlineAfter) } : since,
            lastSeen: lastSeen,
            batteryVolts: batteryVolts,
            isOffline: offline,
            isFlapping: !offline && recentChanges > policy.flappingMaxChanges,
            isSuspect: (occupiedFor ?? 0) > policy.suspectAfter,
            isOverstay: maxStayMinutes.map { (occupiedFor ?? 0) > Double($0) * 60 } ?? false,
            isBatteryLow: zip(batteryVolts, policy.lowBatteryVolts).map { $0 < $1 } ?? false
        )
    }
}

private func zip<A, B>(_ first: A?, _ second: B?) -> (A, B)? {
    guard let first, let second else { return nil }
    return (first, second)
}
