import Foundation
import KerbsideCore
import KerbsideStore

/// What lighting engineers set, as the instance that took the change publishes it for its primary or standby:
/// retained on `P/daemon/lighting`, adopted by every instance whose own settings are older (a lower `revision`).
///
/// The revision counts changes, not time, so two machines whose clocks disagree still agree on which is newer: a
/// standby that adopted revision 12 and then took a change while its primary was down publishes 13, which the
/// primary adopts when it is back.
struct LightingSettingsMessage: Codable, Sendable, Equatable {
    struct Override: Codable, Sendable, Equatable {
        var level: Int
        var until: String
        var setAt: String
        var setBy: String

        enum CodingKeys: String, CodingKey {
            case level, until
            case setAt = "set_at"
            case setBy = "set_by"
        }
    }

    var revision: Int
    /// The instance that published it.
    var instance: String
    var schedules: [String: ScheduleDocument]
    var assignments: [String: String]
    var overrides: [String: Override]

    init(_ lighting: StoredLighting, instance: String) {
        revision = lighting.revision
        self.instance = instance
        schedules = lighting.schedules
        assignments = lighting.assignments
        overrides = lighting.overrides.mapValues {
            Override(
                level: $0.level,
                until: RFC3339.format($0.until, fractionalDigits: 3),
                setAt: RFC3339.format($0.setAt, fractionalDigits: 3),
                setBy: $0.setBy
            )
        }
    }

    /// The settings it carries; throws for a timestamp that does not parse.
    func stored() throws -> StoredLighting {
        StoredLighting(
            schedules: schedules,
            assignments: assignments,
            overrides: try overrides.mapValues {
                DimmingOverride(
                    level: $0.level,
                    until: try RFC3339.parse($0.until),
                    setAt: try RFC3339.parse($0.setAt),
                    setBy: $0.setBy
                )
            },
            revision: revision
        )
    }

    func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map(Array.init) ?? []
    }

    static func decode(_ payload: UnsafeRawBufferPointer) throws -> LightingSettingsMessage {
        try JSONDecoder().decode(LightingSettingsMessage.self, from: Data(payload))
    }
}
