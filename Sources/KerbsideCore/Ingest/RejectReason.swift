/// Why an inbound message was refused; the raw values are the wire names of DESIGN.md and label the metrics.
public enum RejectReason: String, Sendable, CaseIterable, Codable, Hashable {
    case malformedJSON = "malformed_json"
    case schema
    case unknownDevice = "unknown_device"
    case duplicate
    case staleTimestamp = "stale_timestamp"
    case futureTimestamp = "future_timestamp"
    case tooLarge = "too_large"
    case codec
}

/// A rejection with a human-readable detail, e.g. which field was wrong.
public struct Rejection: Error, Sendable, Equatable {
    public let reason: RejectReason
    public let detail: String

    public init(_ reason: RejectReason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }
}
