import Foundation
import KerbsideCore
import KerbsideStore

/// What libmosquitto's thread hands over to the live state: each message journaled and queued in one critical
/// section, so that the queue's order is the journal's and a `kill -9` loses nothing that was queued.
///
/// Why a queue at all: the broker sends a QoS 1 subscriber at most 20 unacknowledged messages and queues the rest
/// (1,000 with its stock settings, then drops), and libmosquitto reads the next packet only after the message
/// callback returns. Against an unthrottled publisher on two cores, the C reference subscriber given 1 µs of busy
/// work per message lost what it loses with none (under 1 %), given 3 µs 15–20 %, as kerbsided did while it
/// decoded and applied on this thread. So the network thread now only journals and queues (measured: 23 % lost
/// before, 8–12 % after, 1–3 % once it also read ahead and stopped allocating; see the README's performance section).
struct IngestInbox {
    /// A batch buffer grown beyond this by a burst is dropped once applied rather than kept for the next.
    static let keptBatchBytes = 4 << 20

    /// Where arrivals are journaled; `nil` runs without crash safety.
    var journal: IngestJournal?
    /// Payloads above this are rejected whatever they say, so they are not journaled.
    let journaledPayloadLimit: Int
    private(set) var waiting = ArrivalBatch()
    /// An applied batch's emptied buffer, for the next `take` to hand the network thread.
    private var spare: ArrivalBatch?
    /// Whether the drainer waits for a signal instead of polling.
    var drainerAsleep = false

    init(journal: IngestJournal?, journaledPayloadLimit: Int) {
        self.journal = journal
        self.journaledPayloadLimit = journaledPayloadLimit
    }

    /// Journals and queues a message.
    ///
    /// - Parameters:
    ///   - kind: how it was routed.
    ///   - key: the sensor or controller id from its topic, or a network server's whole topic.
    ///   - payload: the message's payload.
    ///   - receivedAt: when it arrived.
    /// - Returns: whether the drainer must be woken, and how many arrivals wait now.
    mutating func add(
        kind: JournalRouteKind,
        key: UnsafeRawBufferPointer,
        payload: UnsafeRawBufferPointer,
        receivedAt: Date
    ) -> (wakeDrainer: Bool, waiting: Int) {
        if payload.count <= journaledPayloadLimit, let journal {
            journal.appendMessage(kind: kind, device: key, payload: payload, receivedAt: receivedAt)
        }
        waiting.append(kind: kind, key: key, payload: payload, receivedAt: receivedAt)
        let wake = drainerAsleep
        drainerAsleep = false
        return (wake, waiting.count)
    }

    /// Empties the queue.
    ///
    /// - Parameter tick: when given, a tick at that time is journaled after them, for the caller to apply next.
    /// - Returns: everything queued, and the journal position just after it, which is what the state includes once
    ///   they are applied.
    mutating func take(journalingTickAt tick: Date? = nil) -> (arrivals: ArrivalBatch, journal: JournalPosition) {
        if let tick { journal?.appendTick(now: tick) }
        var taken = spare ?? ArrivalBatch()
        spare = nil
        swap(&taken, &waiting)
        return (taken, journalPosition)
    }

    /// Takes back a batch once applied and reported, to queue the next messages in its buffer.
    mutating func recycle(_ batch: consuming ArrivalBatch) {
        guard spare == nil, batch.capacityBytes <= Self.keptBatchBytes else { return }
        batch.removeAll()
        spare = batch
    }

    /// Without a journal, a position past any segment: a restart then replays nothing.
    var journalPosition: JournalPosition {
        journal?.position ?? JournalPosition(segment: UInt64(Int64.max), offset: 0)
    }
}
