/// Decoding raw FRMPayload bytes: choose the frame by fPort and header byte, check the length, walk the layout.
extension DeviceModel {
    /// Decodes one uplink's FRMPayload.
    ///
    /// - Parameters:
    ///   - fPort: The LoRaWAN fPort the payload arrived on.
    ///   - payload: The FRMPayload (ChirpStack `data`, The Things Stack `frm_payload`, base64-decoded).
    /// - Returns: The reading, or `.ignored` for a well-formed frame that carries nothing for Kerbside.
    /// - Throws: `CodecError` for an fPort the model does not use, an empty, short, long or trailing payload, an
    ///   unknown header byte, records that do not fit, or a value out of range.
    public func decode(fPort: Int, payload: [UInt8]) throws(CodecError) -> DecodedUplink {
        let candidates = frames.filter { $0.fPort == fPort }
        guard !candidates.isEmpty else {
            let ports = uplinkPorts.map(String.init).joined(separator: ", ")
            throw CodecError("\(id): fPort \(fPort) is not one this model sends on (\(ports))")
        }
        guard !payload.isEmpty else { throw CodecError("\(id) fPort \(fPort): empty payload") }
        guard let frame = candidates.first(where: { $0.matches(payload) }) else {
            throw CodecError("\(id) fPort \(fPort): \(Self.describeUnmatched(payload, candidates))")
        }
        let context = "\(id) fPort \(fPort) (\(frame.name))"
        if let min = frame.length?.min, payload.count < min {
            throw CodecError("\(context): \(payload.count) bytes is too short, the frame has at least \(min)")
        }
        if let max = frame.length?.max, payload.count > max {
            throw CodecError("\(context): \(payload.count) bytes is too long, the frame has at most \(max)")
        }
        if let ignore = frame.ignore {
            return DecodedUplink(content: .ignored(ignore), frame: frame.name)
        }
        var reader = PayloadReader(payload: payload, context: context)
        let values = try reader.read(frame.layout)
        if reader.cursor < payload.count, frame.length?.max == nil {
            throw CodecError(
                "\(context): \(payload.count - reader.cursor) unexpected bytes from byte \(reader.cursor) on"
            )
        }
        return DecodedUplink(content: try frame.content(from: values, kind: kind, context: context), frame: frame.name)
    }

    private static func describeUnmatched(_ payload: [UInt8], _ candidates: [ModelFrame]) -> String {
        let at = candidates.compactMap(\.match).first?.at ?? 0
        guard at < payload.count else { return "\(payload.count) bytes is too short to hold the header byte \(at)" }
        let known = candidates.compactMap(\.match).flatMap(\.equals).map(\.description).joined(separator: ", ")
        return "header byte \(ModelInteger.hex(payload[at])) matches no frame (known: \(known))"
    }
}

extension ModelFrame {
    /// Whether the payload has this frame's header byte (a frame without `match` takes every payload).
    func matches(_ payload: [UInt8]) -> Bool {
        guard let match else { return true }
        guard match.at < payload.count else { return false }
        return match.equals.contains { $0.value == Int64(payload[match.at]) }
    }
}

/// Walks a layout over one payload, collecting field values; `cursor` is how far the layout has read.
struct PayloadReader {
    let payload: [UInt8]
    let context: String
    var cursor = 0

    init(payload: [UInt8], context: String) {
        self.payload = payload
        self.context = context
    }

    mutating func read(_ layout: [LayoutStep]) throws(CodecError) -> PayloadValues {
        var values = PayloadValues()
        for step in layout {
            switch step {
            case .block(let block):
                if let condition = block.condition, (values.header[condition] ?? 0) == 0 { continue }
                if cursor + block.bytes > payload.count {
                    let missing = block.fields.first { cursor + ($0.at ?? 0) + $0.length > payload.count }
                    let what = missing.map { "field \($0.name)" } ?? "the \(block.bytes)-byte block at byte \(cursor)"
                    throw tooShort(what, needs: cursor + block.bytes)
                }
                for field in block.fields { values.header[field.name] = field.read(payload, base: cursor) }
                cursor += block.bytes
            case .lengthPrefixed(let skip):
                guard cursor + skip.countBytes <= payload.count else {
                    throw tooShort("the length of \(skip.name)", needs: cursor + skip.countBytes)
                }
                let count = payload[cursor..<(cursor + skip.countBytes)].reversed().reduce(0) { $0 << 8 | Int($1) }
                cursor += skip.countBytes
                guard cursor + count <= payload.count else {
                    throw CodecError(
                        "\(context): \(skip.name) says \(count) bytes but only \(payload.count - cursor) are left"
                    )
                }
                cursor += count
            case .records(let records):
                values.groups[records.name] = try read(records)
            case .maskedRecords(let records):
                values.groups[records.name] = try read(records)
            }
        }
        return values
    }

    private mutating func read(_ records: Records) throws(CodecError) -> [[String: Double]] {
        let left = payload.count - cursor
        guard left % records.bytes == 0 else {
            throw CodecError(
                "\(context): \(left) bytes from byte \(cursor) are not whole \(records.bytes)-byte \(records.name) "
                    + "records"
            )
        }
        try checkCount(left / records.bytes, records.minCount, records.name)
        var list: [[String: Double]] = []
        while cursor < payload.count {
            var record: [String: Double] = [:]
            for field in records.fields { record[field.name] = field.read(payload, base: cursor) }
            list.append(record)
            cursor += records.bytes
        }
        return list
    }

    private mutating func read(_ records: MaskedRecords) throws(CodecError) -> [[String: Double]] {
        var list: [[String: Double]] = []
        while cursor < payload.count {
            let place = "\(records.name) record \(list.count)"
            guard cursor + records.bytes <= payload.count else {
                throw tooShort("the head of \(place)", needs: cursor + records.bytes)
            }
            var record: [String: Double] = [:]
            for field in records.fields { record[field.name] = field.read(payload, base: cursor) }
            let mask = payload[cursor + records.maskAt]
            cursor += records.bytes
            var declared: UInt8 = 0
            for field in records.optional {
                guard let bit = field.bit else { continue }
                declared |= 1 << UInt8(bit)
                guard mask & (1 << UInt8(bit)) != 0 else { continue }
                guard cursor + field.length <= payload.count else {
                    throw tooShort("\(field.name) of \(place)", needs: cursor + field.length)
                }
                record[field.name] = field.read(payload, base: cursor)
                cursor += field.length
            }
            if mask & ~declared != 0 {
                throw CodecError(
                    "\(context): \(place) has mask \(ModelInteger.hex(mask)) with bits the model does not define, "
                        + "so its length is unknown"
                )
            }
            list.append(record)
        }
        try checkCount(list.count, records.minCount, records.name)
        return list
    }

    private func checkCount(_ count: Int, _ minimum: Int, _ name: String) throws(CodecError) {
        guard count >= minimum else {
            throw CodecError("\(context): \(count) \(name) records, the frame has at least \(minimum)")
        }
    }

    private func tooShort(_ what: String, needs: Int) -> CodecError {
        CodecError("\(context): \(payload.count) bytes is too short, \(what) needs \(needs)")
    }
}

/// The values a layout read: header fields by name, and each record group's records in payload order.
struct PayloadValues: ReadingLookup {
    var header: [String: Double] = [:]
    var groups: [String: [[String: Double]]] = [:]

    func values(of source: ValueSource) -> [Double]? {
        guard let field = source.field else { return nil }
        if let filter = source.filter {
            guard let filterField = filter.field, let equals = filter.equals else { return nil }
            return lookUp(field) { record in record[Self.member(filterField)] == equals }
        }
        return lookUp(field) { _ in true }
    }

    func holds(_ condition: Condition) -> Bool? {
        guard let field = condition.field, let equals = condition.equals else { return nil }
        return lookUp(field) { _ in true }.contains(equals)
    }

    func faultValues(of source: FaultSource) -> [FaultValue]? {
        guard let field = source.field else { return nil }
        return lookUp(field) { _ in true }.map(FaultValue.number)
    }

    private func lookUp(_ reference: String, where keep: ([String: Double]) -> Bool) -> [Double] {
        guard let group = LayoutNames.group(of: reference) else { return header[reference].map { [$0] } ?? [] }
        let name = Self.member(reference)
        return (groups[group] ?? []).filter(keep).compactMap { $0[name] }
    }

    private static func member(_ reference: String) -> String {
        reference.split(separator: ".").last.map(String.init) ?? reference
    }
}
