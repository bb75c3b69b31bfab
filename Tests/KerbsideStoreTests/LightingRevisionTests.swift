import Foundation
import KerbsideCore
import Testing

@testable import KerbsideStore

@Suite("Lighting settings revisions")
struct LightingRevisionTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func entry(_ action: String) -> LightingAuditEntry {
        LightingAuditEntry(at: t0, actor: "engineer", action: action, subject: "avenue", detail: "")
    }

    @Test func engineersChangesCountAndAnAdoptionTakesTheOtherRevision() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kerbside-store-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try KerbsideDatabase(path: directory.appendingPathComponent("kerbside.sqlite").path)
        let night = ScheduleDocument(name: "Night", steps: [.init(at: "18:00", level: 100)])
        #expect(try database.storedLighting().revision == 0)

        try database.apply(.putSchedule(id: "night", night), audit: entry("schedule.put"))
        try database.apply(.assign(group: "avenue", schedule: "night"), audit: entry("group.schedule"))
        let override = DimmingOverride(level: 30, until: t0.addingTimeInterval(60), setAt: t0, setBy: "engineer")
        try database.apply(.setOverride(group: "avenue", override), audit: entry("override.set"))
        #expect(try database.storedLighting().revision == 3)
        // Each instance expires overrides on its own clock: not a change to exchange.
        try database.apply(.expireOverride(group: "avenue", until: override.until), audit: entry("override.expire"))
        #expect(try database.storedLighting().revision == 3)

        let adopted = StoredLighting(
            schedules: ["late": night],
            assignments: ["plaza": "late"],
            overrides: [:],
            revision: 9
        )
        try database.replaceLighting(with: adopted, audit: entry("settings.adopt"))
        let stored = try database.storedLighting()
        #expect(stored.revision == 9)
        #expect(stored.schedules == ["late": night])
        #expect(stored.assignments == ["plaza": "late"])
        #expect(stored.overrides.isEmpty)
    }
}
