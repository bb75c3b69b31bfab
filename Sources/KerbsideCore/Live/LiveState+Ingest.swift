import Foundation

/// What became of one inbound message.
public enum IngestResult: Sendable, Equatable {
    /// A parking reading was applied to bay `bayIndex`; `transition` is set when its known state changed.
    case parking(bayIndex: Int, occurredAt: Date, transition: BayTransition?)
    /// A controller reading was applied to light `lightIndex`.
    case lighting(lightIndex: Int, occurredAt: Date, ack: String?)
    /// A well-formed message that carries nothing Kerbside tracks (a startup or configuration frame).
    case ignored(String)
    case rejected(Rejection)
}

extension LiveState {
    /// Checks, decodes and applies one message; a rejection changes nothing.
    ///
    /// Checks run cheapest first: size, device, JSON and schema, timestamp window, duplicate `seq`, ordering.
    public mutating func ingest(
        _ payload: UnsafeRawBufferPointer,
        route: InboundRoute,
        receivedAt: Date
    ) -> IngestResult {
        guard payload.count <= policy.maxPayloadBytes else {
            return .rejected(Rejection(.tooLarge, "\(payload.count) bytes, limit \(policy.maxPayloadBytes)"))
        }
        do {
            switch route {
            case .parking(let sensor):
                return try ingestParking(payload, sensor: sensor, receivedAt: receivedAt)
            case .lighting(let controller):
                return try ingestLighting(payload, controller: controller, receivedAt: receivedAt)
            case .networkServer(let format, let topic):
                return try ingestNetworkServer(payload, format: format, topic: topic, receivedAt: receivedAt)
            }
        } catch let rejection as Rejection {
            return .rejected(rejection)
        } catch {
            return .rejected(Rejection(.schema, "\(error)"))
        }
    }

    /// Convenience for tools and tests.
    public mutating func ingest(_ payload: [UInt8], route: InboundRoute, receivedAt: Date) -> IngestResult {
        payload.withUnsafeBytes { ingest($0, route: route, receivedAt: receivedAt) }
    }

    private mutating func ingestParking(
        _ payload: UnsafeRawBufferPointer,
        sensor: Substring,
        receivedAt: Date
    ) throws -> IngestResult {
        guard let bayIndex = inventory.bayIndexBySensor[String(sensor)] else {
            throw Rejection(.unknownDevice, "parking sensor \"\(sensor)\" is not in the inventory")
        }
        let reading = try NativePayloadDecoder.decodeParking(payload)
        return try applyParking(reading, bayIndex: bayIndex, fingerprinting: payload, receivedAt: receivedAt)
    }

    /// Applies a decoded parking reading after the duplicate, skew, age and ordering checks.
    ///
    /// - Parameters:
    ///   - reading: the reading, from any format.
    ///   - bayIndex: the bay it is for.
    ///   - payload: the bytes whose fingerprint, with `seq`, recognises a redelivery.
    ///   - receivedAt: when it arrived.
    /// - Returns: what became of it.
    /// - Throws: `Rejection` for a duplicate, a timestamp out of bounds or out of order.
    mutating func applyParking(
        _ reading: ParkingReading,
        bayIndex: Int,
        fingerprinting payload: UnsafeRawBufferPointer,
        receivedAt: Date
    ) throws -> IngestResult {
        // A redelivery is older than what followed it: call it a duplicate before the ordering check calls it stale.
        // Everything read from `self` is read before `bays[bayIndex]` is modified: an argument that reads `self`
        // inside a modifying access makes the compiler copy the whole live state, twice per reading.
        let seen = try Self.checkedSeq(reading.seq, payload: payload, window: bays[bayIndex].seqWindow)
        let occurredAt = try Self.checkedTime(
            reading.timestamp,
            receivedAt: receivedAt,
            lastReadingAt: bays[bayIndex].lastReadingAt,
            policy: policy
        )
        let health = healthPolicy(ofBay: bayIndex)
        if let seen { bays[bayIndex].seqWindow.record(seen) }
        changedBays.insert(bayIndex)
        let arrivedAt = bays[bayIndex].arrivedAt
        let transition = bays[bayIndex].apply(
            reading,
            occurredAt: occurredAt,
            receivedAt: receivedAt,
            policy: health,
            bayIndex: bayIndex
        )
        if let transition {
            recordForRollups(transition, receivedAt: receivedAt)
            if transition.kind == .departure, let arrivedAt {
                endedSessions.append(
                    ParkingSession(
                        bay: inventory.bays[bayIndex].id,
                        zone: inventory.bays[bayIndex].zone,
                        arrived: arrivedAt,
                        departed: transition.at,
                        maxStayMinutes: maxStayMinutes(ofBay: bayIndex)
                    )
                )
            }
        }
        return .parking(bayIndex: bayIndex, occurredAt: occurredAt, transition: transition)
    }

    private mutating func ingestLighting(
        _ payload: UnsafeRawBufferPointer,
        controller: Substring,
        receivedAt: Date
    ) throws -> IngestResult {
        guard let lightIndex = inventory.lightIndexByController[String(controller)] else {
            throw Rejection(.unknownDevice, "streetlight controller \"\(controller)\" is not in the inventory")
        }
        let reading = try NativePayloadDecoder.decodeLighting(payload)
        return try applyLighting(reading, lightIndex: lightIndex, fingerprinting: payload, receivedAt: receivedAt)
    }

    /// Applies a decoded controller reading after the duplicate, skew, age and ordering checks.
    ///
    /// - Parameters:
    ///   - reading: the reading, from any format.
    ///   - lightIndex: the light it is for.
    ///   - payload: the bytes whose fingerprint, with `seq`, recognises a redelivery.
    ///   - receivedAt: when it arrived.
    /// - Returns: what became of it.
    /// - Throws: `Rejection` for a duplicate, a timestamp out of bounds or out of order.
    mutating func applyLighting(
        _ reading: LightingReading,
        lightIndex: Int,
        fingerprinting payload: UnsafeRawBufferPointer,
        receivedAt: Date
    ) throws -> IngestResult {
        // A redelivery is older than what followed it: call it a duplicate before the ordering check calls it stale.
        let seen = try Self.checkedSeq(reading.seq, payload: payload, window: lights[lightIndex].seqWindow)
        let occurredAt = try Self.checkedTime(
            reading.timestamp,
            receivedAt: receivedAt,
            lastReadingAt: lights[lightIndex].lastReadingAt,
            policy: policy
        )
        if let seen { lights[lightIndex].seqWindow.record(seen) }
        changedLights.insert(lightIndex)
        let day = dayFinder.day(of: occurredAt)
        let previousMeter = lights[lightIndex].energyWattHours
        lights[lightIndex].apply(reading, occurredAt: occurredAt, receivedAt: receivedAt, day: day)
        acknowledge(light: lightIndex, ack: reading.ack, at: receivedAt)
        let rollupState = lights[lightIndex].rollupState(ratedWatts: inventory.lights[lightIndex].ratedPowerWatts)
        recordForRollups(
            light: lightIndex,
            state: rollupState,
            meteredWattHours: LightState.meterDelta(from: previousMeter, to: reading.energyWattHours),
            at: min(occurredAt, receivedAt)
        )
        return .lighting(lightIndex: lightIndex, occurredAt: occurredAt, ack: reading.ack)
    }

    /// The instant a reading stands for, after the skew, age and ordering checks.
    private static func checkedTime(
        _ timestamp: Date?,
        receivedAt: Date,
        lastReadingAt: Date?,
        policy: IngestPolicy
    ) throws -> Date {
        guard let timestamp else {
            // Without its own time a reading happened on arrival, but never before the device's last one.
            return max(receivedAt, lastReadingAt ?? receivedAt)
        }
        let ahead = timestamp.timeIntervalSince(receivedAt)
        if ahead > policy.maxClockSkew {
            throw Rejection(.futureTimestamp, "ts is \(Int(ahead)) s ahead, limit \(Int(policy.maxClockSkew)) s")
        }
        if -ahead > policy.maxAge {
            throw Rejection(.staleTimestamp, "ts is \(Int(-ahead)) s old, limit \(Int(policy.maxAge)) s")
        }
        if let lastReadingAt, timestamp < lastReadingAt {
            throw Rejection(.staleTimestamp, "ts is older than the device's last accepted reading")
        }
        return timestamp
    }

    private static func checkedSeq(
        _ seq: UInt64?,
        payload: UnsafeRawBufferPointer,
        window: SeqWindow
    ) throws -> SeqWindow.Entry? {
        guard let seq else { return nil }
        let entry = SeqWindow.Entry(seq: seq, fingerprint: PayloadFingerprint.of(payload))
        if window.contains(entry) { throw Rejection(.duplicate, "seq \(seq) already received") }
        return entry
    }
}
