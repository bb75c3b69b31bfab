/// Where a frame's map finds its values: the fields read from a payload, or a decoded object. A lookup answers `nil`
/// for a source it cannot use (a payload has no paths, an object has no fields), so the next candidate is tried.
protocol ReadingLookup {
    /// Every present value of the source, in order; `nil` when the source does not apply here.
    func values(of source: ValueSource) throws(CodecError) -> [Double]?
    /// Whether the condition holds; `nil` when it does not apply here.
    func holds(_ condition: Condition) throws(CodecError) -> Bool?
    /// Every present value of a fault source, in order; `nil` when the source does not apply here.
    func faultValues(of source: FaultSource) throws(CodecError) -> [FaultValue]?
}

/// A value a fault source found: a flag or code, or a name a decoded object already spells out.
enum FaultValue: Equatable {
    case number(Double)
    case name(String)
}

extension ModelFrame {
    /// Turns what the lookup finds into Kerbside's reading, checking the ranges the native payload also enforces.
    ///
    /// - Parameters:
    ///   - lookup: The payload's fields or the decoded object.
    ///   - kind: The model's kind.
    ///   - context: The message prefix, e.g. `nwave-nps405 fPort 2 (heartbeat)`.
    /// - Returns: The reading, or why the frame carries none.
    /// - Throws: `CodecError` for a required value that is absent or a value out of range.
    func content(
        from lookup: some ReadingLookup,
        kind: DeviceKind,
        context: String
    ) throws(CodecError) -> DecodedUplink.Content {
        if let ignore { return .ignored(ignore) }
        let map = self.map ?? ReadingMap()
        func scalar(_ name: String, _ sources: [ValueSource]?) throws(CodecError) -> Double? {
            guard let sources else { return nil }
            let value = try Self.firstValue(sources, lookup)
            if value == nil, sources.contains(where: { $0.required == true }) {
                throw CodecError("\(context): no value for \(name)")
            }
            if let value, !value.isFinite || value < 0 {
                throw CodecError("\(context): \(name) \(JSONTree.number(value).summary) is not a finite number ≥ 0")
            }
            return value
        }
        func percent(_ name: String, _ sources: [ValueSource]?) throws(CodecError) -> Int? {
            guard let value = try scalar(name, sources) else { return nil }
            let rounded = value.rounded()
            guard rounded <= 100 else {
                throw CodecError("\(context): \(name) \(JSONTree.number(value).summary) is outside 0…100")
            }
            return Int(rounded)
        }
        switch kind {
        case .parkingSensor:
            return .parking(
                occupied: try scalar("occupied", map.occupied).map { $0 != 0 },
                batteryVolts: try scalar("battery_v", map.batteryVolts),
                kind: reading ?? .change
            )
        case .lightController:
            var faults: [String]?
            if let sources = map.faults { faults = try Self.faults(sources, lookup) }
            return .lighting(
                level: try percent("level", map.level),
                powerWatts: try scalar("power_w", map.powerWatts),
                energyWattHours: try scalar("energy_wh", map.energyWattHours),
                faults: faults,
                echoedLevel: try percent("echoed_level", map.echoedLevel)
            )
        }
    }

    /// The first candidate that yields a value: a constant whose condition holds, or a lookup with values.
    private static func firstValue(
        _ sources: [ValueSource],
        _ lookup: some ReadingLookup
    ) throws(CodecError)
        -> Double?
    {
        for source in sources {
            if let constant = source.constant {
                if let condition = source.condition, try lookup.holds(condition) != true { continue }
                return constant
            }
            guard let values = try lookup.values(of: source), let first = values.first else { continue }
            return source.aggregate == .sum ? FieldSpec.tidy(values.reduce(0, +)) : first
        }
        return nil
    }

    /// The fault names the sources report, in source order without repeats; `[]` when none is set.
    private static func faults(
        _ sources: [FaultSource],
        _ lookup: some ReadingLookup
    ) throws(CodecError)
        -> [String]
    {
        var names: [String] = []
        func add(_ name: String) {
            if !name.isEmpty, !names.contains(name) { names.append(name) }
        }
        for source in sources {
            guard let values = try lookup.faultValues(of: source) else { continue }
            for value in values {
                switch (value, source.fault) {
                case (.number(let number), .some(let fault)) where number != 0:
                    add(fault)
                case (.number(let number), nil) where number != 0:
                    let code = String(Int64(number.rounded()))
                    let base = (source.field ?? source.path ?? "code").split(separator: ".").last.map(String.init)
                    add(source.codes?[code] ?? "\(base ?? "code")_\(code)")
                case (.name(let name), nil):
                    add(name)
                default:
                    continue
                }
            }
        }
        return names
    }
}

extension ReadingMap {
    /// An empty map; only a frame without a map (an ignored one, which never gets here) has it.
    init() {
        occupied = nil
        batteryVolts = nil
        level = nil
        powerWatts = nil
        energyWattHours = nil
        echoedLevel = nil
        faults = nil
    }
}
