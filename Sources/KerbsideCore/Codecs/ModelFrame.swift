/// One kind of uplink frame in a model file: where it arrives (fPort and header byte), how its bytes are laid out,
/// and what it means for Kerbside.
struct ModelFrame: Sendable, Equatable, Codable {
    /// The model file's name for the frame, used in messages (`status`, `heartbeat`).
    var name: String
    var fPort: Int
    /// Selects among several frames on one fPort by a header byte; a frame without one takes every payload.
    var match: ByteMatch?
    var length: LengthRule?
    /// Selects this frame for a decoded object: every path must hold the given value.
    var objectMatch: [String: JSONTree]?
    /// Why the frame carries nothing for Kerbside; such a frame has no layout and no map.
    var ignore: String?
    /// For parking sensors: whether the frame reports a change or is a heartbeat.
    var reading: ParkingReadingKind?
    var layout: [LayoutStep]
    var map: ReadingMap?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name
        case fPort = "f_port"
        case match
        case length
        case objectMatch = "object_match"
        case ignore
        case reading
        case fields
        case layout
        case map
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        fPort = try container.decode(Int.self, forKey: .fPort)
        match = try container.decodeIfPresent(ByteMatch.self, forKey: .match)
        length = try container.decodeIfPresent(LengthRule.self, forKey: .length)
        objectMatch = try container.decodeIfPresent([String: JSONTree].self, forKey: .objectMatch)
        ignore = try container.decodeIfPresent(String.self, forKey: .ignore)
        reading = try container.decodeWord(forKey: .reading, among: [ParkingReadingKind.change, .heartbeat])
        map = try container.decodeIfPresent(ReadingMap.self, forKey: .map)
        let fields = try container.decodeIfPresent([FieldSpec].self, forKey: .fields)
        let layout = try container.decodeIfPresent([LayoutStep].self, forKey: .layout)
        switch (fields, layout) {
        case (.some, .some):
            throw DecodingError.dataCorruptedError(
                forKey: .fields,
                in: container,
                debugDescription: "give either \"fields\" (one block from byte 0) or \"layout\", not both"
            )
        case (.some(let fields), nil):
            let extent = fields.map { ($0.at ?? 0) + $0.length }.max() ?? 0
            self.layout = [.block(Block(bytes: extent, fields: fields, condition: nil))]
        case (nil, let layout):
            self.layout = layout ?? []
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(fPort, forKey: .fPort)
        try container.encodeIfPresent(match, forKey: .match)
        try container.encodeIfPresent(length, forKey: .length)
        try container.encodeIfPresent(objectMatch, forKey: .objectMatch)
        try container.encodeIfPresent(ignore, forKey: .ignore)
        try container.encodeIfPresent(reading, forKey: .reading)
        if !layout.isEmpty { try container.encode(layout, forKey: .layout) }
        try container.encodeIfPresent(map, forKey: .map)
    }
}

/// A header byte that selects a frame: the byte at `at` is one of `equals`.
struct ByteMatch: Sendable, Equatable, Codable {
    var at: Int
    var equals: [ModelInteger]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case at
        case equals
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        at = try container.decodeIfPresent(Int.self, forKey: .at) ?? 0
        equals = try container.decode([ModelInteger].self, forKey: .equals)
    }
}

/// The payload lengths a frame accepts; written as a number for an exact length or as `{"min": …, "max": …}`.
struct LengthRule: Sendable, Equatable, Codable {
    var min: Int?
    var max: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case min
        case max
    }

    init(from decoder: any Decoder) throws {
        if let exact = try? decoder.singleValueContainer().decode(Int.self) {
            min = exact
            max = exact
            return
        }
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        min = try container.decodeIfPresent(Int.self, forKey: .min)
        max = try container.decodeIfPresent(Int.self, forKey: .max)
    }
}

/// One step of a frame's layout, read in order from the start of the payload.
enum LayoutStep: Sendable, Equatable, Codable {
    /// A fixed number of bytes holding named fields; skipped when its condition field is absent or zero.
    case block(Block)
    /// A count byte (or bytes) and that many bytes after it, skipped unread (e.g. NAS's sensor-source block).
    case lengthPrefixed(LengthPrefixed)
    /// Fixed-size records repeated to the end of the payload.
    case records(Records)
    /// Records with a fixed head and then the optional fields its mask byte selects, repeated to the end.
    case maskedRecords(MaskedRecords)

    enum CodingKeys: String, CodingKey, CaseIterable {
        case block
        case lengthPrefixed = "length_prefixed"
        case records
        case maskedRecords = "masked_records"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard container.allKeys.count == 1, let key = container.allKeys.first else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath,
                    debugDescription:
                        "a layout step has exactly one of: block, length_prefixed, records, masked_records"
                )
            )
        }
        switch key {
        case .block: self = .block(try container.decode(Block.self, forKey: key))
        case .lengthPrefixed: self = .lengthPrefixed(try container.decode(LengthPrefixed.self, forKey: key))
        case .records: self = .records(try container.decode(Records.self, forKey: key))
        case .maskedRecords: self = .maskedRecords(try container.decode(MaskedRecords.self, forKey: key))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .block(let step): try container.encode(step, forKey: .block)
        case .lengthPrefixed(let step): try container.encode(step, forKey: .lengthPrefixed)
        case .records(let step): try container.encode(step, forKey: .records)
        case .maskedRecords(let step): try container.encode(step, forKey: .maskedRecords)
        }
    }
}

struct Block: Sendable, Equatable, Codable {
    var bytes: Int
    var fields: [FieldSpec]
    /// The name of an earlier field; the block is present only when that field is non-zero.
    var condition: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case bytes
        case fields
        case condition = "if"
    }

    init(bytes: Int, fields: [FieldSpec], condition: String?) {
        self.bytes = bytes
        self.fields = fields
        self.condition = condition
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        bytes = try container.decode(Int.self, forKey: .bytes)
        fields = try container.decodeIfPresent([FieldSpec].self, forKey: .fields) ?? []
        condition = try container.decodeIfPresent(String.self, forKey: .condition)
    }
}

struct LengthPrefixed: Sendable, Equatable, Codable {
    var name: String
    /// How many bytes the count takes (1 or 2, little-endian).
    var countBytes: Int

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name
        case countBytes = "count_bytes"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        countBytes = try container.decodeIfPresent(Int.self, forKey: .countBytes) ?? 1
    }
}

struct Records: Sendable, Equatable, Codable {
    /// The group name; its fields are referred to as `name.field`.
    var name: String
    var bytes: Int
    var fields: [FieldSpec]
    var minCount: Int

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name
        case bytes
        case fields
        case minCount = "min_count"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        bytes = try container.decode(Int.self, forKey: .bytes)
        fields = try container.decode([FieldSpec].self, forKey: .fields)
        minCount = try container.decodeIfPresent(Int.self, forKey: .minCount) ?? 0
    }
}

struct MaskedRecords: Sendable, Equatable, Codable {
    var name: String
    /// The fixed head of each record, including the mask byte.
    var bytes: Int
    /// The offset of the mask byte in the head.
    var maskAt: Int
    var fields: [FieldSpec]
    /// The fields a mask bit selects, in the order they follow the head; each has `bit` instead of `at`.
    var optional: [FieldSpec]
    var minCount: Int

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name
        case bytes
        case maskAt = "mask_at"
        case fields
        case optional
        case minCount = "min_count"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        bytes = try container.decode(Int.self, forKey: .bytes)
        maskAt = try container.decode(Int.self, forKey: .maskAt)
        fields = try container.decodeIfPresent([FieldSpec].self, forKey: .fields) ?? []
        optional = try container.decode([FieldSpec].self, forKey: .optional)
        minCount = try container.decodeIfPresent(Int.self, forKey: .minCount) ?? 0
    }
}
