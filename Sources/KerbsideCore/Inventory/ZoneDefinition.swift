import Foundation

/// When a parking sensor's answers stop being trusted.
public struct SensorHealthPolicy: Sendable, Equatable {
    /// Silence longer than this makes a bay `unknown` (sensor offline).
    public var offlineAfter: TimeInterval
    /// More free↔occupied changes than this within `flappingWindow` make a sensor flapping.
    public var flappingMaxChanges: Int
    public var flappingWindow: TimeInterval
    /// Occupied longer than this is a stuck sensor (`suspect`), a maintenance matter, not an enforcement one.
    public var suspectAfter: TimeInterval
    /// Below this voltage a battery is reported low; `nil` never reports.
    public var lowBatteryVolts: Double?

    public init(
        offlineAfter: TimeInterval = 3 * 3600,
        flappingMaxChanges: Int = 10,
        flappingWindow: TimeInterval = 600,
        suspectAfter: TimeInterval = 72 * 3600,
        lowBatteryVolts: Double? = 3.1
    ) {
        self.offlineAfter = offlineAfter
        self.flappingMaxChanges = flappingMaxChanges
        self.flappingWindow = flappingWindow
        self.suspectAfter = suspectAfter
        self.lowBatteryVolts = lowBatteryVolts
    }
}

/// A parking zone as configured; its bays come from the inventory.
public struct ZoneDefinition: Sendable, Equatable {
    public var id: String
    public var name: String
    /// Default stay limit for the zone's bays that do not set their own.
    public var maxStayMinutes: Int?
    public var health: SensorHealthPolicy

    public init(id: String, name: String, maxStayMinutes: Int? = nil, health: SensorHealthPolicy = .init()) {
        self.id = id
        self.name = name
        self.maxStayMinutes = maxStayMinutes
        self.health = health
    }
}

/// A group of streetlights dimmed together.
public struct LightGroupDefinition: Sendable, Equatable {
    public var id: String
    public var name: String
    /// Silence longer than this makes a light `offline`.
    public var offlineAfter: TimeInterval

    public init(id: String, name: String, offlineAfter: TimeInterval = 3 * 3600) {
        self.id = id
        self.name = name
        self.offlineAfter = offlineAfter
    }
}
