import Testing

@testable import KerbsideCore

@Suite("RingBuffer")
struct RingBufferTests {
    @Test func keepsTheNewestElementsInOrder() {
        var ring = RingBuffer<Int>(capacity: 3)
        #expect(ring.isEmpty)
        for value in 1...5 { ring.append(value) }
        #expect(ring.elements == [3, 4, 5])
        #expect(ring.count == 3)
        #expect(ring.last == 5)
    }

    @Test func partialFillKeepsInsertionOrder() {
        var ring = RingBuffer<Int>(capacity: 4)
        ring.append(1)
        ring.append(2)
        #expect(ring.elements == [1, 2])
        #expect(ring.last == 2)
    }

    @Test func zeroCapacityKeepsNothing() {
        var ring = RingBuffer<Int>(capacity: 0)
        ring.append(1)
        #expect(ring.elements.isEmpty)
        #expect(ring.last == nil)
    }

    @Test func countsFromTheNewestWhileAPredicateHolds() {
        var ring = RingBuffer<Int>(capacity: 4)
        for value in [1, 9, 8, 7, 6] { ring.append(value) }
        #expect(ring.countFromNewest { $0 > 6 } == 0)
        #expect(ring.countFromNewest { $0 >= 6 } == 4)
        #expect(ring.countFromNewest { $0 <= 7 } == 2)
        #expect(ring.countFromNewest(notBelow: 7) == 0)
        #expect(ring.countFromNewest(notBelow: 6) == 4)
        var times = RingBuffer<Int>(capacity: 4)
        for value in 1...5 { times.append(value) }
        #expect(times.countFromNewest(notBelow: 4) == 2)
        #expect(times.countFromNewest(notBelow: 0) == 4)
        #expect(times.firstFromOldest(notBelow: 4) == 4)
        #expect(times.firstFromOldest(notBelow: 0) == 2)
        #expect(times.firstFromOldest(notBelow: 6) == nil)
    }

    @Test(arguments: [1, 2, 7, 64])
    func memoryIsBoundedByCapacity(capacity: Int) {
        var ring = RingBuffer<Int>(capacity: capacity)
        for value in 0..<10_000 { ring.append(value) }
        #expect(ring.count == capacity)
        #expect(ring.elements == Array((10_000 - capacity)..<10_000))
    }
}

@Suite("SeqWindow")
struct SeqWindowTests {
    @Test func remembersOnlyTheLastEntries() {
        var window = SeqWindow(capacity: 2)
        let first = SeqWindow.Entry(seq: 1, fingerprint: 10)
        window.record(first)
        window.record(.init(seq: 2, fingerprint: 20))
        #expect(window.contains(first))
        window.record(.init(seq: 3, fingerprint: 30))
        #expect(!window.contains(first))
        #expect(window.remembered.map(\.seq) == [2, 3])
    }

    @Test func sameSeqWithOtherContentIsNotADuplicate() {
        var window = SeqWindow()
        window.record(.init(seq: 0, fingerprint: 1))
        #expect(!window.contains(.init(seq: 0, fingerprint: 2)))
        #expect(window.contains(.init(seq: 0, fingerprint: 1)))
    }
}
