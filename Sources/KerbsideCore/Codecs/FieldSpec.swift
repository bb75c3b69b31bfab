/// One number read from the payload: `length` bytes at `at`, then mask, shift, sign and `value * scale + offset`.
struct FieldSpec: Sendable, Equatable, Codable {
    enum Endian: String, Sendable, Codable {
        case big
        case little
    }

    var name: String
    /// The offset in the enclosing block or record; `nil` for the optional fields of masked records.
    var at: Int?
    /// The mask bit that selects an optional field of a masked record.
    var bit: Int?
    var length: Int
    var endian: Endian?
    var signed: Bool
    var mask: ModelInteger?
    /// Right shift after masking; defaults to the mask's lowest set bit, so a one-bit mask reads as 0 or 1.
    var shift: Int?
    var scale: Double
    var offset: Double
    /// Values (after mask, shift and sign) that mean "not reported", e.g. NAS's 0xFF level.
    var absentWhen: [ModelInteger]?
    /// Raw values (before the mask) that mean "not reported", e.g. a DALI status byte of 0xFF.
    var absentWhenRaw: [ModelInteger]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name
        case at
        case bit
        case length
        case endian
        case signed
        case mask
        case shift
        case scale
        case offset
        case absentWhen = "absent_when"
        case absentWhenRaw = "absent_when_raw"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        at = try container.decodeIfPresent(Int.self, forKey: .at)
        bit = try container.decodeIfPresent(Int.self, forKey: .bit)
        length = try container.decodeIfPresent(Int.self, forKey: .length) ?? 1
        endian = try container.decodeWord(forKey: .endian, among: [Endian.big, .little])
        signed = try container.decodeIfPresent(Bool.self, forKey: .signed) ?? false
        mask = try container.decodeIfPresent(ModelInteger.self, forKey: .mask)
        shift = try container.decodeIfPresent(Int.self, forKey: .shift)
        scale = try container.decodeIfPresent(Double.self, forKey: .scale) ?? 1
        offset = try container.decodeIfPresent(Double.self, forKey: .offset) ?? 0
        absentWhen = try container.decodeIfPresent([ModelInteger].self, forKey: .absentWhen)
        absentWhenRaw = try container.decodeIfPresent([ModelInteger].self, forKey: .absentWhenRaw)
    }

    /// The shift actually applied.
    var effectiveShift: Int {
        if let shift { return shift }
        guard let mask, mask.value != 0 else { return 0 }
        return mask.value.trailingZeroBitCount
    }

    /// How many bits the value has after masking and shifting, for sign extension.
    var valueBits: Int {
        guard let mask else { return length * 8 }
        let shifted = UInt64(bitPattern: mask.value) >> UInt64(effectiveShift)
        return shifted.bitWidth - shifted.leadingZeroBitCount
    }

    /// Reads the field. Callers check that its bytes are in the payload first, so they can say what was missing.
    ///
    /// - Parameters:
    ///   - payload: The whole payload.
    ///   - base: Where the enclosing block or record starts; `at` counts from there.
    /// - Returns: The value, or `nil` when it is one of the "not reported" values.
    func read(_ payload: [UInt8], base: Int) -> Double? {
        let start = base + (at ?? 0)
        let bytes = payload[start..<(start + length)]
        var raw: UInt64 = 0
        if endian == .little {
            for byte in bytes.reversed() { raw = raw << 8 | UInt64(byte) }
        } else {
            for byte in bytes { raw = raw << 8 | UInt64(byte) }
        }
        if let absentWhenRaw, absentWhenRaw.contains(where: { UInt64(bitPattern: $0.value) == raw }) {
            return nil
        }
        if let mask {
            raw = (raw & UInt64(bitPattern: mask.value)) >> UInt64(effectiveShift)
        }
        var value = Int64(bitPattern: raw)
        let bits = valueBits
        if signed, bits < 64, raw & (1 << UInt64(bits - 1)) != 0 {
            value -= Int64(1) << Int64(bits)
        }
        if let absentWhen, absentWhen.contains(where: { $0.value == value }) {
            return nil
        }
        return FieldSpec.tidy(Double(value) * scale + offset)
    }

    /// Rounds away binary noise such as `3.3440000000000003` from `211 * 0.004 + 2.5`, keeping nine decimals.
    ///
    /// - Parameter value: A scaled value.
    /// - Returns: The value rounded to nine decimal places while that is exact enough to matter.
    static func tidy(_ value: Double) -> Double {
        guard abs(value) < 1e6 else { return value }
        return (value * 1e9).rounded() / 1e9
    }
}
