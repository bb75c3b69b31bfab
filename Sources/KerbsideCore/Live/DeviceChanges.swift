/// Which bays and lights changed since the last checkpoint took them, so that a checkpoint stores those alone.
///
/// A million devices stored whole every minute made the checkpoint the daemon's largest cost in memory and disk;
/// most devices report a few times an hour, so most minutes change a small part of them.
public struct DeviceChanges: Sendable, Equatable {
    /// Bay indices, ascending.
    public var bays: [Int]
    /// Light indices, ascending.
    public var lights: [Int]

    public init(bays: [Int] = [], lights: [Int] = []) {
        self.bays = bays
        self.lights = lights
    }

    /// Every index of `bayCount` bays and `lightCount` lights.
    public static func all(bayCount: Int, lightCount: Int) -> DeviceChanges {
        DeviceChanges(bays: Array(0..<bayCount), lights: Array(0..<lightCount))
    }

    /// The devices changed in either: a checkpoint that could not be stored passes its changes to the next.
    public func union(_ other: DeviceChanges) -> DeviceChanges {
        func merged(_ first: [Int], _ second: [Int]) -> [Int] {
            if first.isEmpty { return second }
            if second.isEmpty { return first }
            return Array(Set(first).union(second)).sorted()
        }
        return DeviceChanges(bays: merged(bays, other.bays), lights: merged(lights, other.lights))
    }
}

/// A set of device indices as one bit each: marking a change costs a load and a store on the ingest path.
struct DeviceChangeSet: Sendable {
    private var words: [UInt64]

    init(capacity: Int) {
        words = Array(repeating: 0, count: (capacity + 63) / 64)
    }

    mutating func insert(_ index: Int) {
        words[index >> 6] |= 1 << UInt64(index & 63)
    }

    /// The indices in ascending order; the set is empty afterwards.
    mutating func take() -> [Int] {
        var indices: [Int] = []
        for wordIndex in words.indices where words[wordIndex] != 0 {
            var word = words[wordIndex]
            while word != 0 {
                indices.append(wordIndex << 6 + word.trailingZeroBitCount)
                word &= word - 1
            }
            words[wordIndex] = 0
        }
        return indices
    }
}
