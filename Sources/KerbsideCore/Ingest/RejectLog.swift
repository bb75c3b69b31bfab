import Foundation

/// One refused message as operations staff see it.
public struct RecentReject: Sendable, Equatable {
    public var at: Date
    public var topic: String
    public var reason: RejectReason
    public var detail: String
    /// The start of the payload, lossily decoded, so a bad publisher can be recognised without keeping its bytes.
    public var payloadExcerpt: String
}

/// A publisher that is not in the inventory, so ops can tell a typo from a rogue device.
public struct UnknownDevice: Sendable, Equatable {
    public var topic: String
    public var count: UInt64
    public var lastSeen: Date
}

/// Counts of rejections by reason, the latest few rejected messages and the unknown publishers: bounded memory
/// whatever a broken fleet sends.
public struct RejectLog: Sendable {
    public static let excerptBytes = 160

    public private(set) var counts: [RejectReason: UInt64] = [:]
    public private(set) var recent: RingBuffer<RecentReject>
    public private(set) var unknownDevices: [String: UnknownDevice] = [:]
    private let unknownDeviceLimit: Int

    public init(recentCapacity: Int = 100, unknownDeviceLimit: Int = 1000) {
        recent = RingBuffer(capacity: recentCapacity)
        self.unknownDeviceLimit = unknownDeviceLimit
    }

    public mutating func record(_ rejection: Rejection, topic: String, payload: UnsafeRawBufferPointer, at: Date) {
        counts[rejection.reason, default: 0] += 1
        let excerpt = String(decoding: payload.prefix(Self.excerptBytes), as: UTF8.self)
        recent.append(
            RecentReject(
                at: at,
                topic: topic,
                reason: rejection.reason,
                detail: rejection.detail,
                payloadExcerpt: excerpt
            )
        )
        guard rejection.reason == .unknownDevice else { return }
        if var known = unknownDevices[topic] {
            known.count += 1
            known.lastSeen = at
            unknownDevices[topic] = known
        } else if unknownDevices.count < unknownDeviceLimit {
            unknownDevices[topic] = UnknownDevice(topic: topic, count: 1, lastSeen: at)
        }
    }

    public var total: UInt64 { counts.values.reduce(0, +) }
}
