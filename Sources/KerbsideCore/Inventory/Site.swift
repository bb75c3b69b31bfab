import Foundation

/// Where the city is: names the time zone its local days follow and the coordinates its sun follows.
public struct Site: Sendable, Equatable {
    public var name: String
    public var latitude: Double
    public var longitude: Double
    public var timeZone: TimeZone

    public init(name: String, latitude: Double, longitude: Double, timeZone: TimeZone) {
        self.name = name
        self.latitude = latitude
        self.longitude = longitude
        self.timeZone = timeZone
    }
}

/// A WGS 84 point as GeoJSON orders it.
public struct Coordinate: Sendable, Equatable, Codable {
    public var longitude: Double
    public var latitude: Double

    public init(longitude: Double, latitude: Double) {
        self.longitude = longitude
        self.latitude = latitude
    }
}
