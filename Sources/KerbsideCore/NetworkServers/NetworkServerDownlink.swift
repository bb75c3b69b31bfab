import Foundation

/// A downlink enqueue message for a network server's MQTT integration.
public enum NetworkServerDownlink {
    /// The message that enqueues `payload` on `fPort` for a device.
    ///
    /// - Parameters:
    ///   - format: the network server.
    ///   - devEUI: the device's DevEUI; ChirpStack drops a command whose DevEUI differs from the topic's.
    ///   - fPort: 1…223.
    ///   - payload: the FRMPayload, encoded by the device model.
    ///   - correlationID: Kerbside's command id, so the network server's own events can be matched to it.
    /// - Returns: the JSON body, with sorted keys.
    public static func message(
        format: NetworkServerFormat,
        devEUI: String,
        fPort: Int,
        payload: [UInt8],
        correlationID: String
    ) -> [UInt8] {
        let data = Data(payload).base64EncodedString()
        let body: [String: Any]
        switch format {
        case .chirpStackV4:
            body = ["devEui": devEUI.lowercased(), "confirmed": false, "fPort": fPort, "data": data]
        case .chirpStackV3:
            body = ["confirmed": false, "fPort": fPort, "data": data]
        case .theThingsStackV3:
            body = [
                "downlinks": [
                    [
                        "f_port": fPort, "frm_payload": data, "priority": "NORMAL", "confirmed": false,
                        "correlation_ids": ["kerbside:" + correlationID],
                    ] as [String: Any]
                ]
            ]
        }
        return Array((try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data())
    }
}
