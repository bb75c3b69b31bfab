/// How a frame's fields (or a decoded object's members) become Kerbside's reading fields. The keys are the native
/// payload's names: `occupied`, `battery_v` for sensors; `level`, `power_w`, `energy_wh`, `echoed_level`, `faults`
/// for controllers.
struct ReadingMap: Sendable, Equatable, Codable {
    var occupied: [ValueSource]?
    var batteryVolts: [ValueSource]?
    var level: [ValueSource]?
    var powerWatts: [ValueSource]?
    var energyWattHours: [ValueSource]?
    var echoedLevel: [ValueSource]?
    var faults: [FaultSource]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case occupied
        case batteryVolts = "battery_v"
        case level
        case powerWatts = "power_w"
        case energyWattHours = "energy_wh"
        case echoedLevel = "echoed_level"
        case faults
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        occupied = try Self.sources(container, .occupied)
        batteryVolts = try Self.sources(container, .batteryVolts)
        level = try Self.sources(container, .level)
        powerWatts = try Self.sources(container, .powerWatts)
        energyWattHours = try Self.sources(container, .energyWattHours)
        echoedLevel = try Self.sources(container, .echoedLevel)
        faults = try container.decodeIfPresent([FaultSource].self, forKey: .faults)
    }

    /// One source or a list of candidates tried in order.
    private static func sources(
        _ container: KeyedDecodingContainer<CodingKeys>,
        _ key: CodingKeys
    ) throws
        -> [ValueSource]?
    {
        guard container.contains(key) else { return nil }
        if case .array = try container.decode(JSONTree.self, forKey: key) {
            return try container.decode([ValueSource].self, forKey: key)
        }
        return [try container.decode(ValueSource.self, forKey: key)]
    }

    /// The scalar outputs with their wire names, for validation and messages.
    var scalarOutputs: [(name: String, sources: [ValueSource])] {
        let all: [(String, [ValueSource]?)] = [
            ("occupied", occupied), ("battery_v", batteryVolts), ("level", level), ("power_w", powerWatts),
            ("energy_wh", energyWattHours), ("echoed_level", echoedLevel),
        ]
        return all.compactMap { name, sources in sources.map { (name, $0) } }
    }
}

/// Where one reading value comes from: a payload field and/or an object path, or a constant under a condition.
///
/// A field in a record group (`dimming.level`) or a path through `[*]` yields several values; `aggregate` takes the
/// first present one (the default) or their sum, and `where` keeps only records whose other field has a given value.
struct ValueSource: Sendable, Equatable, Codable {
    enum Aggregate: String, Sendable, Codable {
        case first
        case sum
    }

    var field: String?
    var path: String?
    var aggregate: Aggregate?
    var filter: Condition?
    /// Multiplies values read from an object, for codecs that use other units (e.g. 0.001 for millivolts).
    var pathScale: Double?
    var constant: Double?
    var condition: Condition?
    /// A frame whose value for this output is absent is a codec error rather than a reading without it.
    var required: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case field
        case path
        case aggregate
        case filter = "where"
        case pathScale = "path_scale"
        case constant
        case condition = "if"
        case required
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        field = try container.decodeIfPresent(String.self, forKey: .field)
        path = try container.decodeIfPresent(String.self, forKey: .path)
        aggregate = try container.decodeWord(forKey: .aggregate, among: [Aggregate.first, .sum])
        filter = try container.decodeIfPresent(Condition.self, forKey: .filter)
        pathScale = try container.decodeIfPresent(Double.self, forKey: .pathScale)
        constant = try container.decodeIfPresent(Double.self, forKey: .constant)
        condition = try container.decodeIfPresent(Condition.self, forKey: .condition)
        required = try container.decodeIfPresent(Bool.self, forKey: .required)
    }
}

/// A test on a field's value (payload) and/or a path's value (object); a side without its half never holds.
struct Condition: Sendable, Equatable, Codable {
    var field: String?
    var equals: Double?
    var path: String?
    var pathEquals: JSONTree?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case field
        case equals
        case path
        case pathEquals = "path_equals"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        field = try container.decodeIfPresent(String.self, forKey: .field)
        equals = try container.decodeIfPresent(ModelInteger.self, forKey: .equals).map { Double($0.value) }
        path = try container.decodeIfPresent(String.self, forKey: .path)
        pathEquals = try container.decodeIfPresent(JSONTree.self, forKey: .pathEquals)
    }
}

/// A source of fault names: a flag (`fault` is reported when any value is non-zero or `true`) or a code (`codes`
/// names each non-zero value; an unnamed code `n` reports `<field>_n`, and a string from an object is kept as given).
struct FaultSource: Sendable, Equatable, Codable {
    var field: String?
    var path: String?
    var fault: String?
    var codes: [String: String]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case field
        case path
        case fault
        case codes
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        field = try container.decodeIfPresent(String.self, forKey: .field)
        path = try container.decodeIfPresent(String.self, forKey: .path)
        fault = try container.decodeIfPresent(String.self, forKey: .fault)
        codes = try container.decodeIfPresent([String: String].self, forKey: .codes)
    }
}

/// How a controller is told to dim: the fPort and a byte template in which `"level"` stands for the percentage.
struct LevelCommand: Sendable, Equatable, Codable {
    enum TemplateByte: Sendable, Equatable, Codable {
        case byte(UInt8)
        case level

        init(from decoder: any Decoder) throws {
            if let word = try? decoder.singleValueContainer().decode(String.self), word == "level" {
                self = .level
                return
            }
            let number = try ModelInteger(from: decoder)
            guard let byte = UInt8(exactly: number.value) else {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(
                        codingPath: decoder.codingPath,
                        debugDescription: "\(number.value) is not a byte (0…255) or \"level\""
                    )
                )
            }
            self = .byte(byte)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .byte(let byte): try container.encode(ModelInteger.hex(byte))
            case .level: try container.encode("level")
            }
        }
    }

    var fPort: Int
    var template: [TemplateByte]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case fPort = "f_port"
        case template
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        fPort = try container.decode(Int.self, forKey: .fPort)
        template = try container.decode([TemplateByte].self, forKey: .template)
    }
}
