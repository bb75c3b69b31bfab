import Foundation
import KerbsideCore

extension GeoJSONInventoryReader {
    /// Farther than this from the site a point is taken for a mistake; 250 km covers any metropolitan area.
    static let maximumDistanceFromSite: Double = 250_000

    /// A feature's point: `nil` for a null geometry (a device not yet surveyed), reported when not a valid Point.
    func readCoordinate(_ geometry: JSONValue?, key: String, feature: JSONObject, label: String) -> Coordinate? {
        guard let geometry, geometry != .null else { return nil }
        guard case .object(let object) = geometry else {
            report("expected a Point geometry or null, found \(geometry.summary)\(label)", key: key, at: feature)
            return nil
        }
        guard geometry["type"] == .string("Point") else {
            let found = geometry["type"].map { $0.summary } ?? "no type"
            report("expected a Point geometry or null, found \(found)\(label)", key: key + ".type", at: object)
            return nil
        }
        let expected = "[longitude, latitude] (optionally with an altitude)"
        guard case .array(let position)? = geometry["coordinates"], (2...3).contains(position.count),
            case .number(let longitude) = position[0], case .number(let latitude) = position[1]
        else {
            let found = geometry["coordinates"]?.summary ?? "none"
            report("expected \(expected), found \(found)\(label)", key: key + ".coordinates", at: object)
            return nil
        }
        guard (-180...180).contains(longitude), (-90...90).contains(latitude) else {
            let found = "[\(JSONValue.format(longitude)), \(JSONValue.format(latitude))]"
            let message = "expected longitude from -180 to 180 and latitude from -90 to 90, found \(found)\(label)"
            report(message, key: key + ".coordinates", at: object)
            return nil
        }
        let coordinate = Coordinate(longitude: longitude, latitude: latitude)
        if let site, Self.distance(coordinate, site) > Self.maximumDistanceFromSite {
            let kilometres = Int((Self.distance(coordinate, site) / 1000).rounded())
            let swapped = Coordinate(longitude: latitude, latitude: longitude)
            let hint =
                Self.distance(swapped, site) <= Self.maximumDistanceFromSite
                ? "; it looks swapped: GeoJSON puts longitude first" : ""
            let message =
                "expected a point within \(Int(Self.maximumDistanceFromSite / 1000)) km of the site, "
                + "found [\(JSONValue.format(longitude)), \(JSONValue.format(latitude))], \(kilometres) km away"
                + hint + label
            report(message, key: key + ".coordinates", at: object)
            return nil
        }
        return coordinate
    }

    /// Great-circle distance in metres (haversine); plenty accurate for a sanity check.
    static func distance(_ coordinate: Coordinate, _ site: Site) -> Double {
        let radians = Double.pi / 180
        let deltaLatitude = (coordinate.latitude - site.latitude) * radians
        let deltaLongitude = (coordinate.longitude - site.longitude) * radians
        let a =
            sin(deltaLatitude / 2) * sin(deltaLatitude / 2)
            + cos(site.latitude * radians) * cos(coordinate.latitude * radians)
            * sin(deltaLongitude / 2) * sin(deltaLongitude / 2)
        return 2 * 6_371_000 * asin(min(1, a.squareRoot()))
    }
}
