/// The LoRaWAN network servers whose MQTT integrations Kerbside reads.
public enum NetworkServerFormat: String, Sendable, Codable, CaseIterable {
    /// ChirpStack v4, JSON encoding: `application/{app}/device/{devEui}/event/up`.
    case chirpStackV4 = "chirpstack_v4"
    /// ChirpStack v3 Application Server, `json_v3` or `json` marshaler: `application/{id}/device/{devEUI}/event/up`.
    case chirpStackV3 = "chirpstack_v3"
    /// The Things Stack v3: `v3/{app}@{tenant}/devices/{device id}/up`.
    case theThingsStackV3 = "tts_v3"

    /// The uplink topic filter the integration publishes on by default.
    public var defaultUplinkFilter: String {
        switch self {
        case .chirpStackV4, .chirpStackV3: "application/+/device/+/event/up"
        case .theThingsStackV3: "v3/+/devices/+/up"
        }
    }

    /// The topic to enqueue a downlink for the device that sent an uplink on `uplinkTopic`.
    ///
    /// - Parameter uplinkTopic: the topic of one of the device's uplinks.
    /// - Returns: the downlink topic, or `nil` when the uplink topic does not have the integration's shape.
    public func downlinkTopic(forUplinkTopic uplinkTopic: String) -> String? {
        switch self {
        case .chirpStackV4, .chirpStackV3:
            guard uplinkTopic.hasSuffix("/event/up") else { return nil }
            return String(uplinkTopic.dropLast("/event/up".count)) + "/command/down"
        case .theThingsStackV3:
            guard uplinkTopic.hasSuffix("/up") else { return nil }
            return String(uplinkTopic.dropLast("/up".count)) + "/down/push"
        }
    }
}
