import Foundation
import KerbsideStore

/// Messages received and not yet applied, copied back to back into one buffer that is used again and again: the
/// network thread's copy of a message allocates nothing, and the drainer frees nothing per message.
///
/// Each record is a 16-byte header (receive time, payload length, key length, route kind), the key (a sensor or
/// controller id, or a network server's whole topic) and the payload.
struct ArrivalBatch: Sendable {
    /// One message in a batch; its bytes are the batch's, valid only inside `forEach`.
    struct Arrival {
        let kind: JournalRouteKind
        /// The sensor or controller id from the topic (UTF-8), or a network server's whole topic.
        let key: UnsafeRawBufferPointer
        let payload: UnsafeRawBufferPointer
        let receivedAt: Date
    }

    private static let headerBytes = 16

    private var bytes: [UInt8] = []
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }
    /// The buffer's size, which stays what the largest batch needed until the batch is dropped.
    var capacityBytes: Int { bytes.capacity }

    /// Copies a message in.
    ///
    /// - Precondition: `key` is at most 65,535 bytes, as MQTT topics are.
    mutating func append(
        kind: JournalRouteKind,
        key: UnsafeRawBufferPointer,
        payload: UnsafeRawBufferPointer,
        receivedAt: Date
    ) {
        withUnsafeBytes(of: receivedAt.timeIntervalSinceReferenceDate.bitPattern) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(payload.count)) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt16(key.count)) { bytes.append(contentsOf: $0) }
        bytes.append(kind.rawValue)
        bytes.append(0)
        bytes.append(contentsOf: key)
        bytes.append(contentsOf: payload)
        count += 1
    }

    /// Calls `body` with each message, in the order they were appended.
    func forEach(_ body: (Arrival) throws -> Void) rethrows {
        try bytes.withUnsafeBytes { records in
            var offset = 0
            while offset < records.count {
                let time = records.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                let payloadCount = Int(records.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self))
                let keyCount = Int(records.loadUnaligned(fromByteOffset: offset + 12, as: UInt16.self))
                let kind = JournalRouteKind(rawValue: records[offset + 14]) ?? .parking
                let keyStart = offset + Self.headerBytes
                let payloadStart = keyStart + keyCount
                offset = payloadStart + payloadCount
                try body(
                    Arrival(
                        kind: kind,
                        key: UnsafeRawBufferPointer(rebasing: records[keyStart..<payloadStart]),
                        payload: UnsafeRawBufferPointer(rebasing: records[payloadStart..<offset]),
                        receivedAt: Date(timeIntervalSinceReferenceDate: Double(bitPattern: time))
                    )
                )
            }
        }
    }

    /// Empties the batch, keeping its buffer.
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        count = 0
    }
}
