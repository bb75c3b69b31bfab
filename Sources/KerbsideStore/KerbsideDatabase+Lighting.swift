import Foundation
import GRDB
import KerbsideCore

/// What lighting engineers set, as stored: schedules, which group follows which, overrides, and the audit trail.
public struct StoredLighting: Sendable {
    public var schedules: [String: ScheduleDocument]
    public var assignments: [String: String]
    public var overrides: [String: DimmingOverride]
    /// Schedules whose stored document this version cannot read.
    public var unreadable: [String] = []
    /// How many changes engineers made (here or on an instance whose settings were adopted).
    public var revision: Int = 0

    public init(
        schedules: [String: ScheduleDocument],
        assignments: [String: String],
        overrides: [String: DimmingOverride],
        revision: Int = 0
    ) {
        self.schedules = schedules
        self.assignments = assignments
        self.overrides = overrides
        self.revision = revision
    }
}

extension KerbsideDatabase {
    /// Everything lighting engineers set.
    ///
    /// - Returns: schedules by id, assignments by group, overrides by group.
    /// - Throws: `StoreError` with code `read`.
    public func storedLighting() throws(StoreError) -> StoredLighting {
        do {
            return try pool.read { db in
                let decoder = JSONDecoder()
                var lighting = StoredLighting(schedules: [:], assignments: [:], overrides: [:])
                for row in try Row.fetchAll(db, sql: "SELECT id, document FROM dimming_schedule") {
                    let document: Data = row["document"]
                    let id: String = row["id"]
                    // One unreadable document costs that schedule, not the daemon's start.
                    if let schedule = try? decoder.decode(ScheduleDocument.self, from: document) {
                        lighting.schedules[id] = schedule
                    } else {
                        lighting.unreadable.append(id)
                    }
                }
                for row in try Row.fetchAll(db, sql: "SELECT light_group, schedule FROM group_schedule") {
                    lighting.assignments[row["light_group"]] = row["schedule"]
                }
                for row in try Row.fetchAll(db, sql: "SELECT * FROM group_override") {
                    lighting.overrides[row["light_group"]] = DimmingOverride(
                        level: row["level"],
                        until: Date(timeIntervalSince1970: row["until"]),
                        setAt: Date(timeIntervalSince1970: row["set_at"]),
                        setBy: row["set_by"]
                    )
                }
                lighting.revision = try Int.fetchOne(db, sql: "SELECT revision FROM lighting_revision") ?? 0
                return lighting
            }
        } catch {
            throw StoreError(.read, "reading schedules and overrides: \(error)")
        }
    }

    /// One lighting change and its audit entry, in one transaction.
    public enum LightingChange: Sendable {
        case putSchedule(id: String, ScheduleDocument)
        case deleteSchedule(id: String)
        case assign(group: String, schedule: String?)
        case setOverride(group: String, DimmingOverride)
        case clearOverride(group: String)
        /// Removes the override ending at `until`, and only that one.
        case expireOverride(group: String, until: Date)
    }

    /// Applies a change and records it in the audit trail; every change but an override's expiry (which each
    /// instance records on its own) counts one revision.
    ///
    /// - Parameters:
    ///   - change: what changes.
    ///   - entry: who changed it, when, and how it reads in the audit.
    /// - Throws: `StoreError` with code `write`; nothing changes then.
    public func apply(_ change: LightingChange, audit entry: LightingAuditEntry) throws(StoreError) {
        do {
            let encoded: Data? =
                if case .putSchedule(_, let document) = change { try JSONEncoder().encode(document) } else { nil }
            try pool.write { db in
                switch change {
                case .putSchedule(let id, _):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO dimming_schedule (id, document) VALUES (?, ?)",
                        arguments: [id, encoded]
                    )
                case .deleteSchedule(let id):
                    try db.execute(sql: "DELETE FROM dimming_schedule WHERE id = ?", arguments: [id])
                case .assign(let group, let schedule?):
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO group_schedule (light_group, schedule) VALUES (?, ?)",
                        arguments: [group, schedule]
                    )
                case .assign(let group, nil):
                    try db.execute(sql: "DELETE FROM group_schedule WHERE light_group = ?", arguments: [group])
                case .setOverride(let group, let override):
                    try Self.storeOverride(override, of: group, into: db)
                case .clearOverride(let group):
                    try db.execute(sql: "DELETE FROM group_override WHERE light_group = ?", arguments: [group])
                case .expireOverride(let group, let until):
                    try db.execute(
                        sql: "DELETE FROM group_override WHERE light_group = ? AND until = ?",
                        arguments: [group, until.timeIntervalSince1970]
                    )
                }
                let isEngineersChange = if case .expireOverride = change { false } else { true }
                if isEngineersChange {
                    try db.execute(sql: "UPDATE lighting_revision SET revision = revision + 1")
                }
                try Self.insertAudit(entry, into: db)
            }
        } catch {
            throw StoreError(.write, "recording \(entry.action) of \(entry.subject): \(error)")
        }
    }

    /// Replaces every schedule, assignment and override with `lighting`, at its revision, in one transaction.
    ///
    /// - Parameters:
    ///   - lighting: the settings adopted, with their revision.
    ///   - entry: how the replacement reads in the audit trail.
    /// - Throws: `StoreError` with code `write`; nothing changes then.
    public func replaceLighting(with lighting: StoredLighting, audit entry: LightingAuditEntry) throws(StoreError) {
        do {
            let encoder = JSONEncoder()
            let documents = try lighting.schedules.mapValues { try encoder.encode($0) }
            try pool.write { db in
                try db.execute(
                    sql: "DELETE FROM dimming_schedule; DELETE FROM group_schedule; DELETE FROM group_override"
                )
                for (id, document) in documents {
                    try db.execute(
                        sql: "INSERT INTO dimming_schedule (id, document) VALUES (?, ?)",
                        arguments: [id, document]
                    )
                }
                for (group, schedule) in lighting.assignments {
                    try db.execute(
                        sql: "INSERT INTO group_schedule (light_group, schedule) VALUES (?, ?)",
                        arguments: [group, schedule]
                    )
                }
                for (group, override) in lighting.overrides {
                    try Self.storeOverride(override, of: group, into: db)
                }
                try db.execute(sql: "UPDATE lighting_revision SET revision = ?", arguments: [lighting.revision])
                try Self.insertAudit(entry, into: db)
            }
        } catch {
            throw StoreError(.write, "replacing the lighting settings: \(error)")
        }
    }

    private static func storeOverride(_ override: DimmingOverride, of group: String, into db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO group_override (light_group, level, until, set_at, set_by)
                VALUES (?, ?, ?, ?, ?)
                """,
            arguments: [
                group, override.level, override.until.timeIntervalSince1970, override.setAt.timeIntervalSince1970,
                override.setBy,
            ]
        )
    }

    private static func insertAudit(_ entry: LightingAuditEntry, into db: Database) throws {
        try db.execute(
            sql: "INSERT INTO lighting_audit (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
            arguments: [entry.at.timeIntervalSince1970, entry.actor, entry.action, entry.subject, entry.detail]
        )
    }

    /// The newest audit entries, newest first.
    ///
    /// - Parameters:
    ///   - from: the first instant wanted.
    ///   - to: the instant after the last one wanted.
    ///   - limit: how many at most.
    /// - Returns: the entries.
    /// - Throws: `StoreError` with code `read`.
    public func lightingAudit(from: Date, to: Date, limit: Int) async throws(StoreError) -> [LightingAuditEntry] {
        do {
            return try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM lighting_audit WHERE at >= ? AND at < ? ORDER BY at DESC, id DESC LIMIT ?
                        """,
                    arguments: [from.timeIntervalSince1970, to.timeIntervalSince1970, limit]
                ).map { row in
                    LightingAuditEntry(
                        at: Date(timeIntervalSince1970: row["at"]),
                        actor: row["actor"],
                        action: row["action"],
                        subject: row["subject"],
                        detail: row["detail"]
                    )
                }
            }
        } catch {
            throw StoreError(.read, "reading the lighting audit: \(error)")
        }
    }
}

extension KerbsideDatabase {
    /// Stores the configuration's schedules and assignments the first time their id is seen (the audit trail remembers
    /// it), so what engineers changed over the API, deletions included, wins over the file across restarts; each seed
    /// is audited as `config`.
    ///
    /// - Parameters:
    ///   - schedules: schedule documents by id.
    ///   - assignments: schedule ids by light group.
    ///   - now: the audit time.
    /// - Returns: how many schedules and assignments were stored.
    /// - Throws: `StoreError` with code `write`.
    @discardableResult
    public func seed(
        schedules: [String: ScheduleDocument],
        assignments: [String: String],
        at now: Date
    ) throws(StoreError) -> (schedules: Int, assignments: Int) {
        do {
            let encoder = JSONEncoder()
            let encoded = try schedules.mapValues { try encoder.encode($0) }
            return try pool.write { db in
                var seeded = (schedules: 0, assignments: 0)
                func audit(_ action: String, _ subject: String, _ detail: String) throws {
                    try db.execute(
                        sql: "INSERT INTO lighting_audit (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
                        arguments: [now.timeIntervalSince1970, "config", action, subject, detail]
                    )
                }
                for (id, document) in encoded.sorted(by: { $0.key < $1.key }) {
                    // Never again once the audit knows the id: a schedule deleted over the API stays deleted.
                    try db.execute(
                        sql: """
                            INSERT OR IGNORE INTO dimming_schedule (id, document)
                            SELECT ?, ? WHERE NOT EXISTS (
                                SELECT 1 FROM lighting_audit WHERE subject = ? AND action LIKE 'schedule.%')
                            """,
                        arguments: [id, document, id]
                    )
                    if db.changesCount > 0 {
                        seeded.schedules += 1
                        try audit("schedule.seed", id, String(decoding: document, as: UTF8.self))
                    }
                }
                for (group, schedule) in assignments.sorted(by: { $0.key < $1.key }) {
                    try db.execute(
                        sql: """
                            INSERT OR IGNORE INTO group_schedule (light_group, schedule)
                            SELECT ?, ? WHERE NOT EXISTS (
                                SELECT 1 FROM lighting_audit WHERE subject = ? AND action LIKE 'group.schedule%')
                            """,
                        arguments: [group, schedule, group]
                    )
                    if db.changesCount > 0 {
                        seeded.assignments += 1
                        try audit("group.schedule.seed", group, "\"\(schedule)\"")
                    }
                }
                return seeded
            }
        } catch {
            throw StoreError(.write, "seeding schedules from the configuration: \(error)")
        }
    }
}
