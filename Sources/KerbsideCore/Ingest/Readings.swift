import Foundation

/// Whether a parking reading reports a change of state or only confirms the current one.
public enum ParkingReadingKind: String, Sendable, Codable {
    case change
    case heartbeat
}

/// One decoded parking-sensor message, before it is matched against the inventory.
public struct ParkingReading: Sendable, Equatable {
    public var occupied: Bool
    /// The device's own timestamp; `nil` means "use the receive time".
    public var timestamp: Date?
    public var seq: UInt64?
    public var batteryVolts: Double?
    public var kind: ParkingReadingKind

    public init(
        occupied: Bool,
        timestamp: Date? = nil,
        seq: UInt64? = nil,
        batteryVolts: Double? = nil,
        kind: ParkingReadingKind = .change
    ) {
        self.occupied = occupied
        self.timestamp = timestamp
        self.seq = seq
        self.batteryVolts = batteryVolts
        self.kind = kind
    }
}

/// One decoded streetlight-controller message.
public struct LightingReading: Sendable, Equatable {
    /// Percent of rated output, 0 = off.
    public var level: Int
    public var powerWatts: Double?
    /// Cumulative meter; a decrease is a meter reset.
    public var energyWattHours: Double?
    public var faults: [String]
    /// The command id this message acknowledges, if any.
    public var ack: String?
    public var timestamp: Date?
    public var seq: UInt64?

    public init(
        level: Int,
        powerWatts: Double? = nil,
        energyWattHours: Double? = nil,
        faults: [String] = [],
        ack: String? = nil,
        timestamp: Date? = nil,
        seq: UInt64? = nil
    ) {
        self.level = level
        self.powerWatts = powerWatts
        self.energyWattHours = energyWattHours
        self.faults = faults
        self.ack = ack
        self.timestamp = timestamp
        self.seq = seq
    }
}

/// The fault strings DESIGN.md names; others are kept verbatim.
public enum KnownLightFault: String, Sendable, CaseIterable {
    case lampFailure = "lamp_failure"
    case driverFailure = "driver_failure"
    case powerLoss = "power_loss"
    case overtemperature
    case comms
}
