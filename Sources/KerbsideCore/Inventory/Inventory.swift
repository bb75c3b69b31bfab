/// Everything Kerbside knows exists: zones, signs and light groups from the configuration, bays and lights from the
/// GeoJSON inventory, with the look-ups ingest needs. Built once and validated before the daemon starts.
public struct Inventory: Sendable {
    public let zones: [ZoneDefinition]
    public let signs: [SignDefinition]
    public let groups: [LightGroupDefinition]
    public let bays: [Bay]
    public let lights: [Light]

    public let zoneIndexByID: [String: Int]
    public let groupIndexByID: [String: Int]
    public let bayIndexByID: [String: Int]
    public let bayIndexBySensor: [String: Int]
    public let lightIndexByID: [String: Int]
    public let lightIndexByController: [String: Int]
    public let signIndexByID: [String: Int]
    /// LoRaWAN devices by DevEUI (lowercase hex).
    public let deviceByEUI: [String: DeviceIndex]

    /// Builds the look-ups; the first of duplicate ids wins here, and `problems` reports every duplicate.
    public init(
        zones: [ZoneDefinition],
        signs: [SignDefinition],
        groups: [LightGroupDefinition],
        bays: [Bay],
        lights: [Light]
    ) {
        self.zones = zones
        self.signs = signs
        self.groups = groups
        self.bays = bays
        self.lights = lights
        zoneIndexByID = Self.firstIndex(of: zones.map(\.id))
        groupIndexByID = Self.firstIndex(of: groups.map(\.id))
        bayIndexByID = Self.firstIndex(of: bays.map(\.id))
        bayIndexBySensor = Self.firstIndex(of: bays.map(\.sensor))
        lightIndexByID = Self.firstIndex(of: lights.map(\.id))
        lightIndexByController = Self.firstIndex(of: lights.map(\.controller))
        signIndexByID = Self.firstIndex(of: signs.map(\.id))
        var byEUI: [String: DeviceIndex] = [:]
        for (index, bay) in bays.enumerated() {
            if let eui = bay.devEUI, byEUI[eui] == nil { byEUI[eui] = .bay(index) }
        }
        for (index, light) in lights.enumerated() {
            if let eui = light.devEUI, byEUI[eui] == nil { byEUI[eui] = .light(index) }
        }
        deviceByEUI = byEUI
    }

    /// The device a network server's uplink speaks for: by DevEUI, else by its device name or id taken as a sensor
    /// or controller id.
    ///
    /// - Parameters:
    ///   - devEUI: lowercase hex, if the uplink has it.
    ///   - deviceID: the network server's device name or id, if any.
    /// - Returns: the bay or light, or `nil`.
    public func device(devEUI: String?, deviceID: String?) -> DeviceIndex? {
        if let devEUI, let device = deviceByEUI[devEUI] { return device }
        guard let deviceID else { return nil }
        if let bay = bayIndexBySensor[deviceID] { return .bay(bay) }
        if let light = lightIndexByController[deviceID] { return .light(light) }
        return nil
    }

    private static func firstIndex(of keys: [String]) -> [String: Int] {
        var index: [String: Int] = [:]
        index.reserveCapacity(keys.count)
        for (position, key) in keys.enumerated() where index[key] == nil {
            index[key] = position
        }
        return index
    }

    /// The bays of each zone, by zone index.
    public func bayIndicesByZone() -> [[Int]] {
        var result = Array(repeating: [Int](), count: zones.count)
        for (bayIndex, bay) in bays.enumerated() {
            if let zoneIndex = zoneIndexByID[bay.zone] { result[zoneIndex].append(bayIndex) }
        }
        return result
    }

    /// The lights of each group, by group index.
    public func lightIndicesByGroup() -> [[Int]] {
        var result = Array(repeating: [Int](), count: groups.count)
        for (lightIndex, light) in lights.enumerated() {
            if let groupIndex = groupIndexByID[light.group] { result[groupIndex].append(lightIndex) }
        }
        return result
    }
}

/// A bay or a light, by index.
public enum DeviceIndex: Sendable, Equatable {
    case bay(Int)
    case light(Int)
}

/// One inconsistency in an inventory, located by what it is about.
public struct InventoryProblem: Sendable, Equatable, CustomStringConvertible {
    /// What the problem is about, e.g. `bay "B-12"` or `sign "gare"`.
    public var subject: String
    public var message: String

    public init(subject: String, message: String) {
        self.subject = subject
        self.message = message
    }

    public var description: String { "\(subject): \(message)" }
}

extension Inventory {
    /// Every inconsistency: duplicate ids, devices in unknown zones or groups, a sensor or controller used twice,
    /// signs over unknown zones or with disordered thresholds.
    public var problems: [InventoryProblem] {
        var found: [InventoryProblem] = []
        func duplicates(_ keys: @autoclosure () -> [String], kind: String, distinct: Int, total: Int) {
            // The indexes built at init already tell whether any key repeats; most inventories have none.
            guard distinct < total else { return }
            let keys = keys()
            var seen = Set<String>()
            for key in keys where !seen.insert(key).inserted {
                found.append(InventoryProblem(subject: "\(kind) \"\(key)\"", message: "declared more than once"))
            }
        }
        duplicates(zones.map(\.id), kind: "zone", distinct: zoneIndexByID.count, total: zones.count)
        duplicates(groups.map(\.id), kind: "light group", distinct: groupIndexByID.count, total: groups.count)
        duplicates(signs.map(\.id), kind: "sign", distinct: signIndexByID.count, total: signs.count)
        duplicates(bays.map(\.id), kind: "bay", distinct: bayIndexByID.count, total: bays.count)
        duplicates(lights.map(\.id), kind: "light", distinct: lightIndexByID.count, total: lights.count)
        duplicates(bays.map(\.sensor), kind: "sensor", distinct: bayIndexBySensor.count, total: bays.count)
        duplicates(
            lights.map(\.controller),
            kind: "controller",
            distinct: lightIndexByController.count,
            total: lights.count
        )
        let euiCount = bays.count(where: { $0.devEUI != nil }) + lights.count(where: { $0.devEUI != nil })
        duplicates(
            bays.compactMap(\.devEUI) + lights.compactMap(\.devEUI),
            kind: "DevEUI",
            distinct: deviceByEUI.count,
            total: euiCount
        )
        for bay in bays where bay.devEUI != nil && bay.model == nil {
            found.append(
                InventoryProblem(
                    subject: "bay \"\(bay.id)\"",
                    message: "has a dev_eui but no model to decode its bytes"
                )
            )
        }
        for light in lights where light.devEUI != nil && light.model == nil {
            found.append(
                InventoryProblem(
                    subject: "light \"\(light.id)\"",
                    message: "has a dev_eui but no model to decode its bytes"
                )
            )
        }
        for bay in bays where zoneIndexByID[bay.zone] == nil {
            found.append(
                InventoryProblem(subject: "bay \"\(bay.id)\"", message: "zone \"\(bay.zone)\" is not configured")
            )
        }
        for light in lights where groupIndexByID[light.group] == nil {
            found.append(
                InventoryProblem(
                    subject: "light \"\(light.id)\"",
                    message: "group \"\(light.group)\" is not configured"
                )
            )
        }
        for sign in signs {
            if sign.zones.isEmpty {
                found.append(InventoryProblem(subject: "sign \"\(sign.id)\"", message: "counts no zone"))
            }
            for zone in sign.zones where zoneIndexByID[zone] == nil {
                found.append(
                    InventoryProblem(subject: "sign \"\(sign.id)\"", message: "zone \"\(zone)\" is not configured")
                )
            }
            if let problem = sign.thresholds?.orderingProblem {
                found.append(InventoryProblem(subject: "sign \"\(sign.id)\"", message: problem))
            }
        }
        return found
    }
}
