/// An inbound MQTT message read in place, in libmosquitto's buffers, which are freed once the handler returns.
///
/// For a subscriber that copies what it needs into storage of its own: it saves the two allocations per message
/// an `MQTTMessage` costs, which at a hundred thousand messages a second are a measurable share of the network
/// thread. A handler that keeps the message must `copy()` it.
@unsafe
public struct MQTTBorrowedMessage {
    /// The topic's UTF-8 bytes, without a terminating NUL.
    public let topic: UnsafeRawBufferPointer
    /// The payload bytes.
    public let payload: UnsafeRawBufferPointer
    /// The QoS the broker delivered the message with.
    public let qos: MQTTQoS
    /// Whether the broker delivered this as a retained message (sent on subscribe, not live).
    public let retain: Bool

    /// Creates a view of bytes that must stay valid while the view is used.
    public init(topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, qos: MQTTQoS, retain: Bool) {
        unsafe self.topic = topic
        unsafe self.payload = payload
        unsafe self.qos = qos
        unsafe self.retain = retain
    }

    /// The message in storage of its own.
    public func copy() -> MQTTMessage {
        unsafe MQTTMessage(
            topic: String(decoding: topic, as: UTF8.self),
            payload: Array(payload),
            qos: qos,
            retain: retain
        )
    }
}

extension MQTTMessage {
    /// Runs `body` with this message seen as a borrowed one: how a handler of borrowed messages is fed a copy.
    public func withBorrowed<Result>(_ body: (MQTTBorrowedMessage) throws -> Result) rethrows -> Result {
        var topic = topic
        return try topic.withUTF8 { topicBytes in
            try unsafe payload.withUnsafeBytes { payloadBytes in
                try unsafe body(
                    MQTTBorrowedMessage(
                        topic: UnsafeRawBufferPointer(topicBytes),
                        payload: payloadBytes,
                        qos: qos,
                        retain: retain
                    )
                )
            }
        }
    }
}
