import Foundation
import KerbsideCore
import Yams

extension ConfigurationReader {
    /// The keys of `parking.defaults`, each of which a zone may also set for itself.
    static let zonePolicyKeys = [
        "offline_after", "flapping_max_changes", "flapping_window", "suspect_after", "low_battery_v",
        "max_stay_minutes",
    ]

    /// Sensor health and stay limit shared by the zones that do not set their own.
    private struct ZonePolicy {
        var health = SensorHealthPolicy()
        var maxStayMinutes: Int?
    }

    func readZones(_ document: YAMLMapping) -> [ZoneDefinition] {
        guard let parking = document.mapping("parking", keys: ["defaults", "zones"]) else { return [] }
        var defaults = ZonePolicy()
        if let mapping = parking.mapping("defaults", keys: Self.zonePolicyKeys) {
            defaults = readPolicy(mapping, inheriting: defaults)
        }
        guard let items = parking.sequence("zones", expected: "a list of zones") else { return [] }
        var zones: [ZoneDefinition] = []
        for item in items {
            guard let zone = yaml.mapping(item.node, key: item.key, keys: ["id", "name"] + Self.zonePolicyKeys),
                let id = identifier(zone, "id")
            else { continue }
            locations.record("zone", id: id, at: zone.location(of: "id"))
            let policy = readPolicy(zone, inheriting: defaults)
            let name = zone.string("name") ?? id
            zones.append(
                ZoneDefinition(id: id, name: name, maxStayMinutes: policy.maxStayMinutes, health: policy.health)
            )
        }
        return zones
    }

    /// The policy keys of `mapping` over `base`. `low_battery_v` and `max_stay_minutes` may be `null`, which clears
    /// an inherited value rather than inheriting it.
    private func readPolicy(_ mapping: YAMLMapping, inheriting base: ZonePolicy) -> ZonePolicy {
        var policy = base
        var health = policy.health
        health.offlineAfter = mapping.duration("offline_after", in: 1...(30 * 86_400)) ?? health.offlineAfter
        health.flappingMaxChanges = mapping.int("flapping_max_changes", in: 1...10_000) ?? health.flappingMaxChanges
        health.flappingWindow = mapping.duration("flapping_window", in: 1...86_400) ?? health.flappingWindow
        health.suspectAfter = mapping.duration("suspect_after", in: 60...(366 * 86_400)) ?? health.suspectAfter
        if mapping.contains("low_battery_v") {
            health.lowBatteryVolts = mapping.double("low_battery_v", in: 0...48)
        }
        if mapping.contains("max_stay_minutes") {
            policy.maxStayMinutes = mapping.int("max_stay_minutes", in: 1...(366 * 1440))
        }
        policy.health = health
        // A suspect bay is one stuck far beyond the stay limit; a shorter threshold would flag every overstay.
        if let minutes = policy.maxStayMinutes, health.suspectAfter <= TimeInterval(minutes * 60),
            mapping.contains("suspect_after") || mapping.contains("max_stay_minutes")
        {
            let name = mapping.contains("suspect_after") ? "suspect_after" : "max_stay_minutes"
            let message =
                "expected suspect_after (\(YAMLReader.formatDuration(health.suspectAfter))) to be longer "
                + "than max_stay_minutes (\(YAMLReader.formatDuration(TimeInterval(minutes * 60)))), "
                + "or every overstay would also be reported as a stuck sensor"
            log.report(message, at: mapping.location(of: name))
        }
        return policy
    }

    func readSigns(_ document: YAMLMapping) -> [SignDefinition] {
        guard let items = document.sequence("signs", expected: "a list of signs") else { return [] }
        let keys = ["id", "name", "zones", "thresholds", "min_coverage", "fallback_text", "full_text"]
        var signs: [SignDefinition] = []
        for item in items {
            guard let sign = yaml.mapping(item.node, key: item.key, keys: keys), let id = identifier(sign, "id") else {
                continue
            }
            locations.record("sign", id: id, at: sign.location(of: "id"))
            locations.record("sign", id: id, field: "zones", at: sign.location(of: "zones"))
            locations.record("sign", id: id, field: "thresholds", at: sign.location(of: "thresholds"))
            var definition = SignDefinition(id: id, name: sign.string("name") ?? id, zones: readSignZones(sign, id: id))
            definition.thresholds = readThresholds(sign)
            definition.minimumCoverage = sign.double("min_coverage", in: 0...1) ?? definition.minimumCoverage
            definition.fallbackText = sign.string("fallback_text", allowEmpty: true) ?? definition.fallbackText
            definition.fullText = sign.string("full_text", allowEmpty: true) ?? definition.fullText
            signs.append(definition)
        }
        return signs
    }

    private func readSignZones(_ sign: YAMLMapping, id: String) -> [String] {
        guard let items = sign.sequence("zones", expected: "a list of zone ids", required: true) else { return [] }
        return items.compactMap { item in
            guard let zone = yaml.string(item.node, key: item.key) else { return nil }
            locations.record("sign", id: id, field: "zones", value: zone, at: yaml.location(item.node, key: item.key))
            return zone
        }
    }

    /// DATEX II thresholds: all four or none. Their ordering is checked with the inventory's cross-checks.
    private func readThresholds(_ sign: YAMLMapping) -> SignThresholds? {
        let keys = ["full_increasing", "full_decreasing", "almost_full_increasing", "almost_full_decreasing"]
        guard sign.value("thresholds") != nil, let thresholds = sign.mapping("thresholds", keys: keys) else {
            return nil
        }
        let values = keys.map { thresholds.int($0, in: 0...1_000_000) }
        let missing = keys.filter { !thresholds.contains($0) }
        if !missing.isEmpty, missing.count < keys.count {
            let message = "expected all four thresholds or none, missing " + missing.joined(separator: ", ")
            log.report(message, at: thresholds.location(of: missing[0]))
        } else if missing.count == keys.count {
            log.report(
                "expected all four thresholds or none, found an empty mapping",
                at: sign.location(of: "thresholds")
            )
        }
        guard case let (full?, fullDown?, almost?, almostDown?) = (values[0], values[1], values[2], values[3]) else {
            return nil
        }
        return SignThresholds(
            fullIncreasing: full,
            fullDecreasing: fullDown,
            almostFullIncreasing: almost,
            almostFullDecreasing: almostDown
        )
    }
}
