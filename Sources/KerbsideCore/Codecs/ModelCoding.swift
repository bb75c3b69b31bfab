/// An integer in a model file, written as a JSON number or as a `"0x…"` string so masks and header bytes read as in
/// the vendor's documentation.
struct ModelInteger: Sendable, Hashable, Codable, CustomStringConvertible {
    var value: Int64

    init(_ value: Int64) {
        self.value = value
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            value = number
            return
        }
        guard let text = try? container.decode(String.self) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "expected an integer or a \"0x…\" hex string"
            )
        }
        let lowered = text.lowercased()
        guard lowered.hasPrefix("0x"), let number = Int64(lowered.dropFirst(2), radix: 16) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "\"\(text)\" is not an integer or a \"0x…\" hex string"
            )
        }
        value = number
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    var description: String { value >= 0 && value <= 0xFF ? ModelInteger.hex(UInt8(value)) : String(value) }

    /// How a byte is written in messages: `0x7A`.
    static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return "0x" + (digits.count == 1 ? "0" + digits : digits)
    }
}

/// A coding key for any member name, used to list the keys a model file object actually has.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension Decoder {
    /// Refuses members the model format does not define, so a misspelt key is an error rather than ignored.
    ///
    /// - Parameter keys: The keys the object may have.
    /// - Throws: `DecodingError.dataCorrupted` naming the first unknown key and the known ones.
    func rejectUnknownKeys<Key: CodingKey & CaseIterable>(_ keys: Key.Type) throws {
        let container = try container(keyedBy: AnyCodingKey.self)
        let known = keys.allCases.map(\.stringValue)
        for key in container.allKeys where !known.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: codingPath + [key],
                    debugDescription: "unknown key (expected one of: \(known.joined(separator: ", ")))"
                )
            )
        }
    }
}

extension KeyedDecodingContainer {
    /// Decodes a string member that must be one of a few words, naming them when it is not.
    ///
    /// - Parameters:
    ///   - key: The member.
    ///   - choices: The values allowed.
    /// - Returns: The value, or `nil` when the member is absent.
    /// - Throws: `DecodingError` for a non-string or a word outside `choices`.
    func decodeWord<Word: RawRepresentable>(forKey key: Key, among choices: [Word]) throws -> Word?
    where Word.RawValue == String {
        guard let text = try decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let word = choices.first(where: { $0.rawValue == text }) else {
            let names = choices.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw DecodingError.dataCorruptedError(
                forKey: key,
                in: self,
                debugDescription: "\"\(text)\" is not one of \(names)"
            )
        }
        return word
    }
}

enum ModelFileError {
    /// Turns a `JSONDecoder` error into one line naming the member path, e.g. `frames[2].layout[0]: …`.
    ///
    /// - Parameters:
    ///   - error: What `JSONDecoder` threw.
    ///   - modelID: The file's `id`, when it has one, to name the model.
    /// - Returns: The error to report for the model file.
    static func describe(_ error: any Error, modelID: String?) -> CodecError {
        let prefix = modelID.map { "device model \($0)" } ?? "device model"
        guard let decodingError = error as? DecodingError else {
            return CodecError("\(prefix): \(error)")
        }
        switch decodingError {
        case .typeMismatch(let type, let context):
            return CodecError("\(prefix): \(path(context.codingPath)): expected \(typeName(type))")
        case .valueNotFound(let type, let context):
            return CodecError("\(prefix): \(path(context.codingPath)): expected \(typeName(type)), found null")
        case .keyNotFound(let key, let context):
            return CodecError("\(prefix): \(path(context.codingPath + [key])): required key is missing")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return CodecError("\(prefix): not valid JSON (\(context.debugDescription))")
            }
            return CodecError("\(prefix): \(path(context.codingPath)): \(context.debugDescription)")
        @unknown default:
            return CodecError("\(prefix): \(decodingError)")
        }
    }

    /// A coding path as `frames[2].layout[0].block`.
    ///
    /// - Parameter codingPath: The keys from the document root.
    /// - Returns: The dotted path, or `(top level)` for the root.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return text.isEmpty ? "(top level)" : text
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        default: "a value of type \(type)"
        }
    }
}
