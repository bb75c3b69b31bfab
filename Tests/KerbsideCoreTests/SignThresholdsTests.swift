import Testing

@testable import KerbsideCore

@Suite("Sign thresholds and hysteresis")
struct SignThresholdsTests {
    let thresholds = SignThresholds(
        fullIncreasing: 0,
        fullDecreasing: 2,
        almostFullIncreasing: 5,
        almostFullDecreasing: 8
    )

    /// Walks free counts through the thresholds and returns the statuses seen.
    func walk(_ frees: [Int], from start: SignStatus = .unknown) -> [SignStatus] {
        var status = start
        return frees.map { free in
            status = thresholds.status(after: status, free: free)
            return status
        }
    }

    @Test func fillingUpCrossesEachThresholdOnce() {
        #expect(
            walk([20, 8, 6, 5, 3, 1, 0]) == [
                .spacesAvailable, .spacesAvailable, .spacesAvailable, .almostFull, .almostFull, .almostFull, .full,
            ]
        )
    }

    @Test func emptyingHoldsEachStatusUntilItsDecreasingThreshold() {
        #expect(
            walk([1, 2, 3, 5, 8, 9], from: .full) == [
                .full, .full, .almostFull, .almostFull, .almostFull, .spacesAvailable,
            ]
        )
    }

    @Test func noFlickerAtTheEdge() {
        // Oscillating by one space around almost_full_increasing must not toggle the status back and forth.
        #expect(
            walk([6, 5, 6, 5, 6, 7, 8], from: .spacesAvailable)
                == Array(repeating: .almostFull, count: 7).enumerated().map {
                    $0.offset == 0 ? .spacesAvailable : $0.element
                }
        )
        #expect(walk([1, 0, 1, 2, 1, 0], from: .almostFull) == [.almostFull, .full, .full, .full, .full, .full])
    }

    @Test func fromUnknownPlainThresholdsApply() {
        #expect(thresholds.status(after: .unknown, free: 7) == .spacesAvailable)
        #expect(thresholds.status(after: .unknown, free: 2) == .almostFull)
        #expect(thresholds.status(after: .unknown, free: 0) == .full)
    }

    @Test func equalThresholdsHaveNoHysteresisButStayConsistent() {
        let flat = SignThresholds(
            fullIncreasing: 1,
            fullDecreasing: 1,
            almostFullIncreasing: 3,
            almostFullDecreasing: 3
        )
        #expect(flat.status(after: .full, free: 1) == .full)
        #expect(flat.status(after: .full, free: 2) == .almostFull)
        #expect(flat.status(after: .almostFull, free: 4) == .spacesAvailable)
    }

    @Test func orderingIsValidated() {
        #expect(thresholds.orderingProblem == nil)
        #expect(
            SignThresholds(fullIncreasing: 3, fullDecreasing: 2, almostFullIncreasing: 5, almostFullDecreasing: 8)
                .orderingProblem != nil
        )
        #expect(
            SignThresholds(fullIncreasing: 0, fullDecreasing: 5, almostFullIncreasing: 5, almostFullDecreasing: 8)
                .orderingProblem != nil
        )
        #expect(
            SignThresholds(fullIncreasing: 0, fullDecreasing: 1, almostFullIncreasing: 5, almostFullDecreasing: 4)
                .orderingProblem != nil
        )
        #expect(
            SignThresholds(fullIncreasing: -1, fullDecreasing: 1, almostFullIncreasing: 5, almostFullDecreasing: 6)
                .orderingProblem != nil
        )
    }

    @Test(arguments: [1, 2, 10, 120, 5000])
    func defaultsAreAlwaysOrdered(capacity: Int) {
        #expect(SignThresholds.defaults(forCapacity: capacity).orderingProblem == nil)
    }
}
