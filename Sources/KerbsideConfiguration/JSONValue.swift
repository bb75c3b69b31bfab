/// A JSON document as plain values, so the GeoJSON reader can tell a number from a boolean from a string and say
/// which it found, something `JSONSerialization`'s `NSNumber`s blur. Objects keep where they start, so problems
/// inside a feature can name its line.
enum JSONValue: Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object.members[key] }
        return nil
    }

    /// How the value reads in "found ..." messages.
    var summary: String {
        switch self {
        case .null: "null"
        case .bool(let value): "the boolean \(value)"
        case .number(let value): "the number \(Self.format(value))"
        case .string(let value): "the string \"\(value)\""
        case .array(let elements): elements.count == 1 ? "an array of 1 value" : "an array of \(elements.count) values"
        case .object: "an object"
        }
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

/// A JSON object's members and the 1-based line and column of its opening brace.
struct JSONObject: Equatable {
    var members: [String: JSONValue]
    var line: Int
    var column: Int
}
