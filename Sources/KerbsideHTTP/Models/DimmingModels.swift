import Foundation
import KerbsideCore

/// A schedule as the API answers it: its id and its document in canonical spelling.
struct ScheduleModel: Encodable, Sendable {
    let id: String
    let name: String
    let steps: [ScheduleDocument.Step]
    let exceptions: [ScheduleDocument.Exception]

    init(_ schedule: DimmingSchedule) {
        let document = ScheduleDocument(schedule)
        id = schedule.id
        name = schedule.name
        steps = document.steps ?? []
        exceptions = document.exceptions ?? []
    }
}

struct OverrideModel: Codable, Sendable {
    let level: Int
    let until: Date
    let setAt: Date?
    let setBy: String?

    enum CodingKeys: String, CodingKey {
        case level, until
        case setAt = "set_at"
        case setBy = "set_by"
    }

    init(_ override: DimmingOverride) {
        level = override.level
        until = override.until
        setAt = override.setAt
        setBy = override.setBy
    }
}

/// The body of `POST /lighting/groups/{id}/override`.
struct OverrideRequest: Decodable, Sendable {
    let level: Double?
    let until: String?
}

/// The body of `PUT /lighting/groups/{id}/schedule`: `schedule` must be there, as an id or as `null`, so that a
/// misspelt key cannot unassign a group.
struct AssignmentRequest: Decodable, Sendable {
    let schedule: String?

    enum CodingKeys: String, CodingKey {
        case schedule
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard container.contains(.schedule) else {
            throw DecodingError.keyNotFound(
                CodingKeys.schedule,
                .init(codingPath: [], debugDescription: "give \"schedule\": an id, or null to unassign")
            )
        }
        schedule = try container.decodeIfPresent(String.self, forKey: .schedule)
    }
}

struct PlanEntryModel: Encodable, Sendable {
    let at: Date
    let level: Int
    let source: String
    let step: Nullable<String>
    let solar: Nullable<String>

    init(_ entry: PlanEntry) {
        at = entry.at
        level = entry.level
        source = entry.source
        step = Nullable(entry.step)
        solar = Nullable(entry.solar)
    }
}

struct AuditEntryModel: Encodable, Sendable {
    let at: Date
    let actor: String
    let action: String
    let subject: String
    let detail: String

    init(_ entry: LightingAuditEntry) {
        at = entry.at
        actor = entry.actor
        action = entry.action
        subject = entry.subject
        detail = entry.detail
    }
}
