/// A parking bay and the sensor that watches it.
public struct Bay: Sendable, Equatable {
    public var id: String
    public var zone: String
    public var sensor: String
    /// The stay allowed in this bay; longer is an overstay. `nil` falls back to the zone's.
    public var maxStayMinutes: Int?
    public var coordinate: Coordinate?
    /// For a LoRaWAN sensor behind a network server: its DevEUI (lowercase hex) and device model id.
    public var devEUI: String?
    public var model: String?

    public init(
        id: String,
        zone: String,
        sensor: String,
        maxStayMinutes: Int? = nil,
        coordinate: Coordinate? = nil,
        devEUI: String? = nil,
        model: String? = nil
    ) {
        self.id = id
        self.zone = zone
        self.sensor = sensor
        self.maxStayMinutes = maxStayMinutes
        self.coordinate = coordinate
        self.devEUI = devEUI
        self.model = model
    }
}

/// A streetlight and the controller that drives it.
public struct Light: Sendable, Equatable {
    public var id: String
    public var group: String
    public var controller: String
    public var ratedPowerWatts: Double
    public var coordinate: Coordinate?
    /// For a LoRaWAN controller behind a network server: its DevEUI (lowercase hex) and device model id.
    public var devEUI: String?
    public var model: String?

    public init(
        id: String,
        group: String,
        controller: String,
        ratedPowerWatts: Double,
        coordinate: Coordinate? = nil,
        devEUI: String? = nil,
        model: String? = nil
    ) {
        self.id = id
        self.group = group
        self.controller = controller
        self.ratedPowerWatts = ratedPowerWatts
        self.coordinate = coordinate
        self.devEUI = devEUI
        self.model = model
    }
}
