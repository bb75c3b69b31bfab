/// The MQTT protocol revision a client speaks to its broker.
public enum MQTTProtocolVersion: Sendable, CaseIterable {
    /// MQTT 3.1.1, understood by every broker in the field.
    case v311
    /// MQTT 5, with reason codes on refusals and disconnects.
    case v5
}
