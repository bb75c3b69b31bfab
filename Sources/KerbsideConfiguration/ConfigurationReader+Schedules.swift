import Foundation
import KerbsideCore
import Yams

/// Dimming schedules seeded from the configuration, and how commands are paced and retried.
struct LightingControlSettings {
    var schedules: [String: ScheduleDocument] = [:]
    var defaultSchedule: String?
    var assignments: [String: String] = [:]
    var policy = DimmingPolicy()
}

extension ConfigurationReader {
    /// Reads `lighting.schedules` (id → schedule, validated as the API validates), `lighting.default_schedule`,
    /// each group's `schedule`, and `lighting.commands`.
    func readLightingControl(
        _ lighting: YAMLMapping,
        groupItems: [(node: Node, key: String)]
    ) -> LightingControlSettings {
        var settings = LightingControlSettings()
        if let schedules = lighting.value("schedules") {
            settings.schedules = readSchedules(schedules, key: lighting.path("schedules"))
        }
        if let name = lighting.string("default_schedule") {
            if settings.schedules[name] == nil {
                yaml.report(
                    "no schedule \"\(name)\" under lighting.schedules",
                    key: lighting.path("default_schedule"),
                    at: lighting.value("default_schedule")
                )
            } else {
                settings.defaultSchedule = name
            }
        }
        for item in groupItems {
            guard case .mapping(let mapping) = item.node,
                let idNode = mapping["id"], let id = idNode.scalar?.string,
                let scheduleNode = mapping["schedule"], let schedule = scheduleNode.scalar?.string
            else { continue }
            if settings.schedules[schedule] == nil {
                yaml.report(
                    "no schedule \"\(schedule)\" under lighting.schedules",
                    key: "\(item.key).schedule",
                    at: scheduleNode
                )
            } else {
                settings.assignments[id] = schedule
            }
        }
        if let commands = lighting.mapping(
            "commands",
            keys: ["rate", "max_attempts", "retry_after", "max_retry_delay", "off_target_after"]
        ) {
            var policy = settings.policy
            policy.commandsPerSecond = commands.double("rate", in: 0.1...100_000) ?? policy.commandsPerSecond
            policy.maxAttempts = commands.int("max_attempts", in: 1...100) ?? policy.maxAttempts
            policy.retryAfter = commands.duration("retry_after", in: 1...86_400) ?? policy.retryAfter
            policy.maxRetryDelay = commands.duration("max_retry_delay", in: 1...86_400) ?? policy.maxRetryDelay
            policy.offTargetAfter = commands.duration("off_target_after", in: 1...86_400) ?? policy.offTargetAfter
            settings.policy = policy
        }
        return settings
    }

    static let lightingKeys = ["defaults", "groups", "schedules", "default_schedule", "commands"]

    private func readSchedules(_ node: Node, key: String) -> [String: ScheduleDocument] {
        guard case .mapping(let mapping) = node else {
            yaml.reportMismatch(node, key: key, expected: "a mapping of schedule ids to schedules")
            return [:]
        }
        var schedules: [String: ScheduleDocument] = [:]
        for (idNode, scheduleNode) in mapping {
            guard let id = idNode.scalar?.string else { continue }
            let scheduleKey = "\(key).\(id)"
            if let problem = IdentifierRules.problem(with: id) {
                yaml.report(problem, key: scheduleKey, at: idNode)
                continue
            }
            var locations: [String: Node] = [:]
            guard let schedule = yaml.mapping(scheduleNode, key: scheduleKey, keys: ["name", "steps", "exceptions"])
            else { continue }
            let document = ScheduleDocument(
                name: schedule.string("name"),
                steps: readSteps(schedule.value("steps"), path: "steps", in: scheduleKey, locations: &locations),
                exceptions: readExceptions(schedule.value("exceptions"), in: scheduleKey, locations: &locations)
            )
            do {
                _ = try DimmingSchedule.validated(id: id, document)
                schedules[id] = document
            } catch {
                for problem in error.problems {
                    // The most precise node the problem's path names: `steps[1].at`, else `steps[1]`, else the
                    // schedule.
                    let node =
                        locations[problem.path]
                        ?? locations[String(problem.path.prefix { $0 != "." })] ?? scheduleNode
                    yaml.report(problem.message, key: "\(scheduleKey).\(problem.path)", at: node)
                }
            }
        }
        return schedules
    }

    private func readSteps(
        _ node: Node?,
        path: String,
        in scheduleKey: String,
        locations: inout [String: Node]
    ) -> [ScheduleDocument.Step]? {
        guard let node else { return nil }
        guard case .sequence(let sequence) = node else {
            locations[path] = node
            return []
        }
        return sequence.enumerated().map { index, item in
            let stepPath = "\(path)[\(index)]"
            locations[stepPath] = item
            guard case .mapping(let mapping) = item else { return ScheduleDocument.Step(at: nil, level: nil) }
            if let at = mapping["at"] { locations["\(stepPath).at"] = at }
            var level: Double?
            if let node = mapping["level"] {
                locations["\(stepPath).level"] = node
                level = node.scalar.flatMap { Double($0.string) }
                // Reported here, because the document can only say "missing" about a level it never got.
                if level == nil {
                    yaml.reportMismatch(node, key: "\(scheduleKey).\(stepPath).level", expected: "a percent 0…100")
                }
            }
            return ScheduleDocument.Step(at: mapping["at"]?.scalar?.string, level: level)
        }
    }

    private func readExceptions(
        _ node: Node?,
        in scheduleKey: String,
        locations: inout [String: Node]
    ) -> [ScheduleDocument.Exception]? {
        guard let node else { return nil }
        guard case .sequence(let sequence) = node else {
            yaml.reportMismatch(node, key: "\(scheduleKey).exceptions", expected: "a list of exceptions")
            return nil
        }
        return sequence.enumerated().map { index, item in
            let path = "exceptions[\(index)]"
            locations[path] = item
            guard case .mapping(let mapping) = item else { return ScheduleDocument.Exception(name: nil, steps: nil) }
            func strings(_ key: String) -> [String]? {
                guard let value = mapping[key] else { return nil }
                locations["\(path).\(key)"] = value
                guard case .sequence(let items) = value else { return value.scalar.map { [$0.string] } }
                return items.compactMap { $0.scalar?.string }
            }
            return ScheduleDocument.Exception(
                name: mapping["name"]?.scalar?.string,
                dates: strings("dates"),
                from: mapping["from"]?.scalar?.string,
                to: mapping["to"]?.scalar?.string,
                weekdays: strings("weekdays"),
                steps: readSteps(mapping["steps"], path: "\(path).steps", in: scheduleKey, locations: &locations)
            )
        }
    }
}
