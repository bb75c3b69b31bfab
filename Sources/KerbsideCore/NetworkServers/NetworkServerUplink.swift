import Foundation

/// What Kerbside needs from a network server's uplink event: which device, which port, the bytes, and the network
/// server's own decoded object where it has one.
///
/// Every field is optional on the wire: The Things Stack leaves out zeros and ChirpStack nested defaults.
public struct NetworkServerUplink: Sendable, Equatable {
    /// Lowercase hex.
    public var devEUI: String?
    /// The network server's device name or id (TTS puts it in the topic; it is chosen by the operator).
    public var deviceID: String?
    public var fPort: Int?
    public var frameCounter: UInt64?
    /// The FRMPayload.
    public var payload: [UInt8]?
    /// The network server's decoded object (ChirpStack `object`, TTS `decoded_payload`), as JSON.
    public var object: Data?
    /// When the network server received it.
    public var receivedAt: Date?

    public init(
        devEUI: String? = nil,
        deviceID: String? = nil,
        fPort: Int? = nil,
        frameCounter: UInt64? = nil,
        payload: [UInt8]? = nil,
        object: Data? = nil,
        receivedAt: Date? = nil
    ) {
        self.devEUI = devEUI
        self.deviceID = deviceID
        self.fPort = fPort
        self.frameCounter = frameCounter
        self.payload = payload
        self.object = object
        self.receivedAt = receivedAt
    }

    /// Reads an uplink event.
    ///
    /// - Parameters:
    ///   - message: the MQTT payload.
    ///   - format: the integration that published it.
    /// - Returns: the uplink.
    /// - Throws: `Rejection` with `malformed_json` for JSON that does not parse, `schema` for an event without a
    ///   device or without any payload, `codec` for base64 that does not decode.
    public static func parse(_ message: Data, format: NetworkServerFormat) throws(Rejection) -> NetworkServerUplink {
        guard let root = try? JSONSerialization.jsonObject(with: message) as? [String: Any] else {
            throw Rejection(.malformedJSON, "a \(format.rawValue) uplink must be a JSON object")
        }
        var uplink: NetworkServerUplink
        switch format {
        case .chirpStackV4: uplink = try chirpStackV4(root)
        case .chirpStackV3: uplink = try chirpStackV3(root)
        case .theThingsStackV3: uplink = try theThingsStack(root)
        }
        guard uplink.devEUI != nil || uplink.deviceID != nil else {
            throw Rejection(.schema, "the uplink names no device (no DevEUI, no device id)")
        }
        guard uplink.payload != nil || uplink.object != nil else {
            throw Rejection(.schema, "the uplink carries neither a payload nor a decoded object")
        }
        uplink.devEUI = uplink.devEUI?.lowercased()
        return uplink
    }

    private static func chirpStackV4(_ root: [String: Any]) throws(Rejection) -> NetworkServerUplink {
        let device = root["deviceInfo"] as? [String: Any]
        return NetworkServerUplink(
            devEUI: device?["devEui"] as? String,
            deviceID: device?["deviceName"] as? String,
            fPort: integer(root["fPort"]).map(Int.init),
            frameCounter: integer(root["fCnt"]),
            payload: try base64(root["data"], "data"),
            object: try json(root["object"]),
            receivedAt: instant(root["time"])
        )
    }

    private static func chirpStackV3(_ root: [String: Any]) throws(Rejection) -> NetworkServerUplink {
        // Captures sometimes wrap the event as {"type": "up", "payload": {...}}.
        let event = (root["payload"] as? [String: Any]).flatMap { root["type"] as? String == "up" ? $0 : nil } ?? root
        var devEUI = event["devEUI"] as? String
        // The `json` marshaler sends EUIs as base64 bytes, the `json_v3` one as hex.
        if let text = devEUI, text.count != 16, let bytes = Data(base64Encoded: text), bytes.count == 8 {
            devEUI = bytes.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
        }
        var object = try json(event["object"])
        if object == nil, let text = event["objectJSON"] as? String, !text.isEmpty {
            object = Data(text.utf8)
        }
        let firstReception = (event["rxInfo"] as? [[String: Any]])?.first
        return NetworkServerUplink(
            devEUI: devEUI,
            deviceID: event["deviceName"] as? String,
            fPort: integer(event["fPort"]).map(Int.init),
            frameCounter: integer(event["fCnt"]),
            payload: try base64(event["data"], "data"),
            object: object,
            receivedAt: instant(firstReception?["time"])
        )
    }

    private static func theThingsStack(_ root: [String: Any]) throws(Rejection) -> NetworkServerUplink {
        let ids = root["end_device_ids"] as? [String: Any]
        guard let message = root["uplink_message"] as? [String: Any] else {
            throw Rejection(.schema, "a TTS uplink needs uplink_message")
        }
        return NetworkServerUplink(
            devEUI: ids?["dev_eui"] as? String,
            deviceID: ids?["device_id"] as? String,
            fPort: integer(message["f_port"]).map(Int.init),
            // TTS leaves out zeros: a missing f_cnt is frame 0.
            frameCounter: integer(message["f_cnt"]) ?? 0,
            payload: try base64(message["frm_payload"], "frm_payload"),
            object: try json(message["decoded_payload"]),
            receivedAt: instant(message["received_at"]) ?? instant(root["received_at"])
        )
    }

    private static func integer(_ value: Any?) -> UInt64? {
        if let number = value as? NSNumber, number.doubleValue >= 0 { return number.uint64Value }
        if let text = value as? String { return UInt64(text) }
        return nil
    }

    private static func base64(_ value: Any?, _ name: String) throws(Rejection) -> [UInt8]? {
        guard let text = value as? String else { return nil }
        guard let bytes = Data(base64Encoded: text) else {
            throw Rejection(.codec, "\(name) is not valid base64")
        }
        return Array(bytes)
    }

    private static func json(_ value: Any?) throws(Rejection) -> Data? {
        guard let value, !(value is NSNull), JSONSerialization.isValidJSONObject(value) else { return nil }
        return try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
    }

    private static func instant(_ value: Any?) -> Date? {
        guard let text = value as? String else { return nil }
        return try? RFC3339.parse(text)
    }
}
