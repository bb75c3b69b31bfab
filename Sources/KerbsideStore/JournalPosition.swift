/// A place in the ingest journal: a segment file and a byte offset in it.
public struct JournalPosition: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var segment: UInt64
    public var offset: Int

    public init(segment: UInt64, offset: Int) {
        self.segment = segment
        self.offset = offset
    }

    public static func < (lhs: JournalPosition, rhs: JournalPosition) -> Bool {
        (lhs.segment, lhs.offset) < (rhs.segment, rhs.offset)
    }

    public var description: String { "\(segment):\(offset)" }
}

/// One journaled event, as replay hands it back.
public enum JournalRecord: Sendable, Equatable {
    /// An accepted inbound message: its route, device, payload and receive time.
    case message(kind: JournalRouteKind, device: String, payload: [UInt8], receivedAt: Double)
    /// An aggregation tick at `now` (seconds since 1970), so replay closes buckets exactly where the run did.
    case tick(now: Double)
}

/// The route of a journaled message; for network servers the journaled device is the topic.
public enum JournalRouteKind: UInt8, Sendable {
    case parking = 0
    case lighting = 1
    case chirpStackV4 = 2
    case chirpStackV3 = 3
    case theThingsStackV3 = 4
}
