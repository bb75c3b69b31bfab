import Foundation
import KerbsideCore

/// One entry of a group's plan for a local day.
public struct PlanEntry: Sendable, Equatable {
    public var at: Date
    public var level: Int
    /// `schedule:{id}`, `schedule:{id} exception:{name}`, `override:{token name}`, or `carried over` (the level in
    /// force at the day's start).
    public var source: String
    /// The step as written (`sunset+15m`, `23:00`), if the entry is a step.
    public var step: String?
    /// For a solar step: `computed`, `polar_day` or `polar_night`.
    public var solar: String?

    public init(at: Date, level: Int, source: String, step: String? = nil, solar: String? = nil) {
        self.at = at
        self.level = level
        self.source = source
        self.step = step
        self.solar = solar
    }
}

/// What a light group is set to do now.
public struct GroupControl: Sendable, Equatable {
    public var schedule: String?
    public var targetLevel: Int?
    public var override: DimmingOverride?

    public init(schedule: String?, targetLevel: Int?, override: DimmingOverride?) {
        self.schedule = schedule
        self.targetLevel = targetLevel
        self.override = override
    }
}

/// Schedules, assignments, overrides and the audit trail, as the lighting routes use them. Methods throw `APIError`
/// for what the caller got wrong.
public protocol LightingControlling: Sendable {
    func schedules() -> [DimmingSchedule]
    func schedule(id: String) -> DimmingSchedule?
    func putSchedule(id: String, _ document: ScheduleDocument, by actor: String) async throws -> DimmingSchedule
    func deleteSchedule(id: String, by actor: String) async throws
    func assign(group: String, schedule: String?, by actor: String) async throws
    func setOverride(group: String, level: Int, until: Date, by actor: String) async throws -> DimmingOverride
    func clearOverride(group: String, by actor: String) async throws
    /// `nil` for an unknown group.
    func control(group: String) -> GroupControl?
    /// `nil` for an unknown group.
    func plan(group: String, day: LocalDay) -> [PlanEntry]?
    func audit(from: Date, to: Date, limit: Int) async throws -> [LightingAuditEntry]
}
