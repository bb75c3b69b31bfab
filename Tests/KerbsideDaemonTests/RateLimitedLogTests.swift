import Foundation
import Testing

@testable import KerbsideCore
@testable import KerbsideDaemon

@Suite("Rate-limited reject logging")
struct RateLimitedLogTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func letsAFewLinesThroughPerReasonAndReportsWhatItDropped() {
        var log = RateLimitedLog(linesPerInterval: 2, interval: 60)
        let first = (0..<5).map { log.decide(.malformedJSON, at: start.addingTimeInterval(Double($0))) }
        #expect(first == [.log(suppressedBefore: 0), .log(suppressedBefore: 0), .suppress, .suppress, .suppress])
        #expect(
            log.decide(.schema, at: start.addingTimeInterval(5)) == .log(suppressedBefore: 0),
            "reasons count apart"
        )
        #expect(log.decide(.malformedJSON, at: start.addingTimeInterval(61)) == .log(suppressedBefore: 3))
    }
}

@Suite("Retained sign publishing")
struct SignPublisherTests {
    func sign(free: Int, status: SignStatus, coverage: Double = 1, at seconds: TimeInterval = 0) -> SignFigures {
        SignFigures(
            id: "s",
            name: "S",
            zones: ["z"],
            free: free,
            capacity: 10,
            outOfService: 0,
            coverage: coverage,
            status: status,
            text: String(free),
            updatedAt: Date(timeIntervalSince1970: 1_800_000_000 + seconds)
        )
    }

    @Test func publishesOnVisibleChangesOnly() throws {
        var publisher = SignPublisher()
        let first = publisher.changes(in: [sign(free: 5, status: .spacesAvailable)])
        #expect(first.count == 1)
        let payload = String(decoding: try #require(first.first).payload, as: UTF8.self)
        #expect(
            payload
                == #"{"free":5,"capacity":10,"coverage":1.00,"status":"spacesAvailable","ts":"2027-01-15T08:00:00Z"}"#
        )
        #expect(publisher.changes(in: [sign(free: 5, status: .spacesAvailable, at: 10)]).isEmpty, "only ts moved")
        #expect(publisher.changes(in: [sign(free: 5, status: .spacesAvailable, coverage: 0.999)]).isEmpty)
        #expect(publisher.changes(in: [sign(free: 4, status: .spacesAvailable)]).count == 1)
        publisher.forgetPublished()
        #expect(publisher.changes(in: [sign(free: 4, status: .spacesAvailable)]).count == 1)
    }
}
