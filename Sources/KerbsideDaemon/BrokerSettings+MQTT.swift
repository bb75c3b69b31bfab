import KerbsideConfiguration
import MQTT

extension BrokerSettings {
    /// The MQTT client's view of the configured broker.
    var mqttConfiguration: MQTTConfiguration {
        MQTTConfiguration(
            host: host,
            port: port,
            clientID: clientID,
            username: username,
            password: password,
            protocolVersion: protocolVersion == .v5 ? .v5 : .v311,
            keepAliveSeconds: Int(keepAlive),
            // The broker keeps the session, and queues QoS 1 readings, while the daemon is down.
            cleanSession: false,
            // Kerbside journals a reading as it arrives, so it can take every message the broker has: a broker that
            // may have only its default 20 unacknowledged (mosquitto's max_inflight_messages) queues the rest of a
            // burst, and past its queue limit (stock: 1,000) drops it. MQTT 3.1.1 cannot ask for more.
            receiveMaximum: protocolVersion == .v5 ? 65535 : nil,
            tls: tls.map {
                MQTTTLSConfiguration(
                    caFile: $0.caFile,
                    caPath: $0.caPath,
                    certificateFile: $0.certFile,
                    keyFile: $0.keyFile,
                    insecureSkipHostnameCheck: $0.insecureSkipHostnameCheck
                )
            },
            reconnectDelayMin: .seconds(reconnectMin),
            reconnectDelayMax: .seconds(reconnectMax)
        )
    }
}
