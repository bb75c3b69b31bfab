import Foundation

/// One accepted controller reading as kept in a light's history.
public struct LightSample: Sendable, Equatable, Codable {
    public var at: Date
    public var level: Int
    public var powerWatts: Double?
    public var energyWattHours: Double?
}

/// What a light is doing, as operations staff read it.
public enum LightCondition: String, Sendable, Codable {
    /// Never heard from.
    case unknown
    case on
    case off
    /// Reporting at least one fault.
    case fault
    /// Silent longer than its group's `offline_after`.
    case offline
}

/// The live record of one streetlight controller.
public struct LightState: Sendable {
    public internal(set) var reportedLevel: Int?
    public internal(set) var powerWatts: Double?
    public internal(set) var energyWattHours: Double?
    public internal(set) var faults: [String] = []
    /// When the current set of faults was first reported.
    public internal(set) var faultsSince: Date?
    public internal(set) var lastAck: String?
    public internal(set) var lastSeen: Date?
    public internal(set) var lastReadingAt: Date?
    /// Energy drawn during `energyDay`, from meter deltas, else estimated from power.
    public internal(set) var energyToday = DailyEnergy()
    public internal(set) var history: RingBuffer<LightSample>
    public var seqWindow: SeqWindow

    public init(historyCapacity: Int, seqWindowCapacity: Int = SeqWindow.defaultCapacity) {
        history = RingBuffer(capacity: historyCapacity)
        seqWindow = SeqWindow(capacity: seqWindowCapacity)
    }

    /// Applies an accepted reading.
    ///
    /// - Parameters:
    ///   - reading: the decoded reading, already checked by ingest.
    ///   - occurredAt: the reading's own time (or its receive time when it carries none).
    ///   - receivedAt: when the daemon received it; silence is measured from here.
    ///   - day: the local day `occurredAt` falls in, for the "energy today" figure.
    public mutating func apply(_ reading: LightingReading, occurredAt: Date, receivedAt: Date, day: LocalDay) {
        let drawn = Self.energyDrawn(
            from: (lastReadingAt, energyWattHours, powerWatts),
            to: (occurredAt, reading.energyWattHours, reading.powerWatts)
        )
        energyToday.add(drawn, on: day)
        reportedLevel = reading.level
        if let power = reading.powerWatts { powerWatts = power }
        if let energy = reading.energyWattHours { energyWattHours = energy }
        if reading.faults != faults { faultsSince = reading.faults.isEmpty ? nil : occurredAt }
        faults = reading.faults
        if let ack = reading.ack { lastAck = ack }
        lastSeen = receivedAt
        lastReadingAt = occurredAt
        history.append(
            LightSample(
                at: occurredAt,
                level: reading.level,
                powerWatts: reading.powerWatts,
                energyWattHours: reading.energyWattHours
            )
        )
    }

    /// Energy between two readings: the meter delta when both have one (a decrease is a meter reset, so the new
    /// reading counts from zero), else the earlier power held over the interval.
    static func energyDrawn(
        from previous: (at: Date?, meter: Double?, power: Double?),
        to next: (at: Date, meter: Double?, power: Double?)
    ) -> Double {
        if let before = previous.meter, let after = next.meter {
            return after >= before ? after - before : after
        }
        guard let start = previous.at, let power = previous.power, next.meter == nil || previous.meter == nil else {
            return 0
        }
        return power * max(0, next.at.timeIntervalSince(start)) / 3600
    }

    /// What the light adds to its group's rollups, from its latest reading; `nil` before any.
    ///
    /// - Parameter ratedWatts: the light's rated power, for the full-power baseline and for estimates.
    /// - Returns: the state, with estimated power only when the light has no energy meter.
    func rollupState(ratedWatts: Double) -> LightRollupState? {
        guard let reportedLevel else { return nil }
        let metered = history.last?.energyWattHours != nil
        return LightRollupState(
            level: reportedLevel,
            faulty: !faults.isEmpty,
            estimatedWatts: metered ? nil : (history.last?.powerWatts ?? Double(reportedLevel) / 100 * ratedWatts),
            ratedWatts: ratedWatts
        )
    }

    /// The energy a meter counted between two readings; a decrease is a meter reset, so the new reading counts from
    /// zero. Zero unless both readings carry the meter.
    static func meterDelta(from before: Double?, to after: Double?) -> Double {
        guard let before, let after else { return 0 }
        return after >= before ? after - before : after
    }

    public func condition(at now: Date, offlineAfter: TimeInterval) -> LightCondition {
        guard let lastSeen, let reportedLevel else { return .unknown }
        if now.timeIntervalSince(lastSeen) > offlineAfter { return .offline }
        if !faults.isEmpty { return .fault }
        return reportedLevel > 0 ? .on : .off
    }

    /// Energy drawn on the local day `today`; zero when nothing was recorded that day yet.
    public func energyWattHours(on today: LocalDay) -> Double {
        energyToday.day == today ? energyToday.wattHours : 0
    }
}

/// An accumulator that starts again at each local day.
public struct DailyEnergy: Sendable, Equatable, Codable {
    public internal(set) var day: LocalDay?
    public internal(set) var wattHours: Double = 0

    mutating func add(_ drawn: Double, on newDay: LocalDay) {
        if day != newDay {
            day = newDay
            wattHours = 0
        }
        wattHours += drawn
    }
}
