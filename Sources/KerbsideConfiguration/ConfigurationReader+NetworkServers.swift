import Foundation
import KerbsideCore

extension ConfigurationReader {
    /// Reads `network_servers`: a list of `{format, topic}`; `topic` defaults to the integration's own pattern.
    func readNetworkServers(_ document: YAMLMapping) -> [NetworkServerSettings] {
        let formats = NetworkServerFormat.allCases.map(\.rawValue)
        var servers: [NetworkServerSettings] = []
        for item in document.sequence("network_servers", expected: "a list of {format, topic}") ?? [] {
            guard let server = yaml.mapping(item.node, key: item.key, keys: ["format", "topic"]),
                let name = server.string("format", required: true),
                let format = NetworkServerFormat(rawValue: name)
            else {
                if case .mapping(let mapping) = item.node, let format = mapping["format"]?.scalar?.string,
                    NetworkServerFormat(rawValue: format) == nil
                {
                    yaml.report(
                        "unknown format \"\(format)\"; expected one of \(formats.joined(separator: ", "))",
                        key: "\(item.key).format",
                        at: mapping["format"]
                    )
                }
                continue
            }
            servers.append(NetworkServerSettings(format: format, uplinkTopic: server.string("topic")))
        }
        return servers
    }

    /// Reads the device catalog: every `*.json` model file in the `device_models` directory.
    func readDeviceModels(_ document: YAMLMapping) -> [String: DeviceModel] {
        guard let given = document.string("device_models") else { return [:] }
        let directory = resolve(given)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            yaml.report(
                "expected a directory of device model files, found nothing readable at \"\(directory)\"",
                key: "device_models",
                at: document.value("device_models")
            )
            return [:]
        }
        var models: [String: DeviceModel] = [:]
        for name in names.sorted() where name.hasSuffix(".json") {
            let path = directory + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            do {
                let model = try DeviceModel.parse(Array(data))
                if models[model.id] != nil {
                    log.report(
                        "model id \"\(model.id)\" is declared twice",
                        at: SourceLocation(file: path, line: nil, column: nil, key: "id")
                    )
                }
                models[model.id] = model
            } catch {
                log.report(error.message, at: SourceLocation(file: path, line: nil, column: nil, key: ""))
            }
        }
        return models
    }

    /// Every bay and light with a `model` must name a model of the catalog of the right kind.
    func catalogProblems(_ inventory: Inventory, models: [String: DeviceModel]) -> [InventoryProblem] {
        var problems: [InventoryProblem] = []
        func check(_ subject: String, model: String?, expected: DeviceKind) {
            guard let model else { return }
            guard let found = models[model] else {
                problems.append(
                    InventoryProblem(subject: subject, message: "model \"\(model)\" is not in the device catalog")
                )
                return
            }
            if found.kind != expected {
                problems.append(
                    InventoryProblem(
                        subject: subject,
                        message: "model \"\(model)\" is a \(found.kind.rawValue), not a \(expected.rawValue)"
                    )
                )
            }
        }
        for bay in inventory.bays { check("bay \"\(bay.id)\"", model: bay.model, expected: .parkingSensor) }
        for light in inventory.lights {
            check("light \"\(light.id)\"", model: light.model, expected: .lightController)
        }
        return problems
    }
}
