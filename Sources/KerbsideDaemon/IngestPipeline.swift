import Foundation
import KerbsideCore
import Logging
import MQTT
import Synchronization

/// Takes every inbound MQTT message on libmosquitto's thread, and applies it to the live state under one short
/// lock: nothing here waits on SQLite, HTTP or the network.
final class IngestPipeline: Sendable {
    private let state: Mutex<LiveState>
    private let rejectLog = Mutex(RejectLog())
    private let logLimiter = Mutex(RateLimitedLog())
    private let router: TopicRouter
    private let clock: @Sendable () -> Date
    private let metrics: DaemonMetrics
    private let logger: Logger

    init(
        state: LiveState,
        router: TopicRouter,
        clock: @escaping @Sendable () -> Date,
        metrics: DaemonMetrics,
        logger: Logger
    ) {
        self.state = Mutex(state)
        self.router = router
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
    }

    /// Handles one message; called from the MQTT client's network thread.
    func handle(_ message: MQTTMessage) {
        metrics.messagesIn.increment()
        let receivedAt = clock()
        message.payload.withUnsafeBytes { payload in
            guard let route = router.route(message.topic) else {
                reject(Rejection(.schema, "topic is not a Kerbside state topic"), message.topic, payload, receivedAt)
                return
            }
            let result = state.withLock { $0.ingest(payload, route: route, receivedAt: receivedAt) }
            switch result {
            case .parking(_, let occurredAt, _), .lighting(_, let occurredAt, _):
                metrics.readingsAccepted.increment()
                metrics.ingestLag.record(max(0, receivedAt.timeIntervalSince(occurredAt)))
            case .rejected(let rejection):
                reject(rejection, message.topic, payload, receivedAt)
            }
        }
    }

    private func reject(_ rejection: Rejection, _ topic: String, _ payload: UnsafeRawBufferPointer, _ at: Date) {
        metrics.rejects[rejection.reason]?.increment()
        rejectLog.withLock { $0.record(rejection, topic: topic, payload: payload, at: at) }
        switch logLimiter.withLock({ $0.decide(rejection.reason, at: at) }) {
        case .suppress:
            break
        case .log(let suppressedBefore):
            logger.warning(
                "rejected message",
                metadata: [
                    "mqtt.topic": "\(topic)",
                    "ingest.reason": "\(rejection.reason.rawValue)",
                    "ingest.detail": "\(rejection.detail)",
                    "ingest.suppressed_before": "\(suppressedBefore)",
                ]
            )
        }
    }

    /// One aggregation step over the live state.
    func tick(now: Date) -> LiveSnapshot {
        state.withLock { $0.tick(now: now) }
    }

    func bayDetail(id: String, now: Date) -> BayDetail? {
        state.withLock { $0.bayDetail(id: id, now: now) }
    }

    func lightDetail(id: String, now: Date) -> LightDetail? {
        state.withLock { $0.lightDetail(id: id, now: now) }
    }

    func persistedDevices() -> PersistedDevices {
        state.withLock { $0.persistedDevices() }
    }

    func currentRejectLog() -> RejectLog {
        rejectLog.withLock { $0 }
    }
}
