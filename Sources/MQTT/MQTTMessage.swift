/// An inbound MQTT message, copied out of libmosquitto's buffers before its callback returns.
public struct MQTTMessage: Sendable, Equatable {
    /// The topic the message was published on.
    public let topic: String
    /// The payload bytes.
    public let payload: [UInt8]
    /// The QoS the broker delivered the message with.
    public let qos: MQTTQoS
    /// Whether the broker delivered this as a retained message (sent on subscribe, not live).
    public let retain: Bool

    /// Creates a message.
    ///
    /// - Parameters:
    ///   - topic: The topic the message was published on.
    ///   - payload: The payload bytes.
    ///   - qos: The QoS of the delivery.
    ///   - retain: Whether it was delivered as a retained message.
    public init(topic: String, payload: [UInt8], qos: MQTTQoS, retain: Bool) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
    }
}
