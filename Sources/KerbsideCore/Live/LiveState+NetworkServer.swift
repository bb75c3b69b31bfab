import Foundation

/// Where a controller behind a network server takes its downlinks, learnt from its uplinks.
public struct NetworkServerRoute: Sendable, Equatable, Codable {
    public var format: NetworkServerFormat
    public var downlinkTopic: String
    public var devEUI: String
}

extension LiveState {
    /// Reads a network server's uplink event, finds its device, decodes it with the device's model (the network
    /// server's decoded object where the model maps it, else the raw bytes) and applies it like a native reading.
    /// The frame counter stands for `seq`, and the FRMPayload's fingerprint recognises a redelivery.
    mutating func ingestNetworkServer(
        _ payload: UnsafeRawBufferPointer,
        format: NetworkServerFormat,
        topic: Substring,
        receivedAt: Date
    ) throws -> IngestResult {
        let uplink = try NetworkServerUplink.parse(Data(payload), format: format)
        guard let device = inventory.device(devEUI: uplink.devEUI, deviceID: uplink.deviceID) else {
            let name = uplink.devEUI.map { "DevEUI \($0)" } ?? "device \"\(uplink.deviceID ?? "")\""
            throw Rejection(.unknownDevice, "\(format.rawValue) uplink from \(name), which is not in the inventory")
        }
        let modelID: String? =
            switch device {
            case .bay(let index): inventory.bays[index].model
            case .light(let index): inventory.lights[index].model
            }
        guard let modelID, let model = deviceModels[modelID] else {
            throw Rejection(.codec, "no device model \"\(modelID ?? "")\" in the catalog for this device")
        }
        let decoded: DecodedUplink
        do {
            decoded = try Self.decode(uplink, with: model)
        } catch {
            throw Rejection(.codec, error.message)
        }
        let fingerprinted = uplink.payload ?? Array(uplink.object ?? Data())
        return try fingerprinted.withUnsafeBytes { bytes in
            try apply(decoded, from: uplink, device: device, format: format, topic: topic, bytes, receivedAt)
        }
    }

    private static func decode(
        _ uplink: NetworkServerUplink,
        with model: DeviceModel
    ) throws(CodecError) -> DecodedUplink {
        if let object = uplink.object, model.mapsObjects,
            let tree = try? JSONDecoder().decode(JSONTree.self, from: object)
        {
            return try model.decode(object: tree)
        }
        guard let bytes = uplink.payload, let fPort = uplink.fPort else {
            throw CodecError(message: "the uplink has no FRMPayload and fPort to decode")
        }
        return try model.decode(fPort: fPort, payload: bytes)
    }

    private mutating func apply(
        _ decoded: DecodedUplink,
        from uplink: NetworkServerUplink,
        device: DeviceIndex,
        format: NetworkServerFormat,
        topic: Substring,
        _ fingerprint: UnsafeRawBufferPointer,
        _ receivedAt: Date
    ) throws -> IngestResult {
        switch (device, decoded.content) {
        case (_, .ignored(let why)):
            return .ignored(why)
        case (.bay(let bayIndex), .parking(let occupied, let battery, let kind)):
            guard let occupied else { return .ignored("the frame does not say whether the bay is occupied") }
            let reading = ParkingReading(
                occupied: occupied,
                timestamp: uplink.receivedAt.map { min($0, receivedAt) },
                seq: uplink.frameCounter,
                batteryVolts: battery,
                kind: kind
            )
            return try applyParking(reading, bayIndex: bayIndex, fingerprinting: fingerprint, receivedAt: receivedAt)
        case (.light(let lightIndex), .lighting(let level, let power, let energy, let faults, let echoed)):
            if let devEUI = uplink.devEUI ?? inventory.lights[lightIndex].devEUI,
                let downlinkTopic = format.downlinkTopic(forUplinkTopic: String(topic))
            {
                networkServerRoutes[lightIndex] = NetworkServerRoute(
                    format: format,
                    downlinkTopic: downlinkTopic,
                    devEUI: devEUI
                )
            }
            // A usage frame carries energy but no level: the level stays what the last status said.
            guard let level = level ?? echoed ?? lights[lightIndex].reportedLevel else {
                return .ignored("no level known yet for this controller; waiting for a status frame")
            }
            // LoRaWAN frames carry no command id: echoing the commanded level acknowledges the command.
            let ack = echoed.flatMap { echoed in
                commands[lightIndex].flatMap { $0.level == echoed ? $0.id : nil }
            }
            let reading = LightingReading(
                level: level,
                powerWatts: power,
                energyWattHours: energy,
                faults: faults ?? lights[lightIndex].faults,
                ack: ack,
                timestamp: uplink.receivedAt.map { min($0, receivedAt) },
                seq: uplink.frameCounter
            )
            return try applyLighting(
                reading,
                lightIndex: lightIndex,
                fingerprinting: fingerprint,
                receivedAt: receivedAt
            )
        case (.bay, .lighting), (.light, .parking):
            throw Rejection(.codec, "the device's model decodes another kind of device than the inventory says")
        }
    }
}
