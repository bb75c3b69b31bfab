import Foundation
import KerbsideCore
import Logging
import MQTT
import ServiceLifecycle

/// The daemon's one MQTT session: subscribes the state topics, announces presence (`online`, with `offline` as the
/// will), and on shutdown says `offline` itself before a clean disconnect. A standby also follows its primary's
/// presence.
final class BrokerConnection: Service, Sendable {
    let client: MQTTClient
    private let router: TopicRouter
    private let presenceTopic: String
    /// The primary's presence topic, for a standby.
    private let primaryPresenceTopic: [UInt8]?
    private let lightingSettingsTopic: String
    private let speaksMQTT5: Bool
    private let logger: Logger

    init(
        configuration: MQTTConfiguration,
        router: TopicRouter,
        instance: String,
        standbyFor primary: String? = nil,
        logger: Logger
    ) throws {
        let presenceTopic = router.presenceTopic(instance: instance)
        var configuration = configuration
        configuration.will = MQTTWill(
            topic: presenceTopic,
            payload: Array("offline".utf8),
            qos: .atLeastOnce,
            retain: true
        )
        client = try MQTTClient(configuration: configuration, logger: logger)
        self.router = router
        self.presenceTopic = presenceTopic
        primaryPresenceTopic = primary.map { Array(router.presenceTopic(instance: $0).utf8) }
        lightingSettingsTopic = router.lightingSettingsTopic
        self.speaksMQTT5 = configuration.protocolVersion == .v5
        self.logger = logger
        for filter in router.subscriptions {
            try client.subscribe(filter, qos: .atLeastOnce)
        }
        if let primary {
            try client.subscribe(router.presenceTopic(instance: primary), qos: .atLeastOnce)
        }
        try client.subscribe(lightingSettingsTopic, qos: .atLeastOnce)
    }

    var isConnected: Bool { client.connectionState == .connected }

    /// Installs the reading handler, what to do on each (re)connection, with the lighting settings another instance
    /// published and, for a standby, with each status of its primary; call before `run()`.
    func prepare(
        onMessage: @escaping @Sendable (MQTTBorrowedMessage) -> Void,
        onConnectionChange: @escaping @Sendable (_ isConnected: Bool) -> Void,
        onLightingSettings: @escaping @Sendable (_ payload: UnsafeRawBufferPointer) -> Void = { _ in },
        onPrimaryStatus: @escaping @Sendable (_ payload: UnsafeRawBufferPointer) -> Void = { _ in }
    ) {
        let primaryPresenceTopic = primaryPresenceTopic ?? []
        let lightingSettingsTopic = Array(lightingSettingsTopic.utf8)
        // Daemon topics are few and short; a reading's topic differs from them within a few bytes.
        @Sendable func isTopic(_ topic: UnsafeRawBufferPointer, _ bytes: [UInt8]) -> Bool {
            topic.count == bytes.count && topic.elementsEqual(bytes)
        }
        client.setBorrowingMessageHandler { message in
            if isTopic(message.topic, lightingSettingsTopic) {
                onLightingSettings(message.payload)
            } else if isTopic(message.topic, primaryPresenceTopic) {
                onPrimaryStatus(message.payload)
            } else {
                onMessage(message)
            }
        }
        let presenceTopic = presenceTopic
        let logger = logger
        let speaksMQTT5 = speaksMQTT5
        client.setConnectionHandler { [client] state in
            if case .refused(let error) = state, error.code == .unsupportedProtocolVersion, speaksMQTT5 {
                logger.error("the broker does not speak MQTT 5 (the default); set broker.protocol: v311")
            }
            guard state == .connected else {
                onConnectionChange(false)
                return
            }
            do {
                try client.publish(topic: presenceTopic, payload: Array("online".utf8), qos: .atLeastOnce, retain: true)
            } catch {
                logger.warning("could not announce presence", metadata: ["error": "\(error)"])
            }
            onConnectionChange(true)
        }
    }

    /// Publishes a retained sign state; `false` when it could not be queued, so the caller retries later.
    func publishSign(_ signID: String, payload: [UInt8]) -> Bool {
        do {
            try client.publish(topic: router.signTopic(signID), payload: payload, qos: .atLeastOnce, retain: true)
            return true
        } catch {
            return false
        }
    }

    /// Publishes this instance's lighting settings, retained, for its primary or standby.
    func publishLightingSettings(_ payload: [UInt8]) {
        do {
            try client.publish(topic: lightingSettingsTopic, payload: payload, qos: .atLeastOnce, retain: true)
        } catch {
            logger.warning("could not publish the lighting settings", metadata: ["error": "\(error)"])
        }
    }

    /// Publishes a dimming command (QoS 1, not retained); `false` when it could not be queued.
    func publishCommand(_ command: OutgoingCommand) -> Bool {
        do {
            if let downlink = command.downlink {
                try client.publish(topic: downlink.topic, payload: downlink.message, qos: .atLeastOnce, retain: false)
            } else {
                try client.publish(
                    topic: router.commandTopic(command.controller),
                    payload: command.payload,
                    qos: .atLeastOnce,
                    retain: false
                )
            }
            return true
        } catch {
            return false
        }
    }

    func run() async throws {
        try client.start()
        try? await gracefulShutdown()
        do {
            try client.publish(topic: presenceTopic, payload: Array("offline".utf8), qos: .atLeastOnce, retain: true)
        } catch {
            logger.warning("could not announce going offline", metadata: ["error": "\(error)"])
        }
        client.stop()
    }
}
