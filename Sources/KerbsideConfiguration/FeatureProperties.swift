import Foundation

/// The `properties` of one GeoJSON feature, read with the problems reported in the feature's file under
/// `features[i].properties.name` and tagged with the feature's id, which is what a person searches the file for.
struct FeatureProperties {
    let reader: GeoJSONInventoryReader
    /// `features[i]`.
    let key: String
    private let properties: [String: JSONValue]
    /// Where problems about a property point: the `properties` object, else the feature.
    private let position: JSONObject
    /// The feature's top-level `id` member, used when the properties carry none (RFC 7946 puts it there).
    private let featureID: JSONValue?
    /// ` (feature "B-12")`, or empty before the id is known.
    let label: String

    init(reader: GeoJSONInventoryReader, feature: JSONObject, key: String) {
        self.reader = reader
        self.key = key
        if case .object(let properties)? = feature.members["properties"] {
            self.properties = properties.members
            position = properties
        } else {
            self.properties = [:]
            position = feature
        }
        featureID = feature.members["id"]
        let id = (properties["id"] ?? featureID).flatMap(Self.text)
        label = id.map { " (feature \"\($0)\")" } ?? ""
    }

    subscript(name: String) -> JSONValue? {
        if name == "id", properties["id"] == nil || properties["id"] == .null { return featureID }
        return properties[name]
    }

    /// `features[i].properties.name`, or `features[i].id` for an id taken from the feature itself.
    func path(_ name: String) -> String {
        let fromFeature = name == "id" && (properties["id"] == nil || properties["id"] == .null) && featureID != nil
        return fromFeature ? "\(key).id" : "\(key).properties.\(name)"
    }

    func location(of name: String) -> SourceLocation {
        reader.location(key: path(name), at: position)
    }

    func report(_ message: String, property: String?) {
        reader.report(message + label, key: property.map(path) ?? "\(key).properties", at: position)
    }

    /// A required id that must also work as an MQTT topic level and a URL segment.
    func identifier(_ name: String) -> String? {
        guard let id = reference(name) else { return nil }
        if let problem = IdentifierRules.problem(with: id) {
            report(problem, property: name)
            return nil
        }
        return id
    }

    /// A required non-empty string; an integer is taken as its decimal text, since many cities number things.
    func reference(_ name: String) -> String? {
        guard let value = self[name], value != .null else {
            report("required property is missing; expected a string", property: name)
            return nil
        }
        guard let text = Self.text(value), !text.isEmpty else {
            report("expected a non-empty string, found \(value.summary)", property: name)
            return nil
        }
        return text
    }

    /// An optional DevEUI: 16 hex digits (separators `-` or `:` allowed), kept lowercase without separators.
    /// `isValid` is false when one is given but unusable (and reported).
    func devEUI(_ name: String) -> (value: String?, isValid: Bool) {
        guard let value = self[name], value != .null else { return (nil, true) }
        guard case .string(let text) = value else {
            report("expected a DevEUI string of 16 hex digits, found \(value.summary)", property: name)
            return (nil, false)
        }
        let digits = text.filter { $0 != "-" && $0 != ":" }.lowercased()
        guard digits.count == 16, digits.allSatisfy(\.isHexDigit) else {
            report("expected a DevEUI of 16 hex digits, found \"\(text)\"", property: name)
            return (nil, false)
        }
        return (digits, true)
    }

    /// An optional non-empty string; `isValid` is false when one is given but unusable (and reported).
    func optionalText(_ name: String) -> (value: String?, isValid: Bool) {
        guard let value = self[name], value != .null else { return (nil, true) }
        guard let text = Self.text(value), !text.isEmpty else {
            report("expected a non-empty string, found \(value.summary)", property: name)
            return (nil, false)
        }
        return (text, true)
    }

    /// An optional whole number above zero; `isValid` is false when one is given but unusable (and reported).
    func positiveInteger(_ name: String) -> (value: Int?, isValid: Bool) {
        guard let value = self[name], value != .null else { return (nil, true) }
        guard case .number(let number) = value, number == number.rounded(), number >= 1, number <= 1e9 else {
            report("expected a whole number greater than 0, found \(value.summary)", property: name)
            return (nil, false)
        }
        return (Int(number), true)
    }

    /// A required number above zero.
    func positiveNumber(_ name: String) -> Double? {
        guard let value = self[name], value != .null else {
            report("required property is missing; expected a number greater than 0", property: name)
            return nil
        }
        guard case .number(let number) = value, number > 0, number.isFinite else {
            report("expected a number greater than 0, found \(value.summary)", property: name)
            return nil
        }
        return number
    }

    private static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .number(let number) where number == number.rounded() && abs(number) < 1e15: String(Int(number))
        default: nil
        }
    }
}
