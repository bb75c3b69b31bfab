import Foundation
import KerbsideConfiguration
import KerbsideCore
import Testing

@Suite("The demo configuration")
struct DemoConfigurationTests {
    /// `Devices/demo/kerbside.yaml` in the package, found from this file so the test runs from any directory.
    static let demoFile = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Devices/demo/kerbside.yaml").path

    @Test("loads with the expected zones, bays, signs, groups, lights and tokens")
    func loads() throws {
        let configuration = try ConfigurationLoader.load(path: Self.demoFile)
        let inventory = configuration.inventory
        #expect(configuration.site.name == "Niort centre")
        #expect(configuration.site.timeZone.identifier == "Europe/Paris")
        #expect(
            inventory.zones.map(\.id) == [
                "place-breche", "gare", "hotel-de-ville", "les-halles", "rue-du-temple", "republique",
                "boulevard-main", "parking-gare",
            ]
        )
        #expect(inventory.bayIndicesByZone().map(\.count) == [24, 18, 14, 40, 40, 56, 64, 90])
        #expect(inventory.signs.map(\.id) == ["breche-entree", "centre-ville", "gare-parking", "halles-temple"])
        #expect(
            inventory.groups.map(\.id) == [
                "avenue-de-paris", "rue-victor-hugo", "place-de-la-breche", "avenue-de-la-republique", "rue-ricard",
                "les-halles", "rue-du-temple", "hotel-de-ville", "boulevard-main", "gare",
            ]
        )
        #expect(inventory.lightIndicesByGroup().map(\.count) == [61, 11, 25, 63, 12, 15, 11, 7, 59, 19])
        #expect(configuration.tokens.map(\.role) == [.viewer, .lighting, .admin])
        #expect(inventory.problems.isEmpty)
        // The first demo's devices keep their ids, sensors and controllers.
        #expect(inventory.bays.first { $0.id == "breche-001" }?.sensor == "nwave-0001")
        #expect(inventory.bays.first { $0.id == "hdv-014" }?.sensor == "nwave-0056")
        #expect(inventory.lights.first { $0.id == "adp-01" }?.controller == "ul2030-0001")
        #expect(inventory.lights.first { $0.id == "rvh-08" }?.controller == "ul2030-0020")
        // Some devices are behind a LoRaWAN network server, each with a model of the catalog.
        let lorawanBays = inventory.bays.filter { $0.devEUI != nil }
        let lorawanLights = inventory.lights.filter { $0.devEUI != nil }
        #expect(lorawanBays.count == 109)
        #expect(Set(lorawanBays.compactMap(\.model)) == ["nwave-nps405", "bosch-tps110"])
        #expect(lorawanLights.count == 59)
        #expect(Set(lorawanLights.compactMap(\.model)) == ["nas-ul20xx-fw1.1"])
        let catalog = Set(configuration.deviceModels.keys)
        #expect(catalog.isSuperset(of: ["nwave-nps405", "bosch-tps110", "nas-ul20xx-fw1.1"]))
        #expect(configuration.networkServers.map(\.format) == [.chirpStackV4, .theThingsStackV3])
        #expect(configuration.scheduleAssignments.count == inventory.groups.count)
        #expect(
            configuration.inventoryFiles.map { URL(fileURLWithPath: $0).lastPathComponent }
                == ["bays.geojson", "lights.geojson"]
        )
    }

    @Test("resolves relative paths against the configuration's directory and applies per-zone overrides")
    func resolvesAndOverrides() throws {
        let configuration = try ConfigurationLoader.load(path: Self.demoFile)
        let directory = URL(fileURLWithPath: Self.demoFile).deletingLastPathComponent().path
        let expected = URL(fileURLWithPath: directory + "/../../.demo/kerbside-demo.sqlite").standardizedFileURL.path
        #expect(URL(fileURLWithPath: configuration.storagePath).standardizedFileURL.path == expected)
        let gare = try #require(configuration.inventory.zones.first { $0.id == "gare" })
        #expect(gare.health.offlineAfter == 2 * 3600)
        #expect(gare.health.suspectAfter == 72 * 3600)
        #expect(gare.maxStayMinutes == 240)
        let sign = try #require(configuration.inventory.signs.first)
        #expect(sign.fullText == "COMPLET")
        #expect(
            sign.thresholds
                == SignThresholds(
                    fullIncreasing: 0,
                    fullDecreasing: 1,
                    almostFullIncreasing: 3,
                    almostFullDecreasing: 5
                )
        )
        let unsurveyed = try #require(configuration.inventory.lights.first { $0.id == "rvh-08" })
        #expect(unsurveyed.coordinate == nil)
        #expect(configuration.inventory.bays.first { $0.id == "gare-001" }?.maxStayMinutes == 20)
        let halles = try #require(configuration.inventory.zones.first { $0.id == "les-halles" })
        #expect(halles.maxStayMinutes == 30)
    }

    @Test("reference file in systemd/ loads too")
    func referenceFileLoads() throws {
        let reference = URL(fileURLWithPath: Self.demoFile).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("systemd/kerbside.example.yaml")
        let fixture = try ConfigurationFixture()
        // The reference points at /etc/kerbside; load its text against a directory holding the devices of the demo
        // inventory in the zones and groups the reference configures (the first demo's).
        let text = try String(contentsOf: reference, encoding: .utf8)
        let known = [
            "zone": ["place-breche", "gare", "hotel-de-ville"], "group": ["avenue-de-paris", "rue-victor-hugo"],
        ]
        for name in ["bays.geojson", "lights.geojson"] {
            let demo = URL(fileURLWithPath: Self.demoFile).deletingLastPathComponent().appendingPathComponent(name)
            var document = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: demo)) as? [String: Any]
            )
            let features = try #require(document["features"] as? [[String: Any]])
            document["features"] = features.filter { feature in
                let properties = feature["properties"] as? [String: Any]
                return known.contains { key, ids in (properties?[key] as? String).map(ids.contains) == true }
            }
            let data = try JSONSerialization.data(withJSONObject: document)
            try fixture.write(name, String(decoding: data, as: UTF8.self))
        }
        let configuration = try ConfigurationLoader.load(
            yaml: text,
            file: reference.path,
            baseDirectory: fixture.directory.path
        )
        #expect(configuration.broker.port == 1883)
        #expect(configuration.broker.clientID == "kerbsided-default")
        #expect(configuration.http.maxBodyBytes == 65536)
        #expect(configuration.retention == RetentionPolicy())
    }

    @Test("retention levels are read, and a bad one is located")
    func retention() throws {
        let fixture = try ConfigurationFixture()
        let demo = URL(fileURLWithPath: Self.demoFile).deletingLastPathComponent()
        let base = try String(contentsOf: demo.appendingPathComponent("kerbside.yaml"), encoding: .utf8)
            .replacingOccurrences(
                of: "  path: ../../.demo/kerbside-demo.sqlite",
                with: "  path: x.sqlite\n  retention: {1m: 2d, 1d: 5y}"
            )
            // Copied elsewhere, the demo's relative catalog path would point nowhere.
            .replacingOccurrences(
                of: "device_models: ../models",
                with: "device_models: \(demo.deletingLastPathComponent().appendingPathComponent("models").path)"
            )
        for name in ["bays.geojson", "lights.geojson"] {
            try fixture.write(name, String(contentsOf: demo.appendingPathComponent(name), encoding: .utf8))
        }
        #expect(throws: ConfigurationError.self) {
            _ = try ConfigurationLoader.load(yaml: base, file: "k.yaml", baseDirectory: fixture.directory.path)
        }
        let good = base.replacingOccurrences(of: "5y", with: "1825d")
        let configuration = try ConfigurationLoader.load(
            yaml: good,
            file: "k.yaml",
            baseDirectory: fixture.directory.path
        )
        #expect(configuration.retention.minute == 2 * 86_400)
        #expect(configuration.retention.day == 1825 * 86_400)
        #expect(configuration.retention.hour == RetentionPolicy().hour)
    }
}
