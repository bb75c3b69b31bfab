import Foundation

/// A temporary manual level for a light group (an incident, an event); it ends by itself at `until`.
public struct DimmingOverride: Sendable, Equatable, Codable {
    public var level: Int
    public var until: Date
    public var setAt: Date
    /// The name of the token that set it.
    public var setBy: String

    public init(level: Int, until: Date, setAt: Date, setBy: String) {
        self.level = level
        self.until = until
        self.setAt = setAt
        self.setBy = setBy
    }

    public func isActive(at now: Date) -> Bool { now < until }
}

/// One recorded change to schedules, assignments or overrides: who, when, what.
public struct LightingAuditEntry: Sendable, Equatable {
    public var at: Date
    /// The token's name.
    public var actor: String
    /// `schedule.put`, `schedule.delete`, `group.schedule`, `override.set`, `override.clear`, `override.expire`, and
    /// `settings.adopt` for settings taken from a primary or standby (the actor is then that instance).
    public var action: String
    /// The schedule or light group concerned.
    public var subject: String
    /// The new value as JSON, or empty.
    public var detail: String

    public init(at: Date, actor: String, action: String, subject: String, detail: String) {
        self.at = at
        self.actor = actor
        self.action = action
        self.subject = subject
        self.detail = detail
    }
}
