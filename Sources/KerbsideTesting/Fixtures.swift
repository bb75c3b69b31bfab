import Foundation
import KerbsideCore

/// A small, fully known city for tests: two zones, one sign, one light group.
public enum Fixtures {
    /// Zone `centre` (bays `c1`…`c4`, sensors `s-c1`…), zone `gare` (bays `g1`, `g2`), sign `centre-sign` over
    /// `centre` with thresholds 0/1/2/3, group `avenue` with lights `l1`, `l2` (controllers `ctl-1`, `ctl-2`).
    public static func smallCity(
        health: SensorHealthPolicy = SensorHealthPolicy(
            offlineAfter: 600,
            flappingMaxChanges: 4,
            flappingWindow: 300,
            suspectAfter: 24 * 3600,
            lowBatteryVolts: 3.1
        ),
        minimumCoverage: Double = 0.75
    ) -> Inventory {
        Inventory(
            zones: [
                ZoneDefinition(id: "centre", name: "Centre", maxStayMinutes: 120, health: health),
                ZoneDefinition(id: "gare", name: "Gare", health: health),
            ],
            signs: [
                SignDefinition(
                    id: "centre-sign",
                    name: "Centre",
                    zones: ["centre"],
                    thresholds: SignThresholds(
                        fullIncreasing: 0,
                        fullDecreasing: 1,
                        almostFullIncreasing: 2,
                        almostFullDecreasing: 3
                    ),
                    minimumCoverage: minimumCoverage
                )
            ],
            groups: [LightGroupDefinition(id: "avenue", name: "Avenue", offlineAfter: 1800)],
            bays: (1...4).map { Bay(id: "c\($0)", zone: "centre", sensor: "s-c\($0)") }
                + (1...2).map { Bay(id: "g\($0)", zone: "gare", sensor: "s-g\($0)", maxStayMinutes: 30) },
            lights: (1...2).map { Light(id: "l\($0)", group: "avenue", controller: "ctl-\($0)", ratedPowerWatts: 60) }
        )
    }
}
