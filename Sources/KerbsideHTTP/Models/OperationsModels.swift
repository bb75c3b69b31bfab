import Foundation
import KerbsideCore

struct AlarmModel: Encodable, Sendable {
    let id: String
    let kind: Alarm.Kind
    let subject: String
    let device: String
    let since: Nullable<Date>
    let message: String

    init(_ alarm: Alarm) {
        id = alarm.id
        kind = alarm.kind
        subject = alarm.subject
        device = alarm.device
        since = Nullable(alarm.since)
        message = alarm.message
    }
}

struct RejectsModel: Encodable, Sendable {
    struct Recent: Encodable, Sendable {
        let at: Date
        let topic: String
        let reason: RejectReason
        let detail: String
        let payload: String
    }

    struct Unknown: Encodable, Sendable {
        let topic: String
        let count: UInt64
        let lastSeen: Date

        enum CodingKeys: String, CodingKey {
            case topic, count
            case lastSeen = "last_seen"
        }
    }

    let total: UInt64
    let counts: [String: UInt64]
    let recent: [Recent]
    let unknownDevices: [Unknown]

    enum CodingKeys: String, CodingKey {
        case total, counts, recent
        case unknownDevices = "unknown_devices"
    }

    init(_ log: RejectLog) {
        total = log.total
        counts = Dictionary(uniqueKeysWithValues: RejectReason.allCases.map { ($0.rawValue, log.counts[$0] ?? 0) })
        recent = log.recent.elements.reversed().map {
            Recent(at: $0.at, topic: $0.topic, reason: $0.reason, detail: $0.detail, payload: $0.payloadExcerpt)
        }
        unknownDevices = log.unknownDevices.values.sorted { $0.count > $1.count }.map {
            Unknown(topic: $0.topic, count: $0.count, lastSeen: $0.lastSeen)
        }
    }
}

struct ReadinessModel: Encodable, Sendable {
    let ready: Bool
    let brokerConnected: Bool
    let storeOpen: Bool
    let publishing: Bool
    let standbyFor: String?

    enum CodingKeys: String, CodingKey {
        case ready
        case brokerConnected = "broker_connected"
        case storeOpen = "store_open"
        case publishing
        case standbyFor = "standby_for"
    }

    init(_ readiness: Readiness) {
        ready = readiness.isReady
        brokerConnected = readiness.brokerConnected
        storeOpen = readiness.storeOpen
        publishing = readiness.publishing
        standbyFor = readiness.standbyFor
    }
}
