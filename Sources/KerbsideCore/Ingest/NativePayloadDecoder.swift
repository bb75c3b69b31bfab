/// Decodes Kerbside's native JSON payloads (DESIGN.md, "Wire contract: MQTT") into readings.
///
/// This runs for every inbound message, so it scans the bytes in place instead of building a JSON document: the
/// whole payload is validated first (anything that is not one JSON object is `.malformedJSON`), remembering where
/// the known fields' values are, and only then are those values interpreted (a wrong field is `.schema`, with a
/// detail naming the field). Unknown fields are ignored so devices can send more than we read; when a key repeats,
/// the last value wins; an optional field sent as `null` counts as absent.
public enum NativePayloadDecoder {
    /// Longest `ack` accepted, in bytes of UTF-8; command ids are short, so more is a broken or hostile device.
    public static let maximumAckUTF8Count = 128

    // MARK: - Parking

    /// Decodes a parking sensor's state message (topic `P/parking/{sensor_id}/state`).
    ///
    /// Fields: `occupied` (required boolean), `ts` (RFC 3339 string or integer epoch milliseconds), `seq` (unsigned
    /// 64-bit integer), `battery_v` (number 0...10), `kind` (`"change"`, the default, or `"heartbeat"`).
    /// - Parameter payload: the message body; it is only read during the call.
    /// - Returns: the reading, with `timestamp` `nil` when the device sent none.
    /// - Throws: `Rejection` with reason `.malformedJSON` or `.schema`.
    public static func decodeParking(_ payload: UnsafeRawBufferPointer) throws(Rejection) -> ParkingReading {
        var occupied: JSONToken?
        var timestamp: JSONToken?
        var seq: JSONToken?
        var battery: JSONToken?
        var kind: JSONToken?
        let scanner = try scanMembers(of: payload) { scanner, key, value in
            if scanner.string(key, equals: "occupied") {
                occupied = value
            } else if scanner.string(key, equals: "ts") {
                timestamp = value
            } else if scanner.string(key, equals: "seq") {
                seq = value
            } else if scanner.string(key, equals: "battery_v") {
                battery = value
            } else if scanner.string(key, equals: "kind") {
                kind = value
            }
        }
        let fields = PayloadFieldReader(scanner: scanner)
        return ParkingReading(
            occupied: try fields.requiredBoolean(occupied, field: "occupied"),
            timestamp: try fields.timestamp(timestamp),
            seq: try fields.sequence(seq),
            batteryVolts: try fields.number(battery, field: "battery_v", in: 0...10),
            kind: try parkingKind(kind, fields: fields)
        )
    }

    /// Decodes a parking message from its bytes; see `decodeParking(_:)-(UnsafeRawBufferPointer)`.
    public static func decodeParking(_ payload: [UInt8]) throws(Rejection) -> ParkingReading {
        try payload.withUnsafeBytes { bytes in
            Result { () throws(Rejection) in try decodeParking(bytes) }
        }.get()
    }

    /// Decodes a parking message from text; meant for tests and tools.
    public static func decodeParking(_ payload: String) throws(Rejection) -> ParkingReading {
        var payload = payload
        return try payload.withUTF8 { bytes in
            Result { () throws(Rejection) in try decodeParking(UnsafeRawBufferPointer(bytes)) }
        }.get()
    }

    private static func parkingKind(
        _ token: JSONToken?,
        fields: PayloadFieldReader
    ) throws(Rejection)
        -> ParkingReadingKind
    {
        guard let token, token.kind != .null else { return .change }
        if fields.scanner.string(token, equals: "change") { return .change }
        if fields.scanner.string(token, equals: "heartbeat") { return .heartbeat }
        throw Rejection(.schema, "kind: expected \"change\" or \"heartbeat\", got \(fields.scanner.excerpt(token))")
    }

    // MARK: - Lighting

    /// Decodes a streetlight controller's state message (topic `P/lighting/{controller_id}/state`).
    ///
    /// Fields: `level` (required integer 0...100; `60.0` reads as 60), `power_w` and `energy_wh` (finite numbers
    /// ≥ 0), `faults` (array of strings, kept in order without repeats), `ack` (string of at most
    /// `maximumAckUTF8Count` bytes), `ts` and `seq` as for parking.
    /// - Parameter payload: the message body; it is only read during the call.
    /// - Returns: the reading, with `timestamp` `nil` when the device sent none.
    /// - Throws: `Rejection` with reason `.malformedJSON` or `.schema`.
    public static func decodeLighting(_ payload: UnsafeRawBufferPointer) throws(Rejection) -> LightingReading {
        var level: JSONToken?
        var power: JSONToken?
        var energy: JSONToken?
        var faults: JSONToken?
        var ack: JSONToken?
        var timestamp: JSONToken?
        var seq: JSONToken?
        let scanner = try scanMembers(of: payload) { scanner, key, value in
            if scanner.string(key, equals: "level") {
                level = value
            } else if scanner.string(key, equals: "power_w") {
                power = value
            } else if scanner.string(key, equals: "energy_wh") {
                energy = value
            } else if scanner.string(key, equals: "faults") {
                faults = value
            } else if scanner.string(key, equals: "ack") {
                ack = value
            } else if scanner.string(key, equals: "ts") {
                timestamp = value
            } else if scanner.string(key, equals: "seq") {
                seq = value
            }
        }
        let fields = PayloadFieldReader(scanner: scanner)
        return LightingReading(
            level: try fields.requiredInteger(level, field: "level", in: 0...100),
            powerWatts: try fields.number(power, field: "power_w", in: 0...Double.infinity),
            energyWattHours: try fields.number(energy, field: "energy_wh", in: 0...Double.infinity),
            faults: try fields.uniqueStrings(faults, field: "faults"),
            ack: try fields.string(ack, field: "ack", maximumUTF8Count: maximumAckUTF8Count),
            timestamp: try fields.timestamp(timestamp),
            seq: try fields.sequence(seq)
        )
    }

    /// Decodes a lighting message from its bytes; see `decodeLighting(_:)-(UnsafeRawBufferPointer)`.
    public static func decodeLighting(_ payload: [UInt8]) throws(Rejection) -> LightingReading {
        try payload.withUnsafeBytes { bytes in
            Result { () throws(Rejection) in try decodeLighting(bytes) }
        }.get()
    }

    /// Decodes a lighting message from text; meant for tests and tools.
    public static func decodeLighting(_ payload: String) throws(Rejection) -> LightingReading {
        var payload = payload
        return try payload.withUTF8 { bytes in
            Result { () throws(Rejection) in try decodeLighting(UnsafeRawBufferPointer(bytes)) }
        }.get()
    }

    // MARK: - Scanning

    /// Validates `payload` as one JSON object, handing each top-level member to `visit` in order.
    /// - Returns: the scanner, for interpreting the tokens `visit` kept.
    /// - Throws: `Rejection(.malformedJSON, …)` with the syntax error and its byte offset.
    private static func scanMembers(
        of payload: UnsafeRawBufferPointer,
        _ visit: (_ scanner: JSONScanner, _ key: JSONToken, _ value: JSONToken) -> Void
    ) throws(Rejection) -> JSONScanner {
        var scanner = JSONScanner(payload)
        do throws(JSONSyntaxError) {
            try scanner.beginTopLevelObject()
            while let member = try scanner.nextMember() {
                visit(scanner, member.key, member.value)
            }
            try scanner.finish()
        } catch {
            throw Rejection(.malformedJSON, error.description)
        }
        return scanner
    }
}
