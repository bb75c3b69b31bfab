import Foundation
import KerbsideCore

extension ConfigurationReader {
    func readLightGroups(_ document: YAMLMapping) -> (groups: [LightGroupDefinition], control: LightingControlSettings)
    {
        guard let lighting = document.mapping("lighting", keys: Self.lightingKeys) else {
            return ([], LightingControlSettings())
        }
        var offlineAfter = LightGroupDefinition(id: "", name: "").offlineAfter
        if let defaults = lighting.mapping("defaults", keys: ["offline_after"]) {
            offlineAfter = readOfflineAfter(defaults) ?? offlineAfter
        }
        let items = lighting.sequence("groups", expected: "a list of light groups") ?? []
        var groups: [LightGroupDefinition] = []
        for item in items {
            guard
                let group = yaml.mapping(item.node, key: item.key, keys: ["id", "name", "offline_after", "schedule"]),
                let id = identifier(group, "id")
            else { continue }
            locations.record("light group", id: id, at: group.location(of: "id"))
            let name = group.string("name") ?? id
            groups.append(
                LightGroupDefinition(id: id, name: name, offlineAfter: readOfflineAfter(group) ?? offlineAfter)
            )
        }
        return (groups, readLightingControl(lighting, groupItems: items))
    }

    private func readOfflineAfter(_ mapping: YAMLMapping) -> TimeInterval? {
        mapping.duration("offline_after", in: 1...(30 * 86_400))
    }
}
