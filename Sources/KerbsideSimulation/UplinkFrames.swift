import Foundation

/// The FRMPayloads real devices send, built from a simulated state: what the device catalog's models decode.
public enum UplinkFrames {
    /// A parking sensor's status (change) or heartbeat frame.
    ///
    /// - Parameters:
    ///   - model: `nwave-nps405`, `nwave-nps310sm` or `bosch-tps110`.
    ///   - occupied: the bay's state.
    ///   - heartbeat: a periodic confirmation rather than a change.
    ///   - batteryVolts: the battery, where the frame carries it.
    /// - Returns: fPort and bytes, or `nil` for a model the simulator does not speak.
    public static func parking(
        model: String,
        occupied: Bool,
        heartbeat: Bool,
        batteryVolts: Double
    ) -> (fPort: Int, bytes: [UInt8])? {
        let bit: UInt8 = occupied ? 1 : 0
        switch model {
        case "nwave-nps405":
            guard heartbeat else { return (1, [bit]) }
            // Battery 2500 + 4·b mV; temperature t/2 + 10 °C (20 → 15 °C).
            let battery = UInt8(clamping: Int(((batteryVolts * 1000 - 2500) / 4).rounded()))
            return (2, [bit, battery, 10, 0, 0, 0])
        case "nwave-nps310sm":
            return (heartbeat ? 2 : 1, [bit])
        case "bosch-tps110":
            return heartbeat ? (2, [bit, 15]) : (1, [bit])
        default:
            return nil
        }
    }

    /// A NAS UL20xx (fw 1.1) status frame on fPort 23: relay, one broadcast dimming record with its DALI status.
    ///
    /// - Parameters:
    ///   - level: the lamp's level in percent.
    ///   - lampFailure: whether the DALI driver reports a lamp failure.
    ///   - at: the device's clock.
    /// - Returns: the bytes.
    public static func nasStatus(level: Int, lampFailure: Bool, at: Date) -> [UInt8] {
        let epoch = UInt32(clamping: Int64(at.timeIntervalSince1970))
        let relay: UInt8 = level > 0 ? 0x80 : 0x00
        let dali: UInt8 = (lampFailure ? 0x02 : 0x00) | (level > 0 ? 0x04 : 0x00)
        return [0x01] + littleEndian(epoch) + [relay, 0x00, 50, 9, 20, lampFailure ? 0x20 : 0x00, 0x00]
            + [0xFE, 0xFD, UInt8(clamping: level), dali]
    }

    /// A NAS usage frame on fPort 26: the controller's own meter (address 0xFF), energy and power.
    ///
    /// - Parameters:
    ///   - energyWattHours: the cumulative meter.
    ///   - powerWatts: the power now.
    /// - Returns: the bytes.
    public static func nasUsage(energyWattHours: Double, powerWatts: Double) -> [UInt8] {
        [0x00, 0xFF, 0x03] + littleEndian(UInt32(clamping: Int64(energyWattHours.rounded(.down))))
            + littleEndian(UInt16(clamping: Int(powerWatts.rounded())))
    }

    /// The NAS command echo on fPort 60 after a broadcast dimming command.
    ///
    /// - Parameter level: the level it was told.
    /// - Returns: the bytes.
    public static func nasEcho(level: Int) -> [UInt8] {
        [0x01, 0xFE, UInt8(clamping: level)]
    }

    private static func littleEndian<Value: FixedWidthInteger>(_ value: Value) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}
