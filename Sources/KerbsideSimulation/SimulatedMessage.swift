/// One MQTT message the simulator publishes.
public struct SimulatedMessage: Sendable, Equatable {
    public var topic: String
    public var payload: [UInt8]

    public init(topic: String, payload: [UInt8]) {
        self.topic = topic
        self.payload = payload
    }
}

/// How a simulated device reaches the broker.
public enum SimulatedTransport: Sendable, Equatable {
    /// Kerbside's native JSON on `P/parking/{sensor}/state` or `P/lighting/{controller}/state`.
    case native
    /// A LoRaWAN network server's uplink event, with the device model's real bytes.
    case networkServer(NetworkServerKind, model: String, devEUI: String)
}

/// The network servers the simulator can impersonate.
public enum NetworkServerKind: String, Sendable, Equatable {
    case chirpStackV4 = "chirpstack_v4"
    case theThingsStackV3 = "tts_v3"
}
