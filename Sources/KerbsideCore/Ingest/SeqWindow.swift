/// Remembers a device's last few `(seq, fingerprint)` pairs to drop redelivered messages.
///
/// A plain high-water mark would silence a device whose counter restarts (a LoRaWAN fCnt after a rejoin), so a
/// reading is a duplicate only when the same seq arrived recently with the same content fingerprint. A device that
/// resets and then repeats byte-identical payloads under recently seen seqs is dropped for at most `capacity`
/// messages; a device that sends timestamps never is.
public struct SeqWindow: Sendable, Equatable {
    public struct Entry: Sendable, Equatable, Codable {
        public var seq: UInt64
        public var fingerprint: UInt64

        public init(seq: UInt64, fingerprint: UInt64) {
            self.seq = seq
            self.fingerprint = fingerprint
        }
    }

    public static let defaultCapacity = 16

    private(set) var entries: [Entry] = []
    private var nextWrite = 0
    public let capacity: Int

    public init(capacity: Int = SeqWindow.defaultCapacity) {
        self.capacity = max(1, capacity)
    }

    /// A window that remembers `entries` (oldest first), as saved before a restart.
    public init(capacity: Int = SeqWindow.defaultCapacity, remembering entries: [Entry]) {
        self.init(capacity: capacity)
        for entry in entries.suffix(self.capacity) { record(entry) }
    }

    /// Whether `entry` was seen within the window.
    public func contains(_ entry: Entry) -> Bool {
        entries.contains(entry)
    }

    /// Records `entry` as seen, evicting the oldest.
    public mutating func record(_ entry: Entry) {
        if entries.count < capacity {
            entries.append(entry)
        } else {
            entries[nextWrite] = entry
        }
        nextWrite = (nextWrite + 1) % capacity
    }

    /// The remembered entries, oldest first; what a restart needs to restore.
    public var remembered: [Entry] {
        guard entries.count == capacity, nextWrite != 0 else { return entries }
        return Array(entries[nextWrite...] + entries[..<nextWrite])
    }
}

/// FNV-1a over a payload: a cheap content fingerprint that tells a redelivery from a new reading with a reused seq.
public enum PayloadFingerprint {
    public static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}
