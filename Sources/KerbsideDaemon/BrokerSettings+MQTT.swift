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
            // The broker keeps the session, and queues QoS 1 readings, while the daemon is down. With MQTT 5,
            // libmosquitto's asynchronous connect cannot send the session expiry interval that would ask for it.
            cleanSession: protocolVersion == .v5,
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
