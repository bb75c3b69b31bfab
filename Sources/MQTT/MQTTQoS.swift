/// The MQTT delivery guarantee of a publication or subscription.
///
/// The raw value is the number libmosquitto and the wire protocol use.
public enum MQTTQoS: Int32, Sendable, CaseIterable {
    /// Fire and forget: a message may be lost, never duplicated.
    case atMostOnce = 0
    /// Acknowledged delivery: a message arrives at least once and may be redelivered (callers dedupe).
    case atLeastOnce = 1
    /// Four-way handshake: a message arrives exactly once.
    case exactlyOnce = 2
}
