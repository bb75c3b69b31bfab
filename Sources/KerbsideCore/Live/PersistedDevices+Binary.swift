import Foundation

/// Saved devices as compact binary records, one checkpoint row each. The first byte is the layout's version, so a
/// later layout can still read these.
extension PersistedBay {
    private static let layout: UInt8 = 1

    /// This bay's record; its sensor id is the row's key, not part of the record.
    public func binaryRecord() -> Data {
        var writer = BinaryRecordWriter(capacity: 64 + 40 * recent.count + 16 * seqs.count)
        writer.byte(Self.layout)
        writer.byte(reported.code)
        writer.optional(since) { $0.date($1) }
        writer.optional(lastSeen) { $0.date($1) }
        writer.optional(lastReadingAt) { $0.date($1) }
        writer.optional(batteryVolts) { $0.double($1) }
        writer.optional(arrivedAt) { $0.date($1) }
        writer.writeSeqs(seqs)
        writer.count(recent.count)
        for sample in recent {
            writer.date(sample.at)
            writer.bool(sample.occupied)
            writer.optional(sample.batteryVolts) { $0.double($1) }
            writer.bool(sample.kind == .heartbeat)
        }
        return Data(writer.bytes)
    }

    /// Reads a record written by `binaryRecord()`.
    ///
    /// - Throws: `BinaryRecordError` for a record cut short, malformed or of an unknown layout.
    public init(binaryRecord data: Data, sensor: String) throws(BinaryRecordError) {
        let result = data.withUnsafeBytes { bytes -> Result<PersistedBay, BinaryRecordError> in
            var reader = BinaryRecordReader(bytes)
            do throws(BinaryRecordError) {
                guard try reader.byte() == Self.layout else { throw BinaryRecordError("unknown bay record layout") }
                let bay = PersistedBay(
                    sensor: sensor,
                    reported: try Occupancy(code: try reader.byte()),
                    since: try reader.optional { r throws(BinaryRecordError) in try r.date() },
                    lastSeen: try reader.optional { r throws(BinaryRecordError) in try r.date() },
                    lastReadingAt: try reader.optional { r throws(BinaryRecordError) in try r.date() },
                    batteryVolts: try reader.optional { r throws(BinaryRecordError) in try r.double() },
                    arrivedAt: try reader.optional { r throws(BinaryRecordError) in try r.date() },
                    seqs: try reader.readSeqs(),
                    recent: try reader.array { r throws(BinaryRecordError) in
                        BaySample(
                            at: try r.date(),
                            occupied: try r.bool(),
                            batteryVolts: try r.optional { r throws(BinaryRecordError) in try r.double() },
                            kind: try r.bool() ? .heartbeat : .change
                        )
                    }
                )
                guard reader.isAtEnd else { throw BinaryRecordError("bytes after the bay record") }
                return .success(bay)
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }
}

extension PersistedLight {
    private static let layout: UInt8 = 1

    /// This light's record; its controller id is the row's key, not part of the record.
    public func binaryRecord() -> Data {
        var writer = BinaryRecordWriter(capacity: 128 + 40 * recent.count + 16 * seqs.count)
        writer.byte(Self.layout)
        writer.optional(reportedLevel) { $0.integer($1) }
        writer.optional(powerWatts) { $0.double($1) }
        writer.optional(energyWattHours) { $0.double($1) }
        writer.count(faults.count)
        for fault in faults { writer.string(fault) }
        writer.optional(faultsSince) { $0.date($1) }
        writer.optional(lastAck) { $0.string($1) }
        writer.optional(lastSeen) { $0.date($1) }
        writer.optional(lastReadingAt) { $0.date($1) }
        writer.optional(energyToday.day) { writer, day in
            writer.integer(day.year)
            writer.integer(day.month)
            writer.integer(day.day)
        }
        writer.double(energyToday.wattHours)
        writer.writeSeqs(seqs)
        writer.count(recent.count)
        for sample in recent {
            writer.date(sample.at)
            writer.integer(sample.level)
            writer.optional(sample.powerWatts) { $0.double($1) }
            writer.optional(sample.energyWattHours) { $0.double($1) }
        }
        return Data(writer.bytes)
    }

    /// Reads a record written by `binaryRecord()`.
    ///
    /// - Throws: `BinaryRecordError` for a record cut short, malformed or of an unknown layout.
    public init(binaryRecord data: Data, controller: String) throws(BinaryRecordError) {
        let result = data.withUnsafeBytes { bytes -> Result<PersistedLight, BinaryRecordError> in
            var reader = BinaryRecordReader(bytes)
            do throws(BinaryRecordError) {
                guard try reader.byte() == Self.layout else {
                    throw BinaryRecordError("unknown light record layout")
                }
                let reportedLevel = try reader.optional { r throws(BinaryRecordError) in try r.integer() }
                let powerWatts = try reader.optional { r throws(BinaryRecordError) in try r.double() }
                let energyWattHours = try reader.optional { r throws(BinaryRecordError) in try r.double() }
                let faults = try reader.array { r throws(BinaryRecordError) in try r.string() }
                let faultsSince = try reader.optional { r throws(BinaryRecordError) in try r.date() }
                let lastAck = try reader.optional { r throws(BinaryRecordError) in try r.string() }
                let lastSeen = try reader.optional { r throws(BinaryRecordError) in try r.date() }
                let lastReadingAt = try reader.optional { r throws(BinaryRecordError) in try r.date() }
                var energyToday = DailyEnergy()
                energyToday.day = try reader.optional { r throws(BinaryRecordError) in
                    LocalDay(year: try r.integer(), month: try r.integer(), day: try r.integer())
                }
                energyToday.wattHours = try reader.double()
                let light = PersistedLight(
                    controller: controller,
                    reportedLevel: reportedLevel,
                    powerWatts: powerWatts,
                    energyWattHours: energyWattHours,
                    faults: faults,
                    faultsSince: faultsSince,
                    lastAck: lastAck,
                    lastSeen: lastSeen,
                    lastReadingAt: lastReadingAt,
                    energyToday: energyToday,
                    seqs: try reader.readSeqs(),
                    recent: try reader.array { r throws(BinaryRecordError) in
                        LightSample(
                            at: try r.date(),
                            level: try r.integer(),
                            powerWatts: try r.optional { r throws(BinaryRecordError) in try r.double() },
                            energyWattHours: try r.optional { r throws(BinaryRecordError) in try r.double() }
                        )
                    }
                )
                guard reader.isAtEnd else { throw BinaryRecordError("bytes after the light record") }
                return .success(light)
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }
}

extension BinaryRecordWriter {
    fileprivate mutating func writeSeqs(_ seqs: [SeqWindow.Entry]) {
        count(seqs.count)
        for entry in seqs {
            unsigned(entry.seq)
            unsigned(entry.fingerprint)
        }
    }
}

extension BinaryRecordReader {
    fileprivate mutating func readSeqs() throws(BinaryRecordError) -> [SeqWindow.Entry] {
        try array { r throws(BinaryRecordError) in
            SeqWindow.Entry(seq: try r.unsigned(), fingerprint: try r.unsigned())
        }
    }
}

extension Occupancy {
    fileprivate var code: UInt8 {
        switch self {
        case .unknown: 0
        case .free: 1
        case .occupied: 2
        }
    }

    fileprivate init(code: UInt8) throws(BinaryRecordError) {
        switch code {
        case 0: self = .unknown
        case 1: self = .free
        case 2: self = .occupied
        default: throw BinaryRecordError("unknown occupancy code \(code)")
        }
    }
}
