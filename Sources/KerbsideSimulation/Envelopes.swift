import Foundation
import KerbsideCore

/// Network-server uplink events around a device's bytes, as ChirpStack v4 and The Things Stack v3 publish them.
public enum Envelopes {
    /// The ChirpStack application the simulated devices belong to.
    public static let chirpStackApplication = "5f0c3a4e-2b8d-4c62-9a51-0d3c6f4b9e10"
    /// The TTS application, as `{application}@{tenant}`.
    public static let thingsStackApplication = "kerbside-demo@ttn"

    /// The uplink message of one frame.
    ///
    /// - Parameters:
    ///   - kind: which network server.
    ///   - devEUI: lowercase hex.
    ///   - deviceID: the network server's device name or id.
    ///   - fPort: the frame's port.
    ///   - bytes: the FRMPayload.
    ///   - frameCounter: the uplink frame counter.
    ///   - time: when the network server received it; `nil` leaves it out.
    /// - Returns: the topic and JSON body.
    public static func uplink(
        _ kind: NetworkServerKind,
        devEUI: String,
        deviceID: String,
        fPort: Int,
        bytes: [UInt8],
        frameCounter: UInt64,
        time: Date?
    ) -> SimulatedMessage {
        let data = Data(bytes).base64EncodedString()
        var body: [String: Any]
        let topic: String
        switch kind {
        case .chirpStackV4:
            topic = "application/\(chirpStackApplication)/device/\(devEUI)/event/up"
            body = [
                "deviceInfo": ["devEui": devEUI, "deviceName": deviceID, "applicationId": chirpStackApplication],
                "fPort": fPort, "fCnt": frameCounter, "data": data, "confirmed": false,
            ]
            if let time { body["time"] = RFC3339.format(time, fractionalDigits: 3) }
        case .theThingsStackV3:
            topic = "v3/\(thingsStackApplication)/devices/\(deviceID)/up"
            var message: [String: Any] = ["f_port": fPort, "frm_payload": data]
            // TTS leaves zeros out.
            if frameCounter > 0 { message["f_cnt"] = frameCounter }
            if let time { message["received_at"] = RFC3339.format(time, fractionalDigits: 3) }
            body = [
                "end_device_ids": [
                    "device_id": deviceID, "dev_eui": devEUI.uppercased(),
                    "application_ids": ["application_id": "kerbside-demo"],
                ],
                "uplink_message": message,
            ]
        }
        let json = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return SimulatedMessage(topic: topic, payload: Array(json))
    }

    /// The FRMPayload and the device of a downlink the daemon enqueued, if `topic` is a simulated device's.
    ///
    /// - Parameters:
    ///   - topic: the MQTT topic.
    ///   - payload: the downlink message.
    /// - Returns: the device's DevEUI (ChirpStack) or device id (TTS), and the bytes.
    public static func downlink(topic: String, payload: [UInt8]) -> (device: String, bytes: [UInt8])? {
        guard let body = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any] else { return nil }
        if topic.hasSuffix("/command/down"), let devEUI = body["devEui"] as? String, let data = body["data"] as? String,
            let bytes = Data(base64Encoded: data)
        {
            return (devEUI.lowercased(), Array(bytes))
        }
        let levels = topic.split(separator: "/")
        if topic.hasSuffix("/down/push"), levels.count >= 5,
            let first = (body["downlinks"] as? [[String: Any]])?.first,
            let data = first["frm_payload"] as? String, let bytes = Data(base64Encoded: data)
        {
            return (String(levels[levels.count - 3]), Array(bytes))
        }
        return nil
    }
}
