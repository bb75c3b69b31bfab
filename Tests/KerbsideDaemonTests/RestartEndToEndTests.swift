import Foundation
import KerbsideCore
import Testing

@testable import KerbsideDaemon

@Suite("Restart under SIGTERM", .timeLimit(.minutes(2)))
struct RestartEndToEndTests {
    @Test func theLiveViewIsTheSameBeforeAndAfterARestart() async throws {
        let first = try await DaemonHarness()
        try first.park("s-c1", #"{"occupied":false,"seq":1}"#)
        try first.park("s-c1", #"{"occupied":true,"seq":2,"battery_v":3.5}"#)
        try first.park("s-c2", #"{"occupied":false,"seq":7}"#)
        try first.light("ctl-1", #"{"level":70,"power_w":42,"energy_wh":500,"seq":3}"#)
        try await first.waitForMessages(4)
        first.aggregate()
        let bayBefore = try await first.getJSON("/api/v1/parking/bays/c1")
        let zoneBefore = try await first.getJSON("/api/v1/parking/zones/centre")
        let lightBefore = try await first.getJSON("/api/v1/lighting/lights/l1")
        try await first.shutdown()

        let second = try await DaemonHarness(storagePath: first.storagePath)
        second.clock.set(first.clock.now())
        second.aggregate()
        let bayAfter = try await second.getJSON("/api/v1/parking/bays/c1")
        let zoneAfter = try await second.getJSON("/api/v1/parking/zones/centre")
        let lightAfter = try await second.getJSON("/api/v1/lighting/lights/l1")
        #expect(NSDictionary(dictionary: bayAfter) == NSDictionary(dictionary: bayBefore))
        #expect(NSDictionary(dictionary: lightAfter) == NSDictionary(dictionary: lightBefore))
        for key in ["occupied", "free", "unknown", "capacity", "occupancy"] {
            #expect(zoneAfter[key] as? NSObject == zoneBefore[key] as? NSObject, "\(key)")
        }

        // A QoS 1 redelivery of a reading taken before the restart is still a duplicate.
        try second.park("s-c1", #"{"occupied":true,"seq":2,"battery_v":3.5}"#)
        try await second.waitForMessages(1)
        #expect(second.rejects(.duplicate) == 1)
        try await second.shutdown()
    }
}
