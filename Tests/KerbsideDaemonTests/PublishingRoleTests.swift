import Foundation
import Testing

@testable import KerbsideDaemon

@Suite("Publishing role of a primary and a standby")
struct PublishingRoleTests {
    let start = Date(timeIntervalSince1970: 1_764_000_000)

    @Test func aDaemonWithoutAPrimaryAlwaysPublishes() {
        var role = PublishingRole(standingByFor: nil)
        #expect(role.isPublishing(at: start))
        _ = role.noteStatus(Array("online".utf8))
        #expect(role.isPublishing(at: start))
    }

    @Test func aStandbyPublishesOnlyWhileItsPrimaryIsOfflineOrUnheard() {
        var role = PublishingRole(standingByFor: "city")
        #expect(!role.isPublishing(at: start), "not connected, nothing heard")
        role.noteConnection(true, at: start)
        #expect(!role.isPublishing(at: start.addingTimeInterval(PublishingRole.unheardGrace - 0.001)))
        #expect(role.isPublishing(at: start.addingTimeInterval(PublishingRole.unheardGrace)), "a primary never heard")
        let heardOnline = role.noteStatus(Array("online".utf8))
        #expect(heardOnline && !role.isPublishing(at: start.addingTimeInterval(60)))
        let heardOffline = role.noteStatus(Array("offline".utf8))
        #expect(heardOffline && role.isPublishing(at: start.addingTimeInterval(61)))
        let heardGarbage = role.noteStatus(Array("rebooting".utf8))
        #expect(!heardGarbage, "not a status: ignored")
        #expect(role.isPublishing(at: start.addingTimeInterval(62)))

        // Its own reconnect: quiet again until the primary's retained status comes, or the grace runs out.
        role.noteConnection(false, at: start.addingTimeInterval(70))
        #expect(!role.isPublishing(at: start.addingTimeInterval(3600)))
        role.noteConnection(true, at: start.addingTimeInterval(3600))
        #expect(!role.isPublishing(at: start.addingTimeInterval(3601)))
        let heardAgain = role.noteStatus(Array("offline".utf8))
        #expect(heardAgain && role.isPublishing(at: start.addingTimeInterval(3601)))
    }
}
