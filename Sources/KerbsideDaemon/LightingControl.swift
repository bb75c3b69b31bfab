import Foundation
import KerbsideConfiguration
import KerbsideCore
import KerbsideHTTP
import KerbsideStore
import Logging
import Synchronization

/// What lighting engineers set (schedules, assignments, overrides), kept in memory for the dimming loop and in SQLite
/// for restarts, every change recorded with who made it.
final class LightingControl: LightingControlling {
    private struct Settings {
        var schedules: [String: DimmingSchedule] = [:]
        var assignments: [String: String] = [:]
        var overrides: [String: DimmingOverride] = [:]
        /// Changes made so far, here or by the instance whose settings were adopted (`LightingSettingsMessage`).
        var revision = 0

        var stored: StoredLighting {
            StoredLighting(
                schedules: schedules.mapValues(ScheduleDocument.init),
                assignments: assignments,
                overrides: overrides,
                revision: revision
            )
        }
    }

    private let settings: Mutex<Settings>
    /// The schedule of groups that have none assigned.
    private let defaultSchedule: String?
    private let database: KerbsideDatabase
    private let inventory: Inventory
    private let evaluator: ScheduleEvaluator
    private let clock: @Sendable () -> Date
    private let logger: Logger
    /// Told after every change, so the dimming loop acts at once rather than at its next tick.
    private let changed = Mutex<(@Sendable () -> Void)?>(nil)
    /// Told the settings after every change made here, for the instance's primary or standby.
    private let changedHere = Mutex<(@Sendable (StoredLighting) -> Void)?>(nil)
    /// The primary's instance while this one stands by for it (and so takes no change of its own), else `nil`.
    private let standingByFor: @Sendable () -> String?

    /// - Parameters:
    ///   - database: where settings and the audit trail are stored.
    ///   - site: for local times and solar events.
    ///   - inventory: the light groups.
    ///   - seeds: schedules and assignments from the configuration, stored where nothing is stored yet.
    ///   - defaultSchedule: the schedule of groups that have none assigned.
    ///   - standingByFor: the primary's instance while this one stands by for it, when changes are refused.
    ///   - clock: the wall clock.
    ///   - logger: for stored settings that no longer validate.
    /// - Throws: `StoreError` when the stored settings cannot be read.
    init(
        database: KerbsideDatabase,
        site: Site,
        inventory: Inventory,
        seeds: (schedules: [String: ScheduleDocument], assignments: [String: String]) = ([:], [:]),
        defaultSchedule: String? = nil,
        standingByFor: @escaping @Sendable () -> String? = { nil },
        clock: @escaping @Sendable () -> Date,
        logger: Logger
    ) throws(StoreError) {
        let seeded = try database.seed(schedules: seeds.schedules, assignments: seeds.assignments, at: clock())
        if seeded.schedules + seeded.assignments > 0 {
            logger.info(
                "stored schedules from the configuration",
                metadata: [
                    "lighting.schedules": "\(seeded.schedules)", "lighting.assignments": "\(seeded.assignments)",
                ]
            )
        }
        self.defaultSchedule = defaultSchedule
        self.standingByFor = standingByFor
        self.database = database
        self.inventory = inventory
        evaluator = ScheduleEvaluator(site: site)
        self.clock = clock
        self.logger = logger
        let stored = try database.storedLighting()
        for id in stored.unreadable {
            logger.error("a stored schedule cannot be read by this version; ignored", metadata: ["schedule": "\(id)"])
        }
        var settings = Settings()
        for (id, document) in stored.schedules {
            do {
                settings.schedules[id] = try DimmingSchedule.validated(id: id, document)
            } catch {
                logger.error("a stored schedule no longer validates; ignored", metadata: ["schedule": "\(id)"])
            }
        }
        settings.assignments = stored.assignments.filter { inventory.groupIndexByID[$0.key] != nil }
        for (group, schedule) in settings.assignments where settings.schedules[schedule] == nil {
            logger.warning(
                "a group's schedule is missing; it follows the default schedule, if any",
                metadata: ["lighting.group": "\(group)", "schedule": "\(schedule)"]
            )
            settings.assignments.removeValue(forKey: group)
        }
        settings.overrides = stored.overrides.filter { inventory.groupIndexByID[$0.key] != nil }
        settings.revision = stored.revision
        self.settings = Mutex(settings)
    }

    func onChange(_ action: @escaping @Sendable () -> Void) {
        changed.withLock { $0 = action }
    }

    /// Calls `action` with the settings after every change made through this instance's API.
    func onChangeHere(_ action: @escaping @Sendable (StoredLighting) -> Void) {
        changedHere.withLock { $0 = action }
    }

    /// The settings as they are now, with their revision.
    var current: StoredLighting {
        settings.withLock { $0.stored }
    }

    /// How many changes the settings have been through, without rebuilding them.
    var revision: Int {
        settings.withLock { $0.revision }
    }

    /// Takes the settings another instance published when they are newer than these (a higher revision): stored,
    /// audited as `settings.adopt` by that instance, and acted on by the dimming loop at once.
    ///
    /// - Parameters:
    ///   - lighting: the other instance's settings.
    ///   - instance: the instance that published them.
    /// - Returns: whether they were adopted; `false` for settings not newer than these.
    /// - Throws: `StoreError` when they could not be stored; nothing changes then.
    @discardableResult
    func adopt(_ lighting: StoredLighting, from instance: String) throws(StoreError) -> Bool {
        var adopted = Settings(revision: lighting.revision)
        var ignored: [String] = []
        for (id, document) in lighting.schedules {
            if let schedule = try? DimmingSchedule.validated(id: id, document) {
                adopted.schedules[id] = schedule
            } else {
                ignored.append(id)
            }
        }
        adopted.assignments = lighting.assignments.filter {
            inventory.groupIndexByID[$0.key] != nil && adopted.schedules[$0.value] != nil
        }
        adopted.overrides = lighting.overrides.filter { inventory.groupIndexByID[$0.key] != nil }
        let isNewer = try settings.withLock { settings throws(StoreError) -> Bool in
            guard lighting.revision > settings.revision else { return false }
            try database.replaceLighting(
                with: adopted.stored,
                audit: LightingAuditEntry(
                    at: clock(),
                    actor: instance,
                    action: "settings.adopt",
                    subject: instance,
                    detail: "{\"revision\":\(lighting.revision)}"
                )
            )
            settings = adopted
            return true
        }
        guard isNewer else { return false }
        if !ignored.isEmpty {
            logger.error("adopted settings hold schedules this version rejects", metadata: ["schedules": "\(ignored)"])
        }
        logger.notice(
            "adopted the lighting settings of another instance",
            metadata: ["mqtt.instance": "\(instance)", "lighting.revision": "\(lighting.revision)"]
        )
        notify()
        return true
    }

    func schedules() -> [DimmingSchedule] {
        settings.withLock { $0.schedules.values.sorted { $0.id < $1.id } }
    }

    func schedule(id: String) -> DimmingSchedule? {
        settings.withLock { $0.schedules[id] }
    }

    func putSchedule(id: String, _ document: ScheduleDocument, by actor: String) async throws -> DimmingSchedule {
        if let problem = IdentifierRules.problem(with: id) { throw APIError.badRequest("schedule id: \(problem)") }
        let schedule: DimmingSchedule
        do {
            schedule = try DimmingSchedule.validated(id: id, document)
        } catch {
            throw APIError.badRequest("invalid schedule: \(error)")
        }
        let canonical = ScheduleDocument(schedule)
        try change { settings in
            try record(.putSchedule(id: id, canonical), "schedule.put", id, by: actor, detail: canonical)
            settings.schedules[id] = schedule
        }
        return schedule
    }

    func deleteSchedule(id: String, by actor: String) async throws {
        try change { settings in
            guard settings.schedules[id] != nil else { throw APIError.notFound("schedule", id: id) }
            let users =
                settings.assignments.filter { $0.value == id }.map(\.key).sorted()
                + (defaultSchedule == id ? ["every group without one (it is the default schedule)"] : [])
            guard users.isEmpty else {
                throw APIError(
                    .conflict,
                    code: "conflict",
                    message: "schedule \"\(id)\" is assigned to \(users.joined(separator: ", ")); assign another first"
                )
            }
            try record(.deleteSchedule(id: id), "schedule.delete", id, by: actor, detail: String?.none)
            settings.schedules.removeValue(forKey: id)
        }
    }

    func assign(group: String, schedule: String?, by actor: String) async throws {
        guard inventory.groupIndexByID[group] != nil else { throw APIError.notFound("light group", id: group) }
        try change { settings in
            if let schedule, settings.schedules[schedule] == nil {
                throw APIError.badRequest("no schedule with id \"\(schedule)\"; PUT it first")
            }
            try record(.assign(group: group, schedule: schedule), "group.schedule", group, by: actor, detail: schedule)
            settings.assignments[group] = schedule
        }
    }

    func setOverride(group: String, level: Int, until: Date, by actor: String) async throws -> DimmingOverride {
        guard inventory.groupIndexByID[group] != nil else { throw APIError.notFound("light group", id: group) }
        let now = clock()
        guard until > now else { throw APIError.badRequest("until must be in the future") }
        guard until.timeIntervalSince(now) <= 7 * 86_400 else {
            throw APIError.badRequest("an override lasts at most 7 days; change the schedule for longer")
        }
        let override = DimmingOverride(level: level, until: until, setAt: now, setBy: actor)
        try change { settings in
            try record(
                .setOverride(group: group, override),
                "override.set",
                group,
                by: actor,
                detail: OverrideModelDetail(level: level, until: until)
            )
            settings.overrides[group] = override
        }
        return override
    }

    func clearOverride(group: String, by actor: String) async throws {
        guard inventory.groupIndexByID[group] != nil else { throw APIError.notFound("light group", id: group) }
        let now = clock()
        try change { settings in
            guard let override = settings.overrides[group], override.isActive(at: now) else {
                throw APIError(.notFound, code: "not_found", message: "light group \"\(group)\" has no override")
            }
            try record(.clearOverride(group: group), "override.clear", group, by: actor, detail: String?.none)
            settings.overrides.removeValue(forKey: group)
        }
    }

    func control(group: String) -> GroupControl? {
        guard inventory.groupIndexByID[group] != nil else { return nil }
        let now = clock()
        return settings.withLock { settings in
            let override = settings.overrides[group].flatMap { $0.isActive(at: now) ? $0 : nil }
            let schedule = (settings.assignments[group] ?? defaultSchedule).flatMap { settings.schedules[$0] }
            let level = override?.level ?? schedule.flatMap { evaluator.stepInForce($0, at: now)?.level }
            return GroupControl(schedule: schedule?.id, targetLevel: level, override: override)
        }
    }

    /// Each group's target level now, with the reason to give controllers; `nil` for a group that follows nothing.
    ///
    /// - Parameter now: the current time.
    /// - Returns: one entry per inventory group, in inventory order.
    func targets(at now: Date) -> [(level: Int, reason: String)?] {
        settings.withLock { settings in
            inventory.groups.map { group in
                if let override = settings.overrides[group.id], override.isActive(at: now) {
                    return (override.level, "override:\(override.setBy)")
                }
                guard
                    let schedule = (settings.assignments[group.id] ?? defaultSchedule).flatMap({
                        settings.schedules[$0]
                    }),
                    let step = evaluator.stepInForce(schedule, at: now)
                else { return nil }
                return (step.level, "schedule:\(schedule.id)")
            }
        }
    }

    /// Forgets overrides whose time is up (they no longer count anyway), recording their end in the audit trail.
    ///
    /// - Parameter now: the current time.
    func expireOverrides(at now: Date) {
        settings.withLock { settings in
            for (group, override) in settings.overrides where !override.isActive(at: now) {
                do {
                    try database.apply(
                        .expireOverride(group: group, until: override.until),
                        audit: LightingAuditEntry(
                            at: override.until,
                            actor: override.setBy,
                            action: "override.expire",
                            subject: group,
                            detail: ""
                        )
                    )
                    settings.overrides.removeValue(forKey: group)
                } catch {
                    logger.error("could not record an override's end", metadata: ["lighting.group": "\(group)"])
                }
            }
        }
    }

    func plan(group: String, day: LocalDay) -> [PlanEntry]? {
        guard inventory.groupIndexByID[group] != nil else { return nil }
        let (schedule, override) = settings.withLock { settings in
            (
                (settings.assignments[group] ?? defaultSchedule).flatMap { settings.schedules[$0] },
                settings.overrides[group]
            )
        }
        let dayStart = evaluator.clock.startOfDay(day)
        let dayEnd = evaluator.clock.startOfDay(day.adding(days: 1))
        var entries: [PlanEntry] = []
        if let schedule {
            if let carried = evaluator.stepInForce(schedule, at: dayStart.addingTimeInterval(-0.001)) {
                entries.append(PlanEntry(at: dayStart, level: carried.level, source: "carried over"))
            }
            // The neighbouring days too: offsets and polar stand-ins can carry their steps into this one.
            for step in evaluator.timeline(schedule, days: (-1)...1, around: day)
            where step.at >= dayStart && step.at < dayEnd {
                entries.append(Self.entry(step, schedule: schedule))
            }
        }
        if let override, override.until > dayStart, override.setAt < dayEnd {
            let start = max(override.setAt, dayStart)
            entries.removeAll { $0.at >= start && $0.at < override.until }
            entries.append(PlanEntry(at: start, level: override.level, source: "override:\(override.setBy)"))
            if override.until < dayEnd, let schedule, let resumed = evaluator.stepInForce(schedule, at: override.until)
            {
                entries.append(
                    PlanEntry(
                        at: override.until,
                        level: resumed.level,
                        source: "schedule:\(schedule.id) (override ended)"
                    )
                )
            }
        }
        // Stable: steps at one instant keep the evaluator's order, the winner last.
        return entries.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }

    func audit(from: Date, to: Date, limit: Int) async throws -> [LightingAuditEntry] {
        try await database.lightingAudit(from: from, to: to, limit: limit)
    }

    private static func entry(_ step: ResolvedStep, schedule: DimmingSchedule) -> PlanEntry {
        PlanEntry(
            at: step.at,
            level: step.level,
            source: "schedule:\(schedule.id)" + (step.exception.map { " exception:\($0)" } ?? ""),
            step: step.step.description,
            solar: step.solarKind?.rawValue
        )
    }

    /// Checks, stores and applies one change under the settings lock, so concurrent requests cannot interleave
    /// between the check and the write; SQLite takes a few milliseconds, and these requests are rare.
    private func change(_ body: (inout Settings) throws -> Void) throws {
        if let primary = standingByFor() {
            throw APIError(
                .conflict,
                code: "standby",
                message: "this instance stands by for \"\(primary)\", which is online: make lighting changes there; "
                    + "they reach this instance over MQTT"
            )
        }
        let changed = try settings.withLock { settings in
            try body(&settings)
            settings.revision += 1
            return settings.stored
        }
        notify()
        changedHere.withLock { $0 }?(changed)
    }

    private func record(
        _ change: KerbsideDatabase.LightingChange,
        _ action: String,
        _ subject: String,
        by actor: String,
        detail: some Encodable
    ) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
        let encoded = (try? encoder.encode(detail)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        do {
            try database.apply(
                change,
                audit: LightingAuditEntry(at: clock(), actor: actor, action: action, subject: subject, detail: encoded)
            )
        } catch {
            logger.error("could not store a lighting change", metadata: ["store.error": "\(error)"])
            throw APIError(
                .serviceUnavailable,
                code: "store_unavailable",
                message: "the change could not be stored; try again"
            )
        }
    }

    private func notify() {
        changed.withLock { $0 }?()
    }

}

/// How an override reads in the audit trail.
private struct OverrideModelDetail: Encodable {
    let level: Int
    let until: Date
}
