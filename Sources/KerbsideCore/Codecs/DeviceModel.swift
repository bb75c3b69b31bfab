import Foundation

/// One supported LoRaWAN device model, read from its file in `Devices/models/`: what it is, how its uplinks are laid
/// out on each fPort, how their fields become Kerbside's readings, and for controllers how a level command is encoded.
///
/// The file is data, interpreted here, so adding a model is adding a file. README.md ("Adding a device model")
/// describes the format; `parse(_:)` checks everything it can before a payload is ever seen.
public struct DeviceModel: Sendable, Codable, Equatable {
    /// The model file format this Kerbside reads.
    public static let supportedFormat = 1

    /// The file format version, always `supportedFormat` once parsed.
    public var format: Int
    /// The catalog id the inventory refers to, e.g. `nwave-nps405`.
    public var id: String
    public var vendor: String
    /// The product name, for people.
    public var name: String
    public var kind: DeviceKind
    /// Which firmware or codec version the layout was checked against.
    public var firmware: String
    /// Where the layout comes from (repository, path, commit, licence).
    public var source: String?
    /// Free text for the next person: choices made and why.
    public var notes: String?
    /// Files of the vendor's published example uplinks that the tests check this model against.
    public var testVectors: [String]
    /// Members of a decoded object to descend into first when present (vendor codecs that return `{"data": …}`).
    var objectUnwrap: [String]
    var frames: [ModelFrame]
    var levelCommand: LevelCommand?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case format
        case id
        case vendor
        case name
        case kind
        case firmware
        case source
        case notes
        case testVectors = "test_vectors"
        case objectUnwrap = "object_unwrap"
        case frames
        case levelCommand = "level_command"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(Int.self, forKey: .format)
        guard format == Self.supportedFormat else {
            let id = (try? container.decode(String.self, forKey: .id)) ?? ""
            throw CodecError(
                "device model \(id): format \(format) is not supported (this Kerbside reads format \(Self.supportedFormat))"
            )
        }
        try decoder.rejectUnknownKeys(CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        vendor = try container.decode(String.self, forKey: .vendor)
        name = try container.decode(String.self, forKey: .name)
        guard let kind = try container.decodeWord(forKey: .kind, among: [DeviceKind.parkingSensor, .lightController])
        else {
            throw DecodingError.keyNotFound(
                CodingKeys.kind,
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "kind is required")
            )
        }
        self.kind = kind
        firmware = try container.decode(String.self, forKey: .firmware)
        source = try container.decodeIfPresent(String.self, forKey: .source)
        notes = try container.decodeIfPresent(String.self, forKey: .notes)
        testVectors = try container.decodeIfPresent([String].self, forKey: .testVectors) ?? []
        objectUnwrap = try container.decodeIfPresent([String].self, forKey: .objectUnwrap) ?? []
        frames = try container.decode([ModelFrame].self, forKey: .frames)
        levelCommand = try container.decodeIfPresent(LevelCommand.self, forKey: .levelCommand)
        try validate()
    }

    /// Reads and checks a model file.
    ///
    /// Pure: bytes in, model out. Every problem is reported with the member path and what was expected, e.g.
    /// `device model nas-ul20xx-fw1.1: frames[0] (status).layout[2].records.fields[1] (level): at 3 + length 2 is
    /// past the record's 4 bytes`.
    ///
    /// - Parameter json: The file's contents.
    /// - Returns: The model, checked.
    /// - Throws: `CodecError` for invalid JSON, a missing, misspelt or mistyped member, or an inconsistent layout.
    public static func parse(_ json: [UInt8]) throws(CodecError) -> DeviceModel {
        do {
            return try JSONDecoder().decode(DeviceModel.self, from: Data(json))
        } catch let error as CodecError {
            throw error
        } catch {
            if let syntax = Self.syntaxError(json) { throw syntax }
            var id: String?
            if case .string(let text) = (try? JSONDecoder().decode(JSONTree.self, from: Data(json)))?["id"] {
                id = text
            }
            throw ModelFileError.describe(error, modelID: id)
        }
    }

    /// Where the file stops being JSON, by line and column, which `JSONDecoder` does not say.
    private static func syntaxError(_ json: [UInt8]) -> CodecError? {
        json.withUnsafeBytes { buffer -> CodecError? in
            var scanner = JSONScanner(buffer)
            do throws(JSONSyntaxError) {
                try scanner.beginTopLevelObject()
                while try scanner.nextMember() != nil {}
                try scanner.finish()
                return nil
            } catch {
                let before = json.prefix(error.offset)
                let line = before.filter { $0 == UInt8(ascii: "\n") }.count + 1
                let column = before.count - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
                return CodecError("device model: not valid JSON: \(error.message) at line \(line), column \(column)")
            }
        }
    }

    /// Whether the model can read a network server's decoded object (some frame has an `object_match`); when not,
    /// only the raw FRMPayload can be decoded.
    public var mapsObjects: Bool { frames.contains { $0.objectMatch != nil } }

    /// The fPorts the model decodes uplinks on, ascending.
    public var uplinkPorts: [Int] { Array(Set(frames.map(\.fPort))).sorted() }

    /// The downlink that sets a controller's level.
    ///
    /// - Parameter level: Percent of rated output; values outside 0…100 are clamped.
    /// - Returns: The fPort and FRMPayload, or `nil` for a model without a level command (every sensor).
    public func encodeLevel(_ level: Int) -> (fPort: Int, payload: [UInt8])? {
        guard let levelCommand else { return nil }
        let percent = UInt8(min(max(level, 0), 100))
        let payload = levelCommand.template.map { element in
            switch element {
            case .byte(let byte): byte
            case .level: percent
            }
        }
        return (levelCommand.fPort, payload)
    }
}
