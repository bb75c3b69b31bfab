/// The "last will" a broker publishes on a client's behalf when the client vanishes without a clean disconnect.
///
/// A clean `MQTTClient.stop()` sends DISCONNECT, so the broker discards the will; a crash, a lost network or a
/// keepalive timeout makes the broker publish it.
public struct MQTTWill: Sendable, Equatable {
    /// The topic the will is published on.
    public var topic: String
    /// The will's payload bytes.
    public var payload: [UInt8]
    /// The QoS the broker publishes the will with.
    public var qos: MQTTQoS
    /// Whether the broker retains the will, so that later subscribers see it too.
    public var retain: Bool

    /// Creates a last will.
    ///
    /// - Parameters:
    ///   - topic: The topic the will is published on.
    ///   - payload: The will's payload bytes.
    ///   - qos: The QoS the broker publishes the will with.
    ///   - retain: Whether the broker retains the will.
    public init(topic: String, payload: [UInt8], qos: MQTTQoS = .atLeastOnce, retain: Bool = true) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
    }
}
