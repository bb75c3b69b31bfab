/// Where a client's connection to its broker stands.
///
/// Reported to the handler set with `MQTTClient.setConnectionHandler(_:)`. While started, a client moves between
/// these states by itself: it reconnects with backoff after every loss or refusal until `MQTTClient.stop()`.
public enum MQTTConnectionState: Sendable, Equatable {
    /// No connection: not started yet, stopped, or lost and waiting to reconnect (see `MQTTClient.lastError`).
    case disconnected
    /// Started and waiting for the broker to accept the connection.
    case connecting
    /// The broker accepted the connection; remembered subscriptions are being renewed.
    case connected
    /// The broker answered CONNACK with a refusal (bad credentials, not authorized, ...); retries continue.
    case refused(MQTTError)
}
