/// The checks `DeviceModel.parse(_:)` makes after the JSON has the right shape: ranges, references between fields and
/// the map, what each kind of device may report, and frames that could never be chosen.
extension DeviceModel {
    func validate() throws(CodecError) {
        let prefix = "device model \(id.isEmpty ? "(no id)" : id)"
        func fail(_ message: String) -> CodecError { CodecError("\(prefix): \(message)") }

        guard format == Self.supportedFormat else {
            throw fail("format \(format) is not supported (this Kerbside reads format \(Self.supportedFormat))")
        }
        let idCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789.-_")
        guard !id.isEmpty, id.allSatisfy({ idCharacters.contains($0) }) else {
            throw fail("id \"\(id)\" must be lowercase letters, digits, \".\", \"-\" or \"_\"")
        }
        guard !frames.isEmpty else { throw fail("frames: a model needs at least one frame") }
        for (index, frame) in frames.enumerated() {
            let place = "frames[\(index)] (\(frame.name))"
            do {
                try frame.validate(kind: kind)
            } catch {
                throw fail("\(place)\(error.message)")
            }
        }
        try checkReachability(fail)
        if let levelCommand {
            guard kind == .lightController else { throw fail("level_command: only light controllers take one") }
            guard (1...223).contains(levelCommand.fPort) else {
                throw fail("level_command.f_port: \(levelCommand.fPort) is not an application fPort (1…223)")
            }
            guard levelCommand.template.contains(.level) else {
                throw fail("level_command.template: needs \"level\" where the percentage goes")
            }
        }
        if let empty = objectUnwrap.firstIndex(where: \.isEmpty) {
            throw fail("object_unwrap[\(empty)]: empty member name")
        }
    }

    /// A frame without `match` takes every payload on its fPort, so frames after it on that fPort are dead.
    private func checkReachability(_ fail: (String) -> CodecError) throws(CodecError) {
        var catchAll: [Int: Int] = [:]
        var seen: [Int: [Int64: Int]] = [:]
        for (index, frame) in frames.enumerated() {
            if let earlier = catchAll[frame.fPort] {
                throw fail(
                    "frames[\(index)] (\(frame.name)) can never be chosen: frames[\(earlier)] takes every payload "
                        + "on fPort \(frame.fPort)"
                )
            }
            guard let match = frame.match else {
                catchAll[frame.fPort] = index
                continue
            }
            guard match.at == 0 else { continue }
            for value in match.equals {
                if let earlier = seen[frame.fPort]?[value.value] {
                    throw fail(
                        "frames[\(index)] (\(frame.name)): header \(value) on fPort \(frame.fPort) is already "
                            + "taken by frames[\(earlier)]"
                    )
                }
                seen[frame.fPort, default: [:]][value.value] = index
            }
        }
    }
}

extension ModelFrame {
    /// Checks one frame; errors start with the member path after `frames[i] (name)`.
    func validate(kind: DeviceKind) throws(CodecError) {
        guard !name.isEmpty else { throw CodecError(".name: empty") }
        guard (1...223).contains(fPort) else {
            throw CodecError(".f_port: \(fPort) is not an application fPort (1…223)")
        }
        if let match {
            guard match.at >= 0 else { throw CodecError(".match.at: \(match.at) is negative") }
            guard !match.equals.isEmpty else { throw CodecError(".match.equals: list at least one byte") }
            if let bad = match.equals.first(where: { !(0...255).contains($0.value) }) {
                throw CodecError(".match.equals: \(bad.value) is not a byte (0…255)")
            }
        }
        if let length {
            if let min = length.min, min < 0 { throw CodecError(".length.min: \(min) is negative") }
            if let min = length.min, let max = length.max, max < min {
                throw CodecError(".length: max \(max) is below min \(min)")
            }
        }
        for (key, value) in objectMatch ?? [:] {
            let path: ObjectPath
            do {
                path = try ObjectPath(parsing: key)
            } catch {
                throw CodecError(".object_match: \(error.message)")
            }
            guard path.wildcardCount == 0 else { throw CodecError(".object_match: \"\(key)\" may not use [*]") }
            let choices: [JSONTree] = if case .array(let list) = value { list } else { [value] }
            for choice in choices {
                switch choice {
                case .array, .object, .null:
                    throw CodecError(".object_match.\(key): give a string, number or boolean, or a list of them")
                default: continue
                }
            }
        }
        if let ignore {
            guard !ignore.isEmpty else { throw CodecError(".ignore: give the reason, e.g. \"startup frame\"") }
            guard layout.isEmpty, map == nil, reading == nil else {
                throw CodecError(": an ignored frame has no fields, layout, map or reading")
            }
            return
        }
        guard let map else { throw CodecError(".map: a frame needs a map, or \"ignore\" with a reason") }
        switch kind {
        case .parkingSensor:
            guard reading != nil else { throw CodecError(".reading: a sensor frame is \"change\" or \"heartbeat\"") }
            let other = map.level ?? map.powerWatts ?? map.energyWattHours ?? map.echoedLevel
            guard other == nil, map.faults == nil else {
                throw CodecError(".map: a parking sensor reports only occupied and battery_v")
            }
        case .lightController:
            guard reading == nil else { throw CodecError(".reading: only parking sensors have one") }
            guard map.occupied == nil, map.batteryVolts == nil else {
                throw CodecError(".map: a light controller reports level, power_w, energy_wh, echoed_level, faults")
            }
        }
        guard !map.scalarOutputs.isEmpty || map.faults != nil else { throw CodecError(".map: maps nothing") }
        let names = try LayoutNames(layout)
        for (name, sources) in map.scalarOutputs {
            for (index, source) in sources.enumerated() {
                do {
                    try source.validate(names)
                } catch {
                    throw CodecError(".map.\(name)[\(index)]: \(error.message)")
                }
            }
        }
        for (index, source) in (map.faults ?? []).enumerated() {
            do {
                try source.validate(names)
            } catch {
                throw CodecError(".map.faults[\(index)]: \(error.message)")
            }
        }
    }
}

/// The field names a frame's layout declares: header fields by name, record fields as `group.field`.
struct LayoutNames {
    var header: Set<String> = []
    var groups: [String: Set<String>] = [:]

    init(_ layout: [LayoutStep]) throws(CodecError) {
        for (index, step) in layout.enumerated() {
            let at = ".layout[\(index)]"
            if index < layout.count - 1 {
                switch step {
                case .records, .maskedRecords:
                    throw CodecError("\(at): records run to the end of the payload, so they must be the last step")
                default: break
                }
            }
            switch step {
            case .block(let block):
                guard block.bytes >= 1 else { throw CodecError("\(at).block.bytes: \(block.bytes) is below 1") }
                if let condition = block.condition, !header.contains(condition) {
                    throw CodecError("\(at).block.if: no earlier field is named \"\(condition)\"")
                }
                for (fieldIndex, field) in block.fields.enumerated() {
                    let place = "\(at).block.fields[\(fieldIndex)] (\(field.name))"
                    try field.validate(within: block.bytes, optional: false, place: place)
                    guard header.insert(field.name).inserted else { throw CodecError("\(place): name used twice") }
                }
            case .lengthPrefixed(let skip):
                guard skip.countBytes == 1 || skip.countBytes == 2 else {
                    throw CodecError("\(at).length_prefixed.count_bytes: \(skip.countBytes) is not 1 or 2")
                }
            case .records(let records):
                guard records.bytes >= 1 else { throw CodecError("\(at).records.bytes: \(records.bytes) is below 1") }
                guard records.minCount >= 0 else { throw CodecError("\(at).records.min_count: negative") }
                groups[records.name] = try Self.names(records.fields, records.bytes, "\(at).records")
            case .maskedRecords(let records):
                let place = "\(at).masked_records"
                guard records.bytes >= 1 else { throw CodecError("\(place).bytes: \(records.bytes) is below 1") }
                guard (0..<records.bytes).contains(records.maskAt) else {
                    throw CodecError("\(place).mask_at: \(records.maskAt) is outside the head's \(records.bytes) bytes")
                }
                var names = try Self.names(records.fields, records.bytes, place)
                var bits: Set<Int> = []
                for (fieldIndex, field) in records.optional.enumerated() {
                    let fieldPlace = "\(place).optional[\(fieldIndex)] (\(field.name))"
                    try field.validate(within: Int.max, optional: true, place: fieldPlace)
                    guard let bit = field.bit, bits.insert(bit).inserted else {
                        throw CodecError("\(fieldPlace).bit: used twice")
                    }
                    guard names.insert(field.name).inserted else { throw CodecError("\(fieldPlace): name used twice") }
                }
                groups[records.name] = names
            }
        }
        for group in groups.keys where header.contains(group) {
            throw CodecError(".layout: \"\(group)\" names both a field and a record group")
        }
    }

    private static func names(_ fields: [FieldSpec], _ bytes: Int, _ place: String) throws(CodecError) -> Set<String> {
        var names: Set<String> = []
        for (index, field) in fields.enumerated() {
            let fieldPlace = "\(place).fields[\(index)] (\(field.name))"
            try field.validate(within: bytes, optional: false, place: fieldPlace)
            guard names.insert(field.name).inserted else { throw CodecError("\(fieldPlace): name used twice") }
        }
        return names
    }

    /// Whether `reference` (`name` or `group.name`) is declared.
    func contains(_ reference: String) -> Bool {
        let parts = reference.split(separator: ".", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return header.contains(reference)
        case 2: return groups[String(parts[0])]?.contains(String(parts[1])) ?? false
        default: return false
        }
    }

    /// The record group of a reference, `nil` for a header field.
    static func group(of reference: String) -> String? {
        reference.firstIndex(of: ".").map { String(reference[..<$0]) }
    }
}
