/// A fixed-capacity FIFO that overwrites its oldest element, so per-device history costs the same memory forever.
public struct RingBuffer<Element>: Sendable where Element: Sendable {
    private var storage: ContiguousArray<Element>
    private var nextWrite = 0
    public let capacity: Int

    /// - Parameter capacity: how many elements are kept; 0 keeps nothing.
    public init(capacity: Int) {
        precondition(capacity >= 0, "ring buffer capacity must not be negative")
        self.capacity = capacity
        // Grown as readings come rather than reserved: a city of a million devices mostly holds a few readings
        // each, and reserving every buffer's full capacity up front took 1.5 KB per light before any reading.
        storage = []
    }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }

    /// Appends `element`, evicting the oldest one when full.
    public mutating func append(_ element: Element) {
        guard capacity > 0 else { return }
        if storage.count < capacity {
            storage.append(element)
        } else {
            storage[nextWrite] = element
        }
        nextWrite = (nextWrite + 1) % capacity
    }

    /// The newest element, if any.
    public var last: Element? {
        guard !storage.isEmpty else { return nil }
        return storage[(nextWrite - 1 + storage.count) % storage.count]
    }

    /// The elements from oldest to newest.
    public var elements: [Element] {
        guard storage.count == capacity, nextWrite != 0 else { return Array(storage) }
        return Array(storage[nextWrite...] + storage[..<nextWrite])
    }

    public mutating func removeAll() {
        storage.removeAll(keepingCapacity: true)
        nextWrite = 0
    }
}

extension RingBuffer {
    /// Counts elements from the newest backwards while `predicate` holds; cheap for "how many in the last window".
    public func countFromNewest(while predicate: (Element) -> Bool) -> Int {
        var counted = 0
        var index = nextWrite
        for _ in 0..<storage.count {
            index = index == 0 ? storage.count - 1 : index - 1
            guard predicate(storage[index]) else { break }
            counted += 1
        }
        return counted
    }
}

extension RingBuffer where Element: Comparable {
    /// How many of the newest elements are at least `bound`, for elements kept in ascending order (times). No
    /// closure, so a caller reading a field of a larger value in place does not copy that value to call it.
    @inline(__always)
    public func countFromNewest(notBelow bound: Element) -> Int {
        storage.withUnsafeBufferPointer { storage in
            var counted = 0
            var index = nextWrite
            while counted < storage.count {
                index = index == 0 ? storage.count - 1 : index - 1
                guard storage[index] >= bound else { break }
                counted += 1
            }
            return counted
        }
    }

    /// The oldest element at least `bound`, for elements kept in ascending order; `nil` when there is none.
    public func firstFromOldest(notBelow bound: Element) -> Element? {
        let count = storage.count
        // Once full, the oldest element is the one to be overwritten next.
        let oldest = count < capacity ? 0 : nextWrite
        for offset in 0..<count {
            let element = storage[(oldest + offset) % count]
            if element >= bound { return element }
        }
        return nil
    }
}
