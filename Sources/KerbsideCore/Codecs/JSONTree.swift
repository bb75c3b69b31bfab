/// A JSON value as a plain Swift tree: the network server's decoded object (ChirpStack `object`, The Things Stack
/// `decoded_payload`) handed to `DeviceModel.decode(object:)`.
///
/// Decode it with `JSONDecoder` as part of the envelope (`let object: JSONTree?`). Booleans stay booleans: a `1` is a
/// number and a `true` is a boolean, which `JSONSerialization`'s `NSNumber`s would blur.
public indirect enum JSONTree: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONTree])
    case object([String: JSONTree])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONTree].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONTree].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The member named `key` of an object; `nil` for a missing member or a value that is not an object.
    ///
    /// - Parameter key: The member name.
    public subscript(key: String) -> JSONTree? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// Whether two values are the same, comparing numbers by value and a boolean with the number 0 or 1 it stands for.
    ///
    /// - Parameter other: The value to compare with.
    /// - Returns: `true` when both say the same thing.
    func matches(_ other: JSONTree) -> Bool {
        switch (self, other) {
        case (.bool(let flag), .number(let number)), (.number(let number), .bool(let flag)):
            return number == (flag ? 1 : 0)
        default:
            return self == other
        }
    }

    /// How the value reads in messages.
    var summary: String {
        switch self {
        case .null: "null"
        case .bool(let value): String(value)
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .string(let value): "\"\(value)\""
        case .array(let elements): "an array of \(elements.count)"
        case .object: "an object"
        }
    }
}
