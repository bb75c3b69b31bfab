import Foundation
import Testing

@testable import KerbsideCore

@Suite("Binary device records")
struct BinaryRecordTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000.123456789)

    var bay: PersistedBay {
        PersistedBay(
            sensor: "s-1",
            reported: .occupied,
            since: start,
            lastSeen: start.addingTimeInterval(3.5),
            lastReadingAt: nil,
            batteryVolts: 3.41,
            arrivedAt: start.addingTimeInterval(-0.001),
            seqs: [SeqWindow.Entry(seq: 7, fingerprint: .max), SeqWindow.Entry(seq: 8, fingerprint: 0)],
            recent: [
                BaySample(at: start, occupied: true, batteryVolts: nil, kind: .change),
                BaySample(at: start.addingTimeInterval(60), occupied: false, batteryVolts: 3.3, kind: .heartbeat),
            ]
        )
    }

    var light: PersistedLight {
        var energy = DailyEnergy()
        energy.add(12.5, on: LocalDay(year: 2027, month: 3, day: 28))
        return PersistedLight(
            controller: "ctl-é",
            reportedLevel: -1,
            powerWatts: nil,
            energyWattHours: 1e12,
            faults: ["lamp_failure", "café"],
            faultsSince: start,
            lastAck: "cmd-1763-42",
            lastSeen: start,
            lastReadingAt: start,
            energyToday: energy,
            seqs: [],
            recent: [LightSample(at: start, level: 40, powerWatts: 22, energyWattHours: nil)]
        )
    }

    @Test func recordsReadBackExactly() throws {
        #expect(try PersistedBay(binaryRecord: bay.binaryRecord(), sensor: "s-1") == bay)
        #expect(try PersistedLight(binaryRecord: light.binaryRecord(), controller: "ctl-é") == light)
        let bare = PersistedLight(
            controller: "c",
            reportedLevel: nil,
            powerWatts: nil,
            energyWattHours: nil,
            faults: [],
            faultsSince: nil,
            lastAck: nil,
            lastSeen: nil,
            lastReadingAt: nil,
            energyToday: DailyEnergy(),
            seqs: [],
            recent: []
        )
        #expect(try PersistedLight(binaryRecord: bare.binaryRecord(), controller: "c") == bare)
    }

    @Test func damagedRecordsAreRefusedNotTrapped() {
        let record = bay.binaryRecord()
        for length in 0..<record.count {
            #expect(throws: BinaryRecordError.self) {
                try PersistedBay(binaryRecord: record.prefix(length), sensor: "s")
            }
        }
        #expect(throws: BinaryRecordError.self) { try PersistedBay(binaryRecord: record + [0], sensor: "s") }
        var otherLayout = record
        otherLayout[otherLayout.startIndex] = 99
        #expect(throws: BinaryRecordError.self) { try PersistedBay(binaryRecord: otherLayout, sensor: "s") }
        // A light's record is not a bay's.
        #expect(throws: BinaryRecordError.self) {
            try PersistedBay(binaryRecord: light.binaryRecord(), sensor: "s")
        }
        // A huge count is refused before anything is allocated for it.
        var hugeCount = Data([1, 0, 0, 0, 0, 0, 0])
        hugeCount.append(contentsOf: [UInt8](repeating: 0xFF, count: 8))
        #expect(throws: BinaryRecordError.self) { try PersistedBay(binaryRecord: hugeCount, sensor: "s") }
    }
}
