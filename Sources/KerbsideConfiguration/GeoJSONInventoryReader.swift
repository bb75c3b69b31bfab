import Foundation
import KerbsideCore

/// Reads the bays and lights of one GeoJSON inventory file: a `FeatureCollection` of `Point` features.
///
/// A bay has the properties `id`, `zone`, `sensor` and optionally `max_stay_minutes`; a light has `id`, `group`,
/// `controller` and `rated_power_w`. The optional `kind` (`parking_bay` or `streetlight`) says which; without it
/// the presence of `sensor` or `controller` does. Other properties are ignored, because cities' files carry many.
/// Problems are reported at the line of the object concerned, by feature index and, once known, the feature's id.
struct GeoJSONInventoryReader {
    let file: String
    /// When known, points far from it are reported: GeoJSON puts longitude first, and swapped pairs are common.
    let site: Site?
    let log: ProblemLog
    let locations: InventoryLocations

    private enum Kind: String, CaseIterable {
        case parkingBay = "parking_bay"
        case streetlight
    }

    private enum Device {
        case bay(Bay)
        case light(Light)
    }

    func read(_ data: Data) -> (bays: [Bay], lights: [Light]) {
        // Features are read as the parser reaches them, so one is in memory at a time. Their problems wait in
        // their own log until the file has shown itself a FeatureCollection: a file that is not one reports that
        // alone, as does one that is not valid JSON.
        let featureLog = ProblemLog()
        let featureReader = GeoJSONInventoryReader(file: file, site: site, log: featureLog, locations: locations)
        var bays: [Bay] = []
        var lights: [Light] = []
        let document: JSONValue
        do {
            document = try JSONParser.parse(Array(data), streamingElementsOf: "features") { feature, index, root in
                switch featureReader.readFeature(feature, key: "features[\(index)]", near: root) {
                case .bay(let bay): bays.append(bay)
                case .light(let light): lights.append(light)
                case nil: break
                }
            }
        } catch {
            let message = "expected a GeoJSON FeatureCollection, found text that is not valid JSON: \(error.message)"
            log.report(message, at: SourceLocation(file: file, line: error.line, column: error.column, key: ""))
            return ([], [])
        }
        guard case .object(let root) = document else {
            report("expected a GeoJSON FeatureCollection object, found \(document.summary)")
            return ([], [])
        }
        guard document["type"] == .string("FeatureCollection") else {
            let found = document["type"]?.summary ?? "no type"
            report("expected \"FeatureCollection\" (a list of features), found \(found)", key: "type", at: root)
            return ([], [])
        }
        guard case .array = document["features"] else {
            let found = document["features"]?.summary ?? "none"
            report("expected an array of features, found \(found)", key: "features", at: root)
            return ([], [])
        }
        for problem in featureLog.problems { log.report(problem) }
        return (bays, lights)
    }

    private func readFeature(_ feature: JSONValue, key: String, near root: JSONObject) -> Device? {
        guard case .object(let object) = feature else {
            report("expected a Feature object, found \(feature.summary)", key: key, at: root)
            return nil
        }
        if feature["type"] != .string("Feature") {
            report(
                "expected \"Feature\", found \(feature["type"]?.summary ?? "no type")",
                key: key + ".type",
                at: object
            )
        }
        guard case .object = feature["properties"] else {
            let message =
                "expected an object with id, zone and sensor (a bay) or id, group and controller "
                + "(a light), found \(feature["properties"]?.summary ?? "no properties member")"
            report(message, key: key + ".properties", at: object)
            return nil
        }
        let properties = FeatureProperties(reader: self, feature: object, key: key)
        let coordinate = readCoordinate(
            feature["geometry"],
            key: key + ".geometry",
            feature: object,
            label: properties.label
        )
        switch kind(of: properties) {
        case .parkingBay?:
            let id = properties.identifier("id")
            let zone = properties.reference("zone")
            let sensor = properties.identifier("sensor")
            let maxStay = properties.positiveInteger("max_stay_minutes")
            let devEUI = properties.devEUI("dev_eui")
            let model = properties.optionalText("model")
            guard let id, let zone, let sensor, maxStay.isValid, devEUI.isValid, model.isValid else { return nil }
            locations.record("bay", id: id, at: properties.location(of: "id"))
            locations.record("bay", id: id, field: "zone", value: zone, at: properties.location(of: "zone"))
            locations.record("sensor", id: sensor, at: properties.location(of: "sensor"))
            if let eui = devEUI.value {
                locations.record("DevEUI", id: eui, at: properties.location(of: "dev_eui"))
            }
            return .bay(
                Bay(
                    id: id,
                    zone: zone,
                    sensor: sensor,
                    maxStayMinutes: maxStay.value,
                    coordinate: coordinate,
                    devEUI: devEUI.value,
                    model: model.value
                )
            )
        case .streetlight?:
            let id = properties.identifier("id")
            let group = properties.reference("group")
            let controller = properties.identifier("controller")
            let power = properties.positiveNumber("rated_power_w")
            let devEUI = properties.devEUI("dev_eui")
            let model = properties.optionalText("model")
            guard let id, let group, let controller, let power, devEUI.isValid, model.isValid else { return nil }
            if let eui = devEUI.value {
                locations.record("DevEUI", id: eui, at: properties.location(of: "dev_eui"))
            }
            locations.record("light", id: id, at: properties.location(of: "id"))
            locations.record("light", id: id, field: "group", value: group, at: properties.location(of: "group"))
            locations.record("controller", id: controller, at: properties.location(of: "controller"))
            return .light(
                Light(
                    id: id,
                    group: group,
                    controller: controller,
                    ratedPowerWatts: power,
                    coordinate: coordinate,
                    devEUI: devEUI.value,
                    model: model.value
                )
            )
        case nil:
            return nil
        }
    }

    /// The declared kind, else the one its properties imply; `nil` (reported) when neither settles it.
    private func kind(of properties: FeatureProperties) -> Kind? {
        let kinds = Kind.allCases.map(\.rawValue).joined(separator: " or ")
        switch properties["kind"] {
        case .string(let name)?:
            if let kind = Kind(rawValue: name) { return kind }
            properties.report("expected \(kinds), found \"\(name)\"", property: "kind")
            return nil
        case nil, .null?:
            break
        case let other?:
            properties.report("expected \(kinds), found \(other.summary)", property: "kind")
            return nil
        }
        let hasSensor = properties["sensor"].map { $0 != .null } ?? false
        let hasController = properties["controller"].map { $0 != .null } ?? false
        switch (hasSensor, hasController) {
        case (true, false): return .parkingBay
        case (false, true): return .streetlight
        case (true, true):
            properties.report("has both sensor and controller; set kind to \(kinds)", property: nil)
        case (false, false):
            properties.report(
                "has neither sensor (a parking bay) nor controller (a streetlight); set one, or kind to \(kinds)",
                property: nil
            )
        }
        return nil
    }

    /// Reports a problem at `object`'s opening brace, or for the whole file.
    func report(_ message: String, key: String = "", at object: JSONObject? = nil) {
        log.report(message, at: location(key: key, at: object))
    }

    func location(key: String, at object: JSONObject?) -> SourceLocation {
        SourceLocation(file: file, line: object?.line, column: object?.column, key: key)
    }
}
