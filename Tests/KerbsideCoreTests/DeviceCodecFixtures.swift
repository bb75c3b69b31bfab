import Foundation
import Testing

@testable import KerbsideCore

/// The device catalog and the vendors' published examples, read from the repository (never from `shared/`).
enum CodecFixtures {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let modelsDirectory = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Devices/models")
    static let vectorsDirectory = testsDirectory.appendingPathComponent("Vectors")

    /// Every model file's name, sorted; empty if the directory cannot be read (a test then fails on it).
    static var modelFileNames: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: modelsDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }

    static func model(file name: String) throws -> DeviceModel {
        let bytes = try Data(contentsOf: modelsDirectory.appendingPathComponent(name))
        return try DeviceModel.parse(Array(bytes))
    }

    static func model(_ id: String) throws -> DeviceModel {
        try model(file: id + ".json")
    }

    static func json(_ file: String) throws -> JSONTree {
        try JSONDecoder().decode(JSONTree.self, from: Data(contentsOf: vectorsDirectory.appendingPathComponent(file)))
    }

    /// Every vector in a vector file: the members `vectors`, `vectors_A`, `vectors_B_changed` and so on, in order.
    static func vectors(_ file: String) throws -> [CodecVector] {
        guard case .object(let members) = try json(file) else { return [] }
        return try members.keys.filter { $0.hasPrefix("vectors") }.sorted().flatMap { key in
            guard case .array(let list) = members[key] else { return [CodecVector]() }
            return try list.map { try CodecVector($0, set: key) }
        }
    }

    static func bytes(hex: String) throws -> [UInt8] {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { throw CodecError(message: "odd hex length in \(hex)") }
        return try stride(from: 0, to: digits.count, by: 2).map { index in
            guard let byte = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) else {
                throw CodecError(message: "not hex: \(hex)")
            }
            return byte
        }
    }

    static func hexString(_ payload: [UInt8]) -> String {
        payload.map { String(format: "%02X", $0) }.joined()
    }

    /// The error a decode threw, or `nil` if it succeeded.
    static func codecError<T>(_ body: () throws(CodecError) -> T) -> CodecError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }
}

/// One published example: the FRMPayload on its fPort and the vendor codec's output.
struct CodecVector: CustomTestStringConvertible {
    var description: String
    var fPort: Int
    var payload: [UInt8]
    /// The vendor decoder's result, `{"data": …, "errors": …, "warnings": …}`; `nil` for frames given as hex only.
    var expected: JSONTree?

    init(_ tree: JSONTree, set: String) throws {
        guard case .string(let text) = tree["description"], case .number(let port) = tree["fPort"],
            case .string(let hex) = tree["hex"]
        else {
            throw CodecError(message: "vector without description, fPort or hex in \(set)")
        }
        description = "\(set): \(text)"
        fPort = Int(port)
        payload = try CodecFixtures.bytes(hex: hex)
        expected = tree["expected"]
    }

    var testDescription: String { "\(description) (fPort \(fPort), \(CodecFixtures.hexString(payload)))" }
}

/// What Kerbside should read from a vendor codec's output, worked out here independently of the model files'
/// maps, from the vendors' documentation (FORMATS.md §3). `nil` content means "a frame Kerbside ignores".
enum VendorOracle {
    static func content(_ data: JSONTree, kind: DeviceKind) -> DecodedUplink.Content? {
        switch kind {
        case .parkingSensor: parking(data)
        case .lightController: lighting(data)
        }
    }

    private static func parking(_ data: JSONTree) -> DecodedUplink.Content? {
        let kind: ParkingReadingKind
        switch data["type"] {
        case .string("parking_status"), .string("parking status"), .string("user_registration"): kind = .change
        case .string("heartbeat"): kind = .heartbeat
        default: return nil
        }
        var occupied: Bool?
        if case .bool(let flag) = data["occupied"] { occupied = flag }
        var battery: Double?
        if case .number(let volts) = data["battery_voltage"] { battery = volts }
        return .parking(occupied: occupied, batteryVolts: battery, kind: kind)
    }

    private static func lighting(_ data: JSONTree) -> DecodedUplink.Content? {
        guard case .string(let type) = data["packet_type"] else { return nil }
        switch type {
        case "status_packet":
            var level = numbers(data["dimming_source"], "dimming_level__percent").first.map { Int($0) }
            if level == nil, data["status"]?["internal_relay_closed"] == .bool(false) { level = 0 }
            let statuses = elements(data["dimming_source"]).compactMap { $0["status"] }
            return .lighting(
                level: level,
                powerWatts: nil,
                energyWattHours: nil,
                faults: daliFaults(statuses),
                echoedLevel: nil
            )
        case "usage_packet":
            let records = elements(data["consumption"])
            let own = records.filter { $0["address"] == .string("internal_measurement") }
            func meter(_ key: String) -> Double? {
                if let value = numbers(.array(own), key).first { return value }
                let all = numbers(.array(records), key)
                return all.isEmpty ? nil : all.reduce(0, +)
            }
            return .lighting(
                level: nil,
                powerWatts: meter("active_power__W"),
                energyWattHours: meter("active_energy__Wh"),
                faults: nil,
                echoedLevel: nil
            )
        case "manual_dimming":
            let level = numbers(data["destination"], "dimming_level__percent").first.map { Int($0) }
            return .lighting(level: nil, powerWatts: nil, energyWattHours: nil, faults: nil, echoedLevel: level)
        case "dali_driver_alert":
            let statuses = elements(data["drivers"]).compactMap { $0["status"] }
            return .lighting(
                level: nil,
                powerWatts: nil,
                energyWattHours: nil,
                faults: daliFaults(statuses),
                echoedLevel: nil
            )
        case "metering_alert":
            var power: Double?
            if case .number(let watts) = data["power__W"] { power = watts }
            let flags = [
                ("lamp_error_alert", "lamp_failure"), ("over_current_alert", "over_current"),
                ("under_voltage_alert", "under_voltage"), ("over_voltage_alert", "over_voltage"),
                ("low_power_factor_alert", "low_power_factor"),
            ]
            let faults = flags.filter { data[$0.0] == .bool(true) }.map(\.1)
            return .lighting(level: nil, powerWatts: power, energyWattHours: nil, faults: faults, echoedLevel: nil)
        default:
            return nil
        }
    }

    /// DALI status bits as Kerbside faults: driver_error, lamp_failure, power_failure.
    private static func daliFaults(_ statuses: [JSONTree]) -> [String] {
        let flags = [
            ("driver_error", "driver_failure"), ("lamp_failure", "lamp_failure"), ("power_failure", "power_loss"),
        ]
        return flags.filter { flag in statuses.contains { $0[flag.0] == .bool(true) } }.map(\.1)
    }

    private static func elements(_ tree: JSONTree?) -> [JSONTree] {
        if case .array(let list) = tree { return list }
        return []
    }

    private static func numbers(_ tree: JSONTree?, _ key: String) -> [Double] {
        elements(tree).compactMap { element in
            if case .number(let value) = element[key] { return value }
            return nil
        }
    }
}
